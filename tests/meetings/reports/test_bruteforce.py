"""Report figures equal a brute-force count over the raw rows, on randomized data."""

import datetime
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapters.models import Chapter
from meetings.models import RSVP, AgendaItem, Meeting, Topic
from meetings.reports.selectors import Period, chapter_report, network_rows
from members.models import Member, Membership

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
KINDS = AgendaItem.Kind.values
STATUSES = [
    Meeting.Status.SCHEDULED,
    Meeting.Status.SCHEDULED,
    Meeting.Status.CANCELLED,
    Meeting.Status.DRAFT,
]

meetings_st = st.lists(
    st.fixed_dictionaries(
        {
            # Hours from now: two years back, a few weeks ahead (future meetings are not held yet).
            "hours": st.integers(min_value=-2 * 365 * 24, max_value=30 * 24),
            "status": st.sampled_from(STATUSES),
            "guests": st.integers(min_value=0, max_value=5),
            "topics": st.sets(st.integers(min_value=0, max_value=2), max_size=3),
            "kinds": st.lists(st.sampled_from(KINDS), max_size=3),
            "other_chapter": st.booleans(),
        }
    ),
    min_size=1,
    max_size=12,
)
rsvps_st = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=11),  # meeting index (modulo)
        st.integers(min_value=0, max_value=7),  # member index
        st.sampled_from(RSVP.Status.values),
        st.booleans(),  # checked in
    ),
    max_size=60,
)
memberships_st = st.dictionaries(
    st.integers(min_value=0, max_value=7), st.integers(min_value=-3 * 365, max_value=0), max_size=8
)
period_st = st.tuples(st.integers(min_value=-800, max_value=40), st.integers(min_value=0, max_value=800)).map(
    lambda t: (t[0], t[0] + t[1])
)


def _build(meetings, rsvps, memberships):
    chapter = Chapter.objects.create(name="Brute", slug="brute", city="Ottawa", time_zone="America/Toronto")
    other = Chapter.objects.create(name="Other", slug="other", city="Montreal", time_zone="America/Toronto")
    topics = [Topic.objects.create(name=f"T{i}", slug=f"t{i}") for i in range(3)]
    members = Member.objects.bulk_create(
        [
            Member(email=f"m{i}@example.org", display_name=f"M{i}", share_contact_with_sponsors=i % 2 == 0)
            for i in range(8)
        ]
    )
    made = []
    for spec in meetings:
        start = NOW + datetime.timedelta(hours=spec["hours"])
        meeting = Meeting.objects.create(
            chapter=other if spec["other_chapter"] else chapter,
            title="m",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            status=spec["status"],
            guest_count=spec["guests"],
            venue=None,
        )
        meeting.topics.set([topics[i] for i in spec["topics"]])
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, title="x", kind=k) for k in spec["kinds"]]
        )
        made.append(meeting)
    seen = set()
    rows = []
    for meeting_index, member_index, status, checked in rsvps:
        meeting = made[meeting_index % len(made)]
        if (meeting.pk, member_index) in seen:
            continue
        seen.add((meeting.pk, member_index))
        rows.append(
            RSVP(
                meeting=meeting,
                member=members[member_index],
                status=status,
                waitlisted_at=NOW if status == RSVP.Status.WAITLISTED else None,
                checked_in_at=meeting.starts_at if checked else None,
            )
        )
    RSVP.objects.bulk_create(rows)
    Membership.objects.bulk_create(
        [
            Membership(member=members[i], chapter=chapter, joined_at=NOW + datetime.timedelta(days=days))
            for i, days in memberships.items()
        ]
    )
    return chapter, other


