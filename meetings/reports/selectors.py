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
from django.db.models.functions import TruncMonth
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


@dataclass
class ChapterFigures:
    meetings_held: int = 0
    rsvps: int = 0
    going: int = 0
    waitlisted: int = 0
    checked_in: int = 0
    guests: int = 0
    no_shows: int = 0
    unique_attendees: int = 0
    first_time: int = 0
    members_at_end: int = 0
    members_new: int = 0
    members_at_start: int = 0

    @property
    def attendance(self):
        return self.checked_in + self.guests

    @property
    def returning(self):
        return self.unique_attendees - self.first_time

    @property
    def no_show_rate(self):
        """Return the share of going RSVPs never checked in (0..1), or None without any."""
        return self.no_shows / self.going if self.going else None

    @property
    def members_growth(self):
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


def held_meetings(chapter_ids, start, end, *, now=None):
    """Return the held meetings of these chapters starting in [start, end)."""
    now = now or timezone.now()
    return Meeting.objects.filter(
        chapter_id__in=chapter_ids,
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=start,
        starts_at__lt=end,
        starts_at__lte=now,
    )


def _checked_in_count(meeting_ref):
    """A subquery counting a meeting's checked-in RSVPs (0 when none)."""
    return subquery_count(
        RSVP.objects.filter(meeting=meeting_ref, checked_in_at__isnull=False), per="meeting"
    )


def _attendance_counts():
    """Return the meetings' RSVP counts (the door's) and no-shows: going but never checked in."""
    no_show = Q(rsvps__status=RSVP.Status.GOING, rsvps__checked_in_at__isnull=True)
    return {**meeting_rsvp_counts(), "no_shows": Count("rsvps", filter=no_show)}


def meeting_rows(held):
    """Return one dict per held meeting with its RSVP and attendance counts, oldest first."""
    return list(
        held.order_by("starts_at", "pk")
        .annotate(
            **_attendance_counts(),
        )
        .values("pk", "title", "starts_at", "guest_count", "going", "waitlisted", "checked_in", "no_shows")
    )


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
    through = Meeting.topics.through
    return list(
        through.objects.filter(meeting__in=held)
        .order_by()
        .values("topic__name", "topic__slug")
        .annotate(
            meetings=Count("meeting", distinct=True),
            checked_in=Sum(_checked_in_count(OuterRef("meeting"))),
            guests=Sum("meeting__guest_count"),
        )
        .order_by("-meetings", "topic__name")
    )


def kind_rows(held, meetings):
    """Return attendance by session kind: meetings that had such a session, and their attendance.

    `meetings` are the rows of the `held` meetings from `meeting_rows`, their attendance counted:
    only the sessions are read here, one row per meeting and kind (not a subquery per meeting and
    kind, which the planner had to plan fifteen times over).
    """
    attendance = {row["pk"]: (row["checked_in"], row["guest_count"]) for row in meetings}
    totals = {
        kind: {"meetings": 0, "sessions": 0, "checked_in": 0, "guests": 0} for kind in AgendaItem.Kind.values
    }
    sessions = (
        AgendaItem.objects.filter(meeting__in=held)
        .order_by()
        .values("meeting", "kind")
        .annotate(n=Count("pk"))
    )
    for row in sessions:
        kind = totals.get(row["kind"])
        if kind is None:
            continue
        # Only the meetings of the other tables count, should a write land between the two reads.
        checked_in, guests = attendance.get(row["meeting"], (None, None))
        if checked_in is None:
            continue
        kind["meetings"] += 1
        kind["sessions"] += row["n"]
        kind["checked_in"] += checked_in
        kind["guests"] += guests
    return [{"kind": kind, "label": label, **totals[kind]} for kind, label in AgendaItem.Kind.choices]


def membership_figures(chapter, start, end):
    """Return (members at start, members at end, rows of new members per month in the period)."""
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
    return at_start, *_running_totals(joined, at_start, start, end, chapter.tzinfo)


