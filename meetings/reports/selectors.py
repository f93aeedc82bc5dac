"""Attendance reports: every figure is aggregated by the database, never by looping over RSVPs.

Definitions used throughout (the report pages print them too):

- a meeting is *held* when it is scheduled (not draft, not cancelled) and has started; a period
  covers the meetings whose start falls on one of its days in the chapter's time zone;
- *RSVPs* are the going and waitlisted answers to held meetings;
- *attendance* is checked-in members plus walk-in guests without an account;
- the *no-show rate* is the share of "going" RSVPs that were never checked in;
- *unique attendees* are distinct members checked in at least once in the period; a *first-time*
  attendee's first check-in at the chapter ever falls in the period, the others are *returning*;
- *members* are memberships of the chapter that existed at the end of the period.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from itprosig.db import subquery_count
from meetings.models import RSVP, AgendaItem, Meeting
from meetings.selectors import meeting_rsvp_counts
from members.models import Membership

CHECKED_IN = Q(checked_in_at__isnull=False)


@dataclass(frozen=True)
class Period:
    """Inclusive local dates; `bounds(tz)` gives the matching UTC instants [start, end)."""

    first: datetime.date
    last: datetime.date

    def bounds(self, tzinfo):
        start = datetime.datetime.combine(self.first, datetime.time.min, tzinfo=tzinfo)
        end = datetime.datetime.combine(
            self.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tzinfo
        )
        return start, end

    def within(self, other):
        return other.first <= self.first and self.last <= other.last

    def clamp(self, other):
        """Return the overlap with another period, or None."""
        first, last = max(self.first, other.first), min(self.last, other.last)
        return Period(first, last) if first <= last else None

    def previous(self):
        """Return the period of the same number of days that ends the day before this one starts."""
        length = self.last - self.first
        last = self.first - datetime.timedelta(days=1)
        return Period(last - length, last)

    def months(self):
        """Return the first day of every month the period touches, in order."""
        month, months = self.first.replace(day=1), []
        while month <= self.last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


class _Attendance:
    """Attendance and no-show rate: one rule for a chapter's figures and a meeting's."""

    @property
    def attendance(self):
        return self.checked_in + self.guests

    @property
    def no_show_rate(self):
        """Return the share of going RSVPs never checked in (0..1), or None without any."""
        return self.no_shows / self.going if self.going else None


@dataclass
class ChapterFigures(_Attendance):
    meetings_held: int = 0
    going: int = 0
    waitlisted: int = 0
    checked_in: int = 0
    guests: int = 0
    no_shows: int = 0
    unique_attendees: int = 0
    first_time: int = 0
    members_at_end: int = 0
    members_at_start: int = 0

    @property
    def rsvps(self):
        return self.going + self.waitlisted

    @property
    def returning(self):
        return self.unique_attendees - self.first_time

    @property
    def members_new(self):
        return self.members_at_end - self.members_at_start

    @property
    def average_attendance(self):
        return self.attendance / self.meetings_held if self.meetings_held else None


@dataclass
class ChapterReport:
    chapter: object
    period: Period
    figures: ChapterFigures
    meetings: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    membership_months: list = field(default_factory=list)
    attendees: list = field(default_factory=list)
    attendees_hidden: int = 0
    #: Meetings held and attendance for every month of the period, zeros included.
    attendance_months: list = field(default_factory=list)
    #: The same figures over the period just before, or None when not asked for.
    previous: "ChapterFigures | None" = None
    previous_period: Period | None = None


def held_meetings(periods, *, now):
    """Return the held meetings of each chapter in its period; `periods` maps a Chapter to a Period."""
    in_period = Q()
    for chapter, period in periods.items():
        start, end = period.bounds(chapter.tzinfo)
        in_period |= Q(chapter=chapter, starts_at__gte=start, starts_at__lt=end)
    return Meeting.objects.filter(in_period, status=Meeting.Status.SCHEDULED, starts_at__lte=now)


def _attendance_counts():
    """Return the meetings' RSVP counts (the door's) and no-shows: going but never checked in."""
    no_show = Q(rsvps__status=RSVP.Status.GOING, rsvps__checked_in_at__isnull=True)
    return {**meeting_rsvp_counts(), "no_shows": Count("rsvps", filter=no_show)}


def meeting_rows(held):
    """Return one dict per held meeting with its RSVP and attendance counts, oldest first."""
    rows = list(
        held.order_by("starts_at", "pk")
        .annotate(**_attendance_counts())
        .values("pk", "title", "starts_at", "guest_count", "going", "waitlisted", "checked_in", "no_shows")
    )
    for row in rows:
        row["attendance"] = row["checked_in"] + row["guest_count"]
    return rows


def _attendee_stats(chapter_id, start, end, now):
    """Return (unique attendees, first-time attendees) for a chapter's period."""
    # One join on the meeting (reached through its chapter index), not an IN (subquery) the
    # planner answers with a scan of every meeting of the network.
    per_member = (
        RSVP.objects.filter(
            CHECKED_IN,
            meeting__chapter_id=chapter_id,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__lte=now,
        )
        .order_by()
        .values("member")
        .annotate(
            first_seen=Min("meeting__starts_at"),
            in_period=Count("pk", filter=Q(meeting__starts_at__gte=start, meeting__starts_at__lt=end)),
        )
        .filter(in_period__gt=0)
    )
    stats = per_member.aggregate(
        unique=Count("member"), first_time=Count("member", filter=Q(first_seen__gte=start))
    )
    return stats["unique"] or 0, stats["first_time"] or 0


