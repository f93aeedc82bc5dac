"""Read-side queries for the public meeting, topic and member pages.

Each page runs a fixed number of queries whatever the data size: lists carry their counts as
annotations, and related rows come in through select_related/prefetch_related.
"""

from django.db.models import Count, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chapters.permissions import can_organize
from itprosig.db import subquery_count

from .models import RSVP, AgendaItem, Meeting, Topic

PUBLIC_STATUSES = (Meeting.Status.SCHEDULED, Meeting.Status.CANCELLED)
ACTIVE_RSVP = (RSVP.Status.GOING, RSVP.Status.WAITLISTED)
# Attendee names shown on a meeting page; the rest are counted.
LISTED_ATTENDEES_LIMIT = 60


def _rsvp_count(**filters):
    return subquery_count(RSVP.objects.filter(meeting=OuterRef("pk"), **filters), per="meeting")


def public_meetings():
    """Return the meetings anyone may see, with chapter and venue, and their seat counts."""
    return (
        Meeting.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("chapter", "venue")
        .annotate(
            going_count=_rsvp_count(status=RSVP.Status.GOING),
            attended_count=_rsvp_count(checked_in_at__isnull=False),
        )
    )


def upcoming_meetings(*, chapter=None, topic=None, now=None):
    """Return public meetings that have not ended, soonest first."""
    qs = public_meetings().filter(ends_at__gt=now or timezone.now())
    if chapter is not None:
        qs = qs.filter(chapter=chapter)
    if topic is not None:
        qs = qs.filter(topics=topic)
    return qs.order_by("starts_at", "pk")


def past_meetings(*, chapter=None, topic=None, now=None):
    """Return public meetings that have ended, latest first."""
    qs = public_meetings().filter(ends_at__lte=now or timezone.now())
    if chapter is not None:
        qs = qs.filter(chapter=chapter)
    if topic is not None:
        qs = qs.filter(topics=topic)
    return qs.order_by("-starts_at", "-pk")


def meeting_for_page(*, slug, pk, user):
    """Return the meeting for its page, or 404; drafts only for the chapter's organizers."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("chapter", "venue")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")),
            Prefetch("topics", queryset=Topic.objects.order_by("name")),
        )
        .annotate(
            going_count=_rsvp_count(status=RSVP.Status.GOING),
            waitlisted_count=_rsvp_count(status=RSVP.Status.WAITLISTED),
            attended_count=_rsvp_count(checked_in_at__isnull=False),
        ),
        pk=pk,
        chapter__slug=slug,
    )
    return _unless_hidden_draft(meeting, user)


def meeting_to_answer(*, slug, pk, user):
    """Return the meeting an RSVP form posts to, or 404 as its page would; no counts or agenda."""
    meeting = get_object_or_404(Meeting.objects.select_related("chapter"), pk=pk, chapter__slug=slug)
    return _unless_hidden_draft(meeting, user)


def _unless_hidden_draft(meeting, user):
    if meeting.status == Meeting.Status.DRAFT and not can_organize(user, meeting.chapter_id):
        raise Http404("No such meeting.")
    return meeting


def seat_counts(meeting):
    """Return {"going", "waitlisted", "spots_left"} for one meeting; spots_left is None when unlimited."""
    if hasattr(meeting, "waitlisted_count"):
        # meeting_for_page already counted them in its own query.
        counts = {
            "going": meeting.going_count,
            "waitlisted": meeting.waitlisted_count,
            "attended": meeting.attended_count,
        }
    else:
        counts = RSVP.objects.filter(meeting=meeting).aggregate(
            going=Count("pk", filter=Q(status=RSVP.Status.GOING)),
            waitlisted=Count("pk", filter=Q(status=RSVP.Status.WAITLISTED)),
            attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
        )
    # Walk-in guests without an account count as attendance too.
    counts["attended"] += meeting.guest_count
    capacity = meeting.capacity
    counts["spots_left"] = None if capacity is None else max(capacity - counts["going"], 0)
    return counts


def listed_attendees(meeting):
    """Return the public names of members going who agreed to be listed (at most a page's worth)."""
    rsvps = (
        RSVP.objects.filter(
            meeting=meeting, status=RSVP.Status.GOING, member__show_name_on_attendee_lists=True
        )
        .select_related("member")
        .only("member__display_name", "member__email")
        .order_by("created_at", "pk")[:LISTED_ATTENDEES_LIMIT]
    )
    return [rsvp.member.public_name for rsvp in rsvps]


def member_rsvp(meeting, member):
    """Return the member's RSVP to a meeting with its waitlist position annotated, or None."""
    if not member.is_authenticated:
        return None
    ahead = RSVP.objects.filter(
        meeting=OuterRef("meeting"),
        status=RSVP.Status.WAITLISTED,
        waitlisted_at__lt=OuterRef("waitlisted_at"),
    )
    return (
        RSVP.objects.filter(meeting=meeting, member=member)
        .annotate(ahead=subquery_count(ahead, per="meeting"))
        .first()
    )


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


def topic_for_page(slug):
    return get_object_or_404(Topic, slug=slug)


def with_topics(meetings):
    """Prefetch topics onto a list query of meetings (one extra query for the whole page)."""
    return meetings.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