def _running_totals(joined, at_start, start, end, tzinfo):
    """Return (members at end, one row per month of [start, end) with joins and the running total)."""
    last_day = (timezone.localtime(end, tzinfo) - datetime.timedelta(days=1)).date()
    period = Period(timezone.localtime(start, tzinfo).date(), last_day)
    rows, running = [], at_start
    for month in period.months():
        running += joined.get(month, 0)
        rows.append({"month": month, "joined": joined.get(month, 0), "total": running})
    return running, rows


def month_rows(period, meetings, tzinfo):
    """Return meetings held and attendance for every month of the period (zero where none)."""
    totals = {month: {"month": month, "meetings": 0, "attendance": 0} for month in period.months()}
    for row in meetings:
        month = timezone.localtime(row["starts_at"], tzinfo).date().replace(day=1)
        if month in totals:
            totals[month]["meetings"] += 1
            totals[month]["attendance"] += row["checked_in"] + row["guest_count"]
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


def chapter_figures(chapter, period, *, now=None):
    """Return the key figures of a chapter for a period (three queries): for comparisons."""
    now = now or timezone.now()
    start, end = period.bounds(chapter.tzinfo)
    meetings = meeting_rows(held_meetings([chapter.pk], start, end, now=now))
    figures = _meeting_figures(meetings)
    figures.unique_attendees, figures.first_time = _attendee_stats(chapter.pk, start, end, now)
    figures.members_at_start, figures.members_at_end, _months = membership_figures(chapter, start, end)
    figures.members_new = figures.members_at_end - figures.members_at_start
    return figures


def _meeting_figures(meetings):
    """Return the figures summed from the meeting rows (and fill each row's attendance)."""
    figures = ChapterFigures(meetings_held=len(meetings))
    for row in meetings:
        figures.going += row["going"]
        figures.waitlisted += row["waitlisted"]
        figures.checked_in += row["checked_in"]
        figures.guests += row["guest_count"]
        figures.no_shows += row["no_shows"]
        row["attendance"] = row["checked_in"] + row["guest_count"]
    figures.rsvps = figures.going + figures.waitlisted
    return figures


def chapter_report(chapter, period, *, consenting_only=False, previous_period=None, now=None):
    """Build the report of one chapter for a period, compared with `previous_period` if given."""
    now = now or timezone.now()
    start, end = period.bounds(chapter.tzinfo)
    held = held_meetings([chapter.pk], start, end, now=now)
    meetings = meeting_rows(held)
    figures = _meeting_figures(meetings)
    figures.unique_attendees, figures.first_time = _attendee_stats(chapter.pk, start, end, now)
    figures.members_at_start, figures.members_at_end, months = membership_figures(chapter, start, end)
    figures.members_new = figures.members_at_end - figures.members_at_start
    attendees = attendee_rows(held, consenting_only=consenting_only)
    topics = topic_rows(held)
    for row in topics:
        row["checked_in"] = row["checked_in"] or 0
        row["guests"] = row["guests"] or 0
        row["attendance"] = row["checked_in"] + row["guests"]
    kinds = kind_rows(held, meetings)
    for row in kinds:
        row["attendance"] = row["checked_in"] + row["guests"]
    return ChapterReport(
        chapter=chapter,
        period=period,
        figures=figures,
        meetings=meetings,
        topics=topics,
        kinds=kinds,
        membership_months=months,
        attendees=attendees,
        # Everyone checked in is either listed or counted here.
        attendees_hidden=figures.unique_attendees - len(attendees),
        attendance_months=month_rows(period, meetings, chapter.tzinfo),
        previous=chapter_figures(chapter, previous_period, now=now) if previous_period else None,
        previous_period=previous_period,
    )


@dataclass
class MeetingReport:
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

    @property
    def attendance(self):
        return self.checked_in + self.guests

    @property
    def no_show_rate(self):
        return self.no_shows / self.going if self.going else None


