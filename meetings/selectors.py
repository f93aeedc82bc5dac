"""Read-side queries for the public meeting, topic and member pages.

Each page runs a fixed number of queries whatever the data size: lists carry their counts as
annotations, and related rows come in through select_related/prefetch_related.
"""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chapters.models import ChapterRole
from chapters.rules import can_organize
from itprosig.db import subquery_count

from .models import RSVP, AgendaItem, Meeting, Topic

PUBLIC_STATUSES = (Meeting.Status.SCHEDULED, Meeting.Status.CANCELLED)
ACTIVE_RSVP = (RSVP.Status.GOING, RSVP.Status.WAITLISTED)
# Attendee names shown on a meeting page; the rest are counted.
LISTED_ATTENDEES_LIMIT = 60


def rsvp_count(**filters):
    """Return an annotation of a Meeting queryset counting its RSVPs that match `filters`."""
    return subquery_count(RSVP.objects.filter(meeting=OuterRef("pk"), **filters), per="meeting")


def meeting_rsvp_counts():
    """Return Count annotations of a Meeting queryset: going, waitlisted and checked in.

    One definition for the door's totals and the reports, so both count the same people.
    """
    return {
        "going": Count("rsvps", filter=Q(rsvps__status=RSVP.Status.GOING)),
        "waitlisted": Count("rsvps", filter=Q(rsvps__status=RSVP.Status.WAITLISTED)),
        "checked_in": Count("rsvps", filter=Q(rsvps__checked_in_at__isnull=False)),
    }


def public_meetings():
    """Return the meetings anyone may see, with chapter and venue, and their seat counts."""
    return (
        Meeting.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("chapter", "venue")
        .annotate(
            going_count=rsvp_count(status=RSVP.Status.GOING),
            attended_count=rsvp_count(checked_in_at__isnull=False),
        )
    )


def upcoming_meetings(*, now=None, **filters):
    """Return public meetings that have not ended, soonest first; `filters` narrow them (chapter=...)."""
    return public_meetings().filter(ends_at__gt=now or timezone.now(), **filters).order_by("starts_at", "pk")


def past_meetings(*, now=None, **filters):
    """Return public meetings that have ended, latest first; `filters` narrow them (topics=...)."""
    return (
        public_meetings().filter(ends_at__lte=now or timezone.now(), **filters).order_by("-starts_at", "-pk")
    )


def meeting_with_counts(pk):
    """Return the meeting as every reader sees it, or None: chapter, venue, agenda, topics, seat
    counts, host and the chapter's next meeting, in one query and two prefetches.

    A page keeps it for all readers (itprosig.page_cache.shared_data); `page_meeting` then decides
    whether this reader may see it, and `reader_answer` adds their own RSVP.
    """
    return (
        Meeting.objects.select_related("chapter", "venue__chapter")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")),
            Prefetch("topics", queryset=Topic.objects.order_by("name")),
        )
        .annotate(
            going_count=rsvp_count(status=RSVP.Status.GOING),
            waitlisted_count=rsvp_count(status=RSVP.Status.WAITLISTED),
            attended_count=rsvp_count(checked_in_at__isnull=False),
            host_name=_host_name(),
            next_meeting_pk=_next_meeting_pk(),
        )
        .filter(pk=pk)
        .first()
    )


def page_meeting(meeting, *, slug, user):
    """Return the meeting for its page, or 404: none, under another chapter's address, or a draft
    the reader does not organize."""
    if meeting is None or meeting.chapter.slug != slug:
        raise Http404("No such meeting.")
    return _unless_hidden_draft(meeting, user)


def _host_name():
    """The chapter's first organizer, named on the page as the meeting's host."""
    organizers = ChapterRole.objects.filter(chapter=OuterRef("chapter"), role=ChapterRole.Role.ORGANIZER)
    return Subquery(organizers.order_by("since", "pk").values("user__display_name")[:1])


def _next_meeting_pk():
    """The chapter's next public meeting after this one, for a past meeting's "see the next" link."""
    later = Meeting.objects.filter(
        chapter=OuterRef("chapter"), status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now()
    ).exclude(pk=OuterRef("pk"))
    return Subquery(later.order_by("starts_at", "pk").values("pk")[:1])