def topic_rows(held):
    """Return attendance by topic: meetings held with the topic and their attendance."""
    checked_in = subquery_count(RSVP.objects.filter(CHECKED_IN, meeting=OuterRef("meeting")), per="meeting")
    return list(
        Meeting.topics.through.objects.filter(meeting__in=held)
        .order_by()
        .values("topic__name", "topic__slug")
        .annotate(
            meetings=Count("meeting", distinct=True),
            attendance=Coalesce(Sum(checked_in), 0) + Coalesce(Sum("meeting__guest_count"), 0),
        )
        .order_by("-meetings", "topic__name")
    )


def kind_rows(held, meetings):
    """Return attendance by session kind: meetings that had such a session, and their attendance.

    `meetings` are the rows of the `held` meetings from `meeting_rows`, their attendance counted:
    only the sessions are read here, one row per meeting and kind (not a subquery per meeting and
    kind, which the planner had to plan fifteen times over).
    """
    attendance = {row["pk"]: row["attendance"] for row in meetings}
    totals = {kind: {"meetings": 0, "sessions": 0, "attendance": 0} for kind in AgendaItem.Kind.values}
    sessions = (
        AgendaItem.objects.filter(meeting__in=held)
        .order_by()
        .values("meeting", "kind")
        .annotate(n=Count("pk"))
    )
    for row in sessions:
        kind = totals.get(row["kind"])
        # Only the meetings of the other tables count, should a write land between the two reads.
        if kind is None or row["meeting"] not in attendance:
            continue
        kind["meetings"] += 1
        kind["sessions"] += row["n"]
        kind["attendance"] += attendance[row["meeting"]]
    return [{"kind": kind, "label": label, **totals[kind]} for kind, label in AgendaItem.Kind.choices]


def membership_figures(chapter, period):
    """Return (members at start, members at end, rows of new members per month in the period)."""
    start, end = period.bounds(chapter.tzinfo)
    months = list(
        Membership.objects.filter(chapter=chapter, joined_at__lt=end)
        .annotate(month=TruncMonth("joined_at", tzinfo=chapter.tzinfo))
        .order_by()
        .values("month")
        .annotate(
            joined=Count("pk"),
            before=Count("pk", filter=Q(joined_at__lt=start)),
        )
        .order_by("month")
    )
    at_start = sum(row["before"] for row in months)
    joined = {}
    for row in months:
        month = row["month"]
        if timezone.is_aware(month):
            month = timezone.localtime(month, chapter.tzinfo)
        joined[month.date().replace(day=1)] = row["joined"] - row["before"]
    rows, running = [], at_start
    for month in period.months():
        running += joined.get(month, 0)
        rows.append({"month": month, "joined": joined.get(month, 0), "total": running})
    return at_start, running, rows


def month_rows(period, meetings, tzinfo):
    """Return meetings held and attendance for every month of the period (zero where none)."""
    totals = {month: {"month": month, "meetings": 0, "attendance": 0} for month in period.months()}
    for row in meetings:
        month = timezone.localtime(row["starts_at"], tzinfo).date().replace(day=1)
        if month in totals:
            totals[month]["meetings"] += 1
            totals[month]["attendance"] += row["attendance"]
    return list(totals.values())


def attendee_rows(held, *, consenting_only):
    """Return the period's attendees with their visit counts, most faithful first.

    With `consenting_only` (a sponsor's liaison reading), only members who agreed to share their
    contact with sponsors are listed.
    """
    qs = RSVP.objects.filter(CHECKED_IN, meeting__in=held)
    if consenting_only:
        qs = qs.filter(member__share_contact_with_sponsors=True)
    return list(
        qs.order_by()
        .values("member", "member__display_name", "member__email")
        .annotate(visits=Count("pk"), last_seen=Max("meeting__starts_at"))
        .order_by("-visits", "member__display_name", "member__email")
    )


def chapter_figures(chapter, period, *, now):
    """Return the key figures of a chapter for a period (three queries), with what they come from.

    Return (figures, held meetings, meeting rows, membership rows per month).
    """
    held = held_meetings({chapter: period}, now=now)
    meetings = meeting_rows(held)
    figures = ChapterFigures(meetings_held=len(meetings))
    for row in meetings:
        figures.going += row["going"]
        figures.waitlisted += row["waitlisted"]
        figures.checked_in += row["checked_in"]
        figures.guests += row["guest_count"]
        figures.no_shows += row["no_shows"]
    start, end = period.bounds(chapter.tzinfo)
    figures.unique_attendees, figures.first_time = _attendee_stats(chapter.pk, start, end, now)
    figures.members_at_start, figures.members_at_end, months = membership_figures(chapter, period)
    return figures, held, meetings, months


