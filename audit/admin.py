from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for staff: the trail is only ever added to."""

    list_display = ["at", "action", "target", "subject", "actor", "reason"]
    list_filter = ["action", "at"]
    search_fields = ["target", "reason", "subject__email", "subject__full_name", "actor__email"]
    date_hierarchy = "at"
    list_select_related = ["subject", "actor"]
    readonly_fields = ["at", "action", "target", "subject", "actor", "reason", "details"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