def _brute_force(chapter, period):
    tz = chapter.tzinfo
    all_meetings = list(Meeting.objects.all())
    everything_held = [
        m
        for m in all_meetings
        if m.chapter_id == chapter.pk and m.status == "scheduled" and m.starts_at <= NOW
    ]
    held = [m for m in everything_held if period.first <= m.starts_at.astimezone(tz).date() <= period.last]
    held_ids = {m.pk for m in held}
    rsvps = list(RSVP.objects.all())
    in_held = [r for r in rsvps if r.meeting_id in held_ids]
    checked = [r for r in in_held if r.checked_in_at is not None]
    start, end = period.bounds(tz)
    starts = {m.pk: m.starts_at for m in all_meetings}
    first_seen = {}
    for r in rsvps:
        if r.checked_in_at is not None and r.meeting_id in {m.pk for m in everything_held}:
            first_seen[r.member_id] = min(
                first_seen.get(r.member_id, starts[r.meeting_id]), starts[r.meeting_id]
            )
    unique = {r.member_id for r in checked}
    joined = [ms.joined_at for ms in Membership.objects.filter(chapter=chapter)]
    topic_stats = defaultdict(lambda: [0, 0])
    kind_stats = defaultdict(lambda: [0, 0, 0])
    checked_by_meeting = Counter(r.meeting_id for r in checked)
    for m in held:
        attendance = checked_by_meeting[m.pk] + m.guest_count
        for topic in m.topics.all():
            topic_stats[topic.name][0] += 1
            topic_stats[topic.name][1] += attendance
        kinds = [item.kind for item in m.agenda_items.all()]
        for kind in set(kinds):
            kind_stats[kind][0] += 1
            kind_stats[kind][1] += kinds.count(kind)
            kind_stats[kind][2] += attendance
    going = [r for r in in_held if r.status == "going"]
    return {
        "meetings_held": len(held),
        "going": len(going),
        "waitlisted": sum(r.status == "waitlisted" for r in in_held),
        "rsvps": sum(r.status in ("going", "waitlisted") for r in in_held),
        "checked_in": len(checked),
        "guests": sum(m.guest_count for m in held),
        "attendance": len(checked) + sum(m.guest_count for m in held),
        "no_shows": sum(r.checked_in_at is None for r in going),
        "unique": len(unique),
        "first_time": sum(first_seen[m] >= start for m in unique),
        "members_at_end": sum(j < end for j in joined),
        "members_at_start": sum(j < start for j in joined),
        "topics": {name: tuple(v) for name, v in topic_stats.items()},
        "kinds": {kind: tuple(v) for kind, v in kind_stats.items()},
        "visits": Counter(r.member.email for r in checked),
        "consenting": {r.member.email for r in checked if r.member.share_contact_with_sponsors},
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meetings=meetings_st, rsvps=rsvps_st, memberships=memberships_st, period_days=period_st)
def test_chapter_report_equals_brute_force(meetings, rsvps, memberships, period_days):
    with transaction.atomic():
        chapter, other = _build(meetings, rsvps, memberships)
        today = NOW.astimezone(chapter.tzinfo).date()
        period = Period(
            today + datetime.timedelta(days=period_days[0]), today + datetime.timedelta(days=period_days[1])
        )
        expected = _brute_force(chapter, period)
        report = chapter_report(chapter, period, now=NOW)
        figures = report.figures
        assert figures.meetings_held == expected["meetings_held"]
        assert figures.going == expected["going"]
        assert figures.waitlisted == expected["waitlisted"]
        assert figures.rsvps == expected["rsvps"]
        assert figures.checked_in == expected["checked_in"]
        assert figures.guests == expected["guests"]
        assert figures.attendance == expected["attendance"]
        assert figures.no_shows == expected["no_shows"]
        assert figures.unique_attendees == expected["unique"]
        assert figures.first_time == expected["first_time"]
        assert figures.returning == expected["unique"] - expected["first_time"]
        assert figures.members_at_end == expected["members_at_end"]
        assert figures.members_at_start == expected["members_at_start"]
        assert sum(row["joined"] for row in report.membership_months) == figures.members_new
        assert {
            row["topic__name"]: (row["meetings"], row["attendance"]) for row in report.topics
        } == expected["topics"]
        kinds = {row["kind"]: (row["meetings"], row["sessions"], row["attendance"]) for row in report.kinds}
        assert {k: v for k, v in kinds.items() if v[0]} == expected["kinds"]
        assert {row["member__email"]: row["visits"] for row in report.attendees} == dict(expected["visits"])

        liaison_view = chapter_report(chapter, period, consenting_only=True, now=NOW)
        assert {row["member__email"] for row in liaison_view.attendees} == expected["consenting"]
        assert liaison_view.attendees_hidden == expected["unique"] - len(expected["consenting"])

        network = network_rows({chapter: period, other: None}, now=NOW)
        assert len(network) == 1
        row = network[0]["figures"]
        assert (row.meetings_held, row.rsvps, row.attendance, row.unique_attendees, row.members_at_end) == (
            expected["meetings_held"],
            expected["rsvps"],
            expected["attendance"],
            expected["unique"],
            expected["members_at_end"],
        )
        transaction.set_rollback(True)