def meeting_report(meeting, *, consenting_only=False):
    """Build the report of one meeting: its RSVPs, who came, who did not."""
    counts = RSVP.objects.filter(meeting=meeting).aggregate(
        going=Count("pk", filter=Q(status=RSVP.Status.GOING)),
        waitlisted=Count("pk", filter=Q(status=RSVP.Status.WAITLISTED)),
        not_going=Count("pk", filter=Q(status=RSVP.Status.NOT_GOING)),
        checked_in=Count("pk", filter=CHECKED_IN),
        from_waitlist=Count("pk", filter=CHECKED_IN & Q(status=RSVP.Status.WAITLISTED)),
        walk_ins=Count("pk", filter=CHECKED_IN & Q(status=RSVP.Status.NOT_GOING)),
        no_shows=Count("pk", filter=Q(status=RSVP.Status.GOING, checked_in_at__isnull=True)),
        hidden=Count("pk", filter=CHECKED_IN & Q(member__share_contact_with_sponsors=False)),
    )
    attendees = RSVP.objects.filter(CHECKED_IN, meeting=meeting)
    if consenting_only:
        attendees = attendees.filter(member__share_contact_with_sponsors=True)
    attendees = list(
        attendees.order_by("checked_in_at", "pk").values(
            "member__display_name", "member__email", "status", "checked_in_at"
        )
    )
    return MeetingReport(
        meeting=meeting,
        going=counts["going"],
        waitlisted=counts["waitlisted"],
        not_going=counts["not_going"],
        checked_in=counts["checked_in"],
        checked_in_from_waitlist=counts["from_waitlist"],
        walk_ins=counts["walk_ins"],
        no_shows=counts["no_shows"],
        guests=meeting.guest_count,
        attendees=attendees,
        attendees_hidden=counts["hidden"] if consenting_only else 0,
    )


def network_rows(periods, *, now=None):
    """Return one row of figures per chapter, each over its own period.

    `periods` maps a Chapter to the Period it may be read for (None: not readable, left out).
    """
    now = now or timezone.now()
    readable = {chapter: period for chapter, period in periods.items() if period is not None}
    if not readable:
        return []
    held_q = Q()
    member_q = Q()
    for chapter, period in readable.items():
        start, end = period.bounds(chapter.tzinfo)
        held_q |= Q(chapter=chapter, starts_at__gte=start, starts_at__lt=end)
        member_q |= Q(chapter=chapter, joined_at__lt=end)
    held = Meeting.objects.filter(held_q, status=Meeting.Status.SCHEDULED, starts_at__lte=now)
    per_chapter = {
        row["chapter"]: row
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
    guests = {
        row["chapter"]: row["guests"]
        for row in held.order_by().values("chapter").annotate(guests=Sum("guest_count"))
    }
    members = {
        row["chapter"]: row["members"]
        for row in Membership.objects.filter(member_q)
        .order_by()
        .values("chapter")
        .annotate(members=Count("pk"))
    }
    rows = []
    for chapter, period in sorted(readable.items(), key=lambda item: item[0].name):
        row = per_chapter.get(chapter.pk, {})
        figures = ChapterFigures(
            meetings_held=row.get("meetings_held", 0),
            going=row.get("going", 0),
            waitlisted=row.get("waitlisted", 0),
            checked_in=row.get("checked_in", 0),
            guests=guests.get(chapter.pk, 0) or 0,
            no_shows=row.get("no_shows", 0),
            unique_attendees=row.get("unique_attendees", 0),
            members_at_end=members.get(chapter.pk, 0),
        )
        figures.rsvps = figures.going + figures.waitlisted
        rows.append({"chapter": chapter, "period": period, "figures": figures})
    return rows


def network_topic_rows(periods, *, now=None):
    """Return attendance by topic across the readable chapters, each over its own period."""
    now = now or timezone.now()
    held_q = Q()
    for chapter, period in periods.items():
        if period is None:
            continue
        start, end = period.bounds(chapter.tzinfo)
        held_q |= Q(chapter=chapter, starts_at__gte=start, starts_at__lt=end)
    if not held_q:
        return []
    held = Meeting.objects.filter(held_q, status=Meeting.Status.SCHEDULED, starts_at__lte=now)
    rows = topic_rows(held)
    for row in rows:
        row["checked_in"] = row["checked_in"] or 0
        row["guests"] = row["guests"] or 0
        row["attendance"] = row["checked_in"] + row["guests"]
    return rows
