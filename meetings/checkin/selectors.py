"""Reads for the door check-in pages: who is expected, who came, and the running totals."""

from collections import Counter

from django.db.models import CharField, Count, Prefetch, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from meetings.models import RSVP, Meeting
from meetings.selectors import meeting_rsvp_counts
from members.models import Membership

#: The most names the door list shows at once; beyond that the volunteer searches.
CHECKIN_LIST_LIMIT = 300


def checkin_meeting(meeting_id):
    """Return the meeting with its chapter and venue, or None."""
    return Meeting.objects.select_related("chapter", "venue").filter(pk=meeting_id).first()


def search_rsvps(rsvps, query):
    """Return the RSVPs whose member's name or email address holds `query` (all without one).

    Each carries `sort_name`: the name the door sees (the email address without one), lower-cased.
    """
    if query:
        rsvps = rsvps.filter(Q(member__display_name__icontains=query) | Q(member__email__icontains=query))
    return rsvps.annotate(
        sort_name=Lower(
            Coalesce(NullIf("member__display_name", Value("")), "member__email", output_field=CharField())
        )
    )


def checkin_rsvps(meeting, *, query=""):
    """Return the RSVPs a volunteer checks in: going and waitlisted, and anyone already in.

    Ordered by the name the door sees; `query` matches the name or the email address.
    """
    qs = (
        RSVP.objects.filter(meeting=meeting)
        .filter(Q(status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED]) | Q(checked_in_at__isnull=False))
        .select_related("member", "member__speaker_profile")
    )
    return search_rsvps(qs, (query or "").strip()).order_by("sort_name", "pk")[:CHECKIN_LIST_LIMIT]


def email_hint(email):
    """Return the start of an address and its domain ("gra…@example.org"), enough to tell two apart."""
    local, _at, domain = email.partition("@")
    return f"{local[:3]}…@{domain}"


def door_people(meeting, *, query=""):
    """Return the door list's RSVPs, each told apart from others of the same name.

    Every row carries `email_hint` and `photo` (a public speaker profile's, the only photo a member
    agreed to show); rows whose name appears twice also carry `other_chapters`, the other chapters
    the member belongs to. Two queries whatever the list's length.
    """
    rsvps = list(
        checkin_rsvps(meeting, query=query).prefetch_related(
            Prefetch(
                "member__memberships",
                queryset=Membership.objects.exclude(chapter_id=meeting.chapter_id)
                .select_related("chapter")
                .order_by("chapter__name"),
                to_attr="other_memberships",
            )
        )
    )
    names = Counter(rsvp.member.public_name.casefold() for rsvp in rsvps)
    for rsvp in rsvps:
        member = rsvp.member
        rsvp.email_hint = email_hint(member.email)
        profile = getattr(member, "speaker_profile", None)
        rsvp.photo = profile.photo if profile is not None and profile.is_public and profile.photo else None
        rsvp.same_name = names[member.public_name.casefold()] > 1
        rsvp.other_chapters = [m.chapter.name for m in member.other_memberships[:2]] if rsvp.same_name else []
    return rsvps


def checkin_totals(meeting):
    """Return the door's running totals for a meeting, in one query."""
    counts = (
        Meeting.objects.filter(pk=meeting.pk)
        .annotate(
            **meeting_rsvp_counts(),
            going_checked_in=Count(
                "rsvps", filter=Q(rsvps__status=RSVP.Status.GOING, rsvps__checked_in_at__isnull=False)
            ),
        )
        .values("going", "waitlisted", "checked_in", "going_checked_in", "guest_count")
        .first()
    )
    if counts is None:
        return None
    counts["guests"] = counts.pop("guest_count")
    counts["present"] = counts["checked_in"] + counts["guests"]
    counts["still_expected"] = counts["going"] - counts.pop("going_checked_in")
    return counts
