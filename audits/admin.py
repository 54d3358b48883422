from django.contrib import admin

from audits.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail, read-only: nobody adds, changes or deletes events here."""

    list_display = ("id", "at", "actor_label", "action", "object_type", "object_id", "from_state", "to_state", "ip")
    list_filter = ("action",)
    search_fields = ("=object_id", "actor_label")
    list_select_related = ("actor",)
    ordering = ("-id",)
    show_full_result_count = False  # counting millions of rows on every search is slow

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