def chapter_report(chapter, period, *, consenting_only=False, previous_period=None, now=None):
    """Build the report of one chapter for a period, compared with `previous_period` if given."""
    now = now or timezone.now()
    figures, held, meetings, months = chapter_figures(chapter, period, now=now)
    attendees = attendee_rows(held, consenting_only=consenting_only)
    return ChapterReport(
        chapter=chapter,
        period=period,
        figures=figures,
        meetings=meetings,
        topics=topic_rows(held),
        kinds=kind_rows(held, meetings),
        membership_months=months,
        attendees=attendees,
        # Everyone checked in is either listed or counted here.
        attendees_hidden=figures.unique_attendees - len(attendees),
        attendance_months=month_rows(period, meetings, chapter.tzinfo),
        previous=chapter_figures(chapter, previous_period, now=now)[0] if previous_period else None,
        previous_period=previous_period,
    )


@dataclass
class MeetingReport(_Attendance):
    meeting: object
    going: int
    waitlisted: int
    not_going: int
    checked_in: int
    checked_in_from_waitlist: int
    walk_ins: int
    no_shows: int
    guests: int
    attendees: list
    attendees_hidden: int


def meeting_report(meeting, *, consenting_only=False):
    """Build the report of one meeting: its RSVPs, who came, who did not."""
    counts = RSVP.objects.filter(meeting=meeting).aggregate(
        going=Count("pk", filter=Q(status=RSVP.Status.GOING)),
        waitlisted=Count("pk", filter=Q(status=RSVP.Status.WAITLISTED)),
        not_going=Count("pk", filter=Q(status=RSVP.Status.NOT_GOING)),
        checked_in=Count("pk", filter=CHECKED_IN),
        checked_in_from_waitlist=Count("pk", filter=CHECKED_IN & Q(status=RSVP.Status.WAITLISTED)),
        walk_ins=Count("pk", filter=CHECKED_IN & Q(status=RSVP.Status.NOT_GOING)),
        no_shows=Count("pk", filter=Q(status=RSVP.Status.GOING, checked_in_at__isnull=True)),
        hidden=Count("pk", filter=CHECKED_IN & Q(member__share_contact_with_sponsors=False)),
    )
    hidden = counts.pop("hidden")
    attendees = RSVP.objects.filter(CHECKED_IN, meeting=meeting)
    if consenting_only:
        attendees = attendees.filter(member__share_contact_with_sponsors=True)
    attendees = attendees.order_by("checked_in_at", "pk").values(
        "member__display_name", "member__email", "status", "checked_in_at"
    )
    return MeetingReport(
        meeting=meeting,
        guests=meeting.guest_count,
        attendees=list(attendees),
        attendees_hidden=hidden if consenting_only else 0,
        **counts,
    )


def network_rows(periods, *, now=None):
    """Return one row of figures per chapter, each over its own period.

    `periods` maps a Chapter to the Period it may be read for (None: not readable, left out).
    """
    readable = {chapter: period for chapter, period in periods.items() if period is not None}
    if not readable:
        return []
    held = held_meetings(readable, now=now or timezone.now())
    per_chapter = {
        row.pop("chapter"): row
        for row in held.order_by()
        .values("chapter")
        .annotate(
            meetings_held=Count("pk", distinct=True),
            **_attendance_counts(),
            unique_attendees=Count(
                "rsvps__member", filter=Q(rsvps__checked_in_at__isnull=False), distinct=True
            ),
        )
    }
    # Summed apart: joined to the RSVPs, each meeting's guests would count once per RSVP.
    guests = {
        row["chapter"]: row["guests"]
        for row in held.order_by().values("chapter").annotate(guests=Sum("guest_count"))
    }
    members_q = Q()
    for chapter, period in readable.items():
        members_q |= Q(chapter=chapter, joined_at__lt=period.bounds(chapter.tzinfo)[1])
    members = {
        row["chapter"]: row["members"]
        for row in Membership.objects.filter(members_q)
        .order_by()
        .values("chapter")
        .annotate(members=Count("pk"))
    }
    return [
        {
            "chapter": chapter,
            "period": period,
            "figures": ChapterFigures(
                **per_chapter.get(chapter.pk, {}),
                guests=guests.get(chapter.pk, 0) or 0,
                members_at_end=members.get(chapter.pk, 0),
            ),
        }
        for chapter, period in sorted(readable.items(), key=lambda item: item[0].name)
    ]


def network_topic_rows(periods, *, now=None):
    """Return attendance by topic across the readable chapters, each over its own period."""
    readable = {chapter: period for chapter, period in periods.items() if period is not None}
    if not readable:
        return []
    return topic_rows(held_meetings(readable, now=now or timezone.now()))
