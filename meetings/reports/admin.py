"""The log of sponsors' liaisons reading attendance reports, read-only for the chapter's organizers."""

from django.contrib import admin

from chapters.admin_scoping import ChapterScopedAdmin, ReadOnlyAdminMixin
from meetings.models import ReportAccessLog


@admin.register(ReportAccessLog)
class ReportAccessLogAdmin(ReadOnlyAdminMixin, ChapterScopedAdmin):
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
