"""The door's record, read-only for the chapter's organizers: every change and the walk-in guests."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chapters.admin_scoping import ChapterScopedAdmin, ReadOnlyAdminMixin
from meetings.models import CheckInChange, WalkInGuest


class ReadOnlyRecordAdmin(ReadOnlyAdminMixin, ChapterScopedAdmin):
    """A record of what happened at the door: nobody adds, edits or deletes it, superusers included."""

    chapter_path = "meeting__chapter"


@admin.register(CheckInChange)
class CheckInChangeAdmin(ReadOnlyRecordAdmin):
    list_display = ["at", "meeting", "action", "person", "guests_delta", "by", "after_close"]
    list_filter = ["action", "after_close", "meeting__chapter"]
    date_hierarchy = "at"
    list_select_related = ["meeting", "meeting__chapter", "rsvp__member", "guest", "by"]
    fields = ["at", "meeting", "action", "rsvp", "guest", "guests_delta", "by", "after_close"]
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        # The door page links here for its own meeting; the list stays scoped to the user's chapters.
        return lookup == "meeting__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("who"))
    def person(self, change):
        if change.rsvp is not None:
            return change.rsvp.member.public_name
        if change.guest is not None:
            return change.guest.name
        return ""


@admin.register(WalkInGuest)
class WalkInGuestAdmin(ReadOnlyRecordAdmin):
    list_display = ["name", "email", "meeting", "added_at", "added_by"]
    list_filter = ["meeting__chapter"]
    search_fields = ["name", "email"]
    list_select_related = ["meeting", "meeting__chapter", "added_by"]
    fields = list_display
    readonly_fields = fields