def reader_answer(meeting, user):
    """Return the reader's answer to the meeting ({"status", "ahead" of them on the waitlist}), or None."""
    if not user.is_authenticated:
        return None
    mine = (
        RSVP.objects.filter(meeting=meeting.pk, member=user.pk).values_list("status", "waitlisted_at").first()
    )
    if mine is None:
        return None
    status, waitlisted_at = mine
    ahead = 0
    if status == RSVP.Status.WAITLISTED:
        ahead = RSVP.objects.filter(
            meeting=meeting.pk, status=RSVP.Status.WAITLISTED, waitlisted_at__lt=waitlisted_at
        ).count()
    return {"status": status, "ahead": ahead}


def meeting_to_answer(*, slug, pk, user):
    """Return the meeting an RSVP form posts to, or 404 as its page would; no counts or agenda."""
    meeting = get_object_or_404(Meeting.objects.select_related("chapter"), pk=pk, chapter__slug=slug)
    return _unless_hidden_draft(meeting, user)


def _unless_hidden_draft(meeting, user):
    if meeting.status == Meeting.Status.DRAFT and not can_organize(user, meeting.chapter_id):
        raise Http404("No such meeting.")
    return meeting


def seat_counts(meeting):
    """Return {"going", "waitlisted", "attended", "spots_left"} of a meeting from meeting_with_counts;
    spots_left is None when unlimited."""
    capacity = meeting.capacity
    return {
        "going": meeting.going_count,
        "waitlisted": meeting.waitlisted_count,
        # Walk-in guests without an account count as attendance too.
        "attended": meeting.attended_count + meeting.guest_count,
        "spots_left": None if capacity is None else max(capacity - meeting.going_count, 0),
    }


def listed_attendees(meeting):
    """Return the members going who agreed to be listed (at most a page's worth), for avatars.

    Each is {"name", "initials", "photo"}; the photo is the member's public speaker profile photo,
    shown only when they made that profile public.
    """
    rsvps = (
        RSVP.objects.filter(
            meeting=meeting, status=RSVP.Status.GOING, member__show_name_on_attendee_lists=True
        )
        .select_related("member__speaker_profile")
        .only(
            "member__display_name",
            "member__email",
            "member__speaker_profile__photo",
            "member__speaker_profile__is_public",
        )
        .order_by("created_at", "pk")[:LISTED_ATTENDEES_LIMIT]
    )
    return [_attendee(rsvp.member) for rsvp in rsvps]


def _attendee(member):
    name = member.public_name
    profile = getattr(member, "speaker_profile", None)
    photo = profile.photo if profile is not None and profile.is_public and profile.photo else None
    return {"name": name, "initials": initials(name), "photo": photo}


def initials(name):
    """Return up to two initials of a name ("Ada Lovelace" -> "AL"), for an avatar."""
    words = [word for word in name.replace(".", " ").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def member_upcoming_rsvps(member, *, now=None):
    """Return the member's seats and waitlist places for meetings that have not ended."""
    return (
        RSVP.objects.filter(member=member, status__in=ACTIVE_RSVP, meeting__ends_at__gt=now or timezone.now())
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .select_related("meeting__chapter", "meeting__venue")
        .order_by("meeting__starts_at")
    )


def member_past_rsvps(member, *, now=None, limit=20):
    """Return the member's latest answers for meetings that have ended."""
    return (
        RSVP.objects.filter(member=member, meeting__ends_at__lte=now or timezone.now())
        .select_related("meeting__chapter")
        .order_by("-meeting__starts_at")[:limit]
    )


def member_rsvp_export(member):
    """Return every RSVP of a member as plain data, for their data export."""
    return [
        {
            "meeting": rsvp.meeting.title,
            "chapter": rsvp.meeting.chapter.name,
            "starts_at": rsvp.meeting.starts_at.isoformat(),
            "status": rsvp.status,
            "answered_at": rsvp.created_at.isoformat(),
            "checked_in_at": rsvp.checked_in_at.isoformat() if rsvp.checked_in_at else None,
        }
        for rsvp in RSVP.objects.filter(member=member)
        .select_related("meeting__chapter")
        .order_by("meeting__starts_at")
    ]


def topics_with_counts():
    """Return every topic that has public meetings, with how many."""
    return (
        Topic.objects.annotate(
            meeting_count=Count("meetings", filter=Q(meetings__status__in=PUBLIC_STATUSES), distinct=True)
        )
        .filter(meeting_count__gt=0)
        .order_by("name")
    )


def topic_named(slug):
    return Topic.objects.filter(slug=slug).first()


def with_topics(meetings):
    """Prefetch topics onto a list query of meetings (one extra query for the whole page)."""
    return meetings.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
