"""The log of sponsors' liaisons reading attendance reports, read-only for the chapter's organizers."""

from django.contrib import admin

from chapters.admin_scoping import ChapterScopedAdmin
from meetings.models import ReportAccessLog


@admin.register(ReportAccessLog)
class ReportAccessLogAdmin(ChapterScopedAdmin):
    chapter_path = "chapter"
    list_display = [
        "created_at",
        "user_email",
        "sponsor_names",
        "chapter",
        "report",
        "meeting",
        "format",
        "period_first",
        "period_last",
    ]
    list_filter = ["chapter", "report", "format"]
    search_fields = ["user_email", "sponsor_names"]
    date_hierarchy = "created_at"
    list_select_related = ["chapter", "meeting", "meeting__chapter"]
    fields = list_display + ["table"]
    readonly_fields = fields

    # A record of what happened: nobody adds, edits or deletes it, superusers included.
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
