from django.contrib import admin

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("learner_name", "course_title", "status", "code", "completed_on", "version")
    list_filter = ("status",)
    search_fields = ("learner_name", "code", "course_title")
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False  # certificates are records: revoked at most, never deleted
