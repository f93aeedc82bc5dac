"""The door's record, read-only for the chapter's organizers: every change and the walk-in guests."""

import functools

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from chapters.admin_scoping import ChapterScopedAdmin, ReadOnlyAdminMixin
from meetings import rsvp_list
from meetings.checkin.services import WALK_IN_INVITE
from meetings.models import CheckInChange, WalkInGuest
from members.mail import kinds

kinds.register(WALK_IN_INVITE, _("Invitation to a walk-in guest"))


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

    def get_urls(self):
        # One meeting's RSVP list lives here: the meeting admin belongs to the scheduling work, and
        # these pages are the door's record seen from the back office.
        views = {
            "": ("rsvp_list", rsvp_list.rsvp_list_view),
            "csv/": ("rsvp_csv", rsvp_list.rsvp_list_csv_view),
            "promote/": ("rsvp_promote", rsvp_list.rsvp_promote_view),
            "attended/": ("rsvp_attended", rsvp_list.rsvp_attended_view),
            "invite/": ("guest_invite", rsvp_list.guest_invite_view),
        }
        wrap = self.admin_site.admin_view
        return [
            *(
                path(
                    f"rsvps/<int:meeting_id>/{suffix}",
                    wrap(functools.partial(view, admin_site=self.admin_site)),
                    name=f"meetings_{name}",
                )
                for suffix, (name, view) in views.items()
            ),
            *super().get_urls(),
        ]
