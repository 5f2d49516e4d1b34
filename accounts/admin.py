from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # `or ()`: UserAdmin sets fieldsets; the stubs type ModelAdmin's, which may be None.
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Certificates", {"fields": ("full_name",)}),
        ("Profile", {"fields": ("time_zone", "reminder_emails")}),
    )
    list_display = ("username", "full_name", "email", "is_staff")
    search_fields = ("username", "full_name", "email")
