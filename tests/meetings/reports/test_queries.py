"""The chapter report's query count does not grow with the data: 20 years and 100,000 RSVPs included.

The page, a CSV download and the PDF summary each, feedback by topic and the previous period's figures
included.
"""

import datetime
import time
import zoneinfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chapters.models import Chapter, ChapterRole
from meetings.models import RSVP, AgendaItem, Meeting, Topic
from members.models import Member, Membership
from tests.factories import SponsorLiaisonFactory, SponsorshipFactory

pytestmark = pytest.mark.django_db
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
MAX_QUERIES = 15


def _history(chapter, *, years, rsvps, members):
    """Monthly meetings over `years` years ending last month, with `rsvps` RSVPs spread over them."""
    topics = Topic.objects.bulk_create(
        [Topic(name=name, slug=name.lower()) for name in ("PowerShell", "Hyper-V", "Exchange", "Cloud")]
    )
    people = Member.objects.bulk_create(
        [
            Member(
                email=f"history{i}@example.org",
                display_name=f"History {i}",
                share_contact_with_sponsors=i % 3 == 0,
                password="!",
            )
            for i in range(members)
        ]
    )
    last = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
    first_year = last.year - years
    Membership.objects.bulk_create(
        [
            Membership(
                member=p,
                chapter=chapter,
                joined_at=datetime.datetime(first_year, 1 + i % 12, 1 + i % 28, tzinfo=TORONTO)
                + datetime.timedelta(days=365 * (i % years)),
            )
            for i, p in enumerate(people)
        ]
    )
    meetings = []
    for n in range(years * 12):
        year, month = first_year + (last.month + n) // 12, (last.month + n) % 12 + 1
        start = datetime.datetime(year, month, 15, 18, tzinfo=TORONTO)
        meetings.append(
            Meeting(
                chapter=chapter,
                title=f"Meeting {year}-{month:02}",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=3),
                status=Meeting.Status.SCHEDULED,
                guest_count=n % 4,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings)
    Meeting.topics.through.objects.bulk_create(
        [Meeting.topics.through(meeting=m, topic=topics[i % len(topics)]) for i, m in enumerate(meetings)]
    )
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=m, title="Talk", kind=kind) for m in meetings for kind in ("talk", "short")]
    )
    # One INSERT ... SELECT: 100,000 RSVPs in a couple of seconds (the suite runs on PostgreSQL).
    # Meeting n gets members n*7, n*7+1, ...; four in five are checked in at the start.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO meetings_rsvp (meeting_id, member_id, status, created_at, updated_at, checked_in_at)
            SELECT m.id, p.id, 'going', now(), now(), CASE WHEN j %% 5 <> 0 THEN m.starts_at END
            FROM (SELECT id, starts_at, row_number() OVER (ORDER BY starts_at) - 1 AS n
                  FROM meetings_meeting WHERE chapter_id = %(chapter)s) AS m
            CROSS JOIN generate_series(0, %(per_meeting)s - 1) AS j
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
                  FROM members_member WHERE email LIKE 'history%%') AS p
              ON p.k = (m.n * 7 + j) %% %(members)s
            """,
            {"chapter": chapter.pk, "per_meeting": rsvps // len(meetings), "members": members},
        )
    return meetings[0].starts_at.astimezone(TORONTO).date(), last


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, url
    return len(queries), elapsed


def _report_counts(client, chapter, *, organizer, liaison, first, last):
    """Return the queries of the page and a CSV download, for the organizer and for the liaison."""
    cache.clear()  # each sequence starts cold, so two sequences compare like with like
    period = f"?from={first}&to={last}"
    page = reverse("reports:chapter", kwargs={"slug": chapter.slug}) + period
    download = reverse("reports:chapter_csv", kwargs={"slug": chapter.slug, "table": "attendees"}) + period
    summary = reverse("reports:chapter_pdf", kwargs={"slug": chapter.slug}) + period
    counts = []
    for reader in (organizer, liaison):
        client.force_login(reader)
        counts += [_count(client, page)[0], _count(client, download)[0], _count(client, summary)[0]]
    return counts


@pytest.mark.parametrize(
    ("years", "rsvps", "members"),
    [(1, 24, 10), pytest.param(20, 100_000, 5_000, marks=pytest.mark.slow)],  # 100,000 rows: make test
)
def test_chapter_report_query_count_is_bounded(client, organizer, chapter, years, rsvps, members):
    first, last = _history(chapter, years=years, rsvps=rsvps, members=members)
    assert RSVP.objects.count() == rsvps - rsvps % (years * 12)
    sponsorship = SponsorshipFactory(chapter=chapter, starts_on=first, ends_on=last)
    liaison = SponsorLiaisonFactory(sponsor=sponsorship.sponsor).user
    # A chapter with no history at all, read by the same people: the baseline.
    empty = Chapter.objects.create(name="Empty", slug="empty", city="Moncton")
    ChapterRole.objects.create(user=organizer, chapter=empty, role=ChapterRole.Role.ORGANIZER)
    SponsorshipFactory(chapter=empty, sponsor=sponsorship.sponsor, starts_on=first, ends_on=last)

    readers = {"organizer": organizer, "liaison": liaison, "first": first, "last": last}
    started = time.perf_counter()
    counts = _report_counts(client, chapter, **readers)
    seconds = time.perf_counter() - started
    baseline = _report_counts(client, empty, **readers)
    print(f"{years} years, {rsvps} RSVPs: {counts} queries (empty chapter: {baseline}), {seconds:.2f} s")
    assert max(counts) <= MAX_QUERIES
    # The same count as with no data at all: no query per meeting, topic or member.
    assert counts == baseline


def test_chapter_report_shows_the_whole_history(client, organizer, chapter):
    first, last = _history(chapter, years=2, rsvps=480, members=50)
    client.force_login(organizer)
    url = reverse("reports:chapter", kwargs={"slug": chapter.slug}) + f"?from={first}&to={last}"
    page = client.get(url).text
    assert 'data-figure="meetings_held">24<' in page
    # Four in five RSVPs are checked in; a guest count of 0, 1, 2, 3 repeats.
    assert f'data-figure="attendance">{480 * 4 // 5 + 6 * (0 + 1 + 2 + 3)}<' in page


def test_network_report_query_count_is_bounded(client, chapter):
    other = Chapter.objects.create(name="MITPro", slug="mitpro", city="Montréal")
    _history(chapter, years=1, rsvps=120, members=30)
    sponsorship = SponsorshipFactory(chapter=chapter, starts_on=datetime.date(2000, 1, 1))
    SponsorshipFactory(chapter=other, sponsor=sponsorship.sponsor, starts_on=datetime.date(2000, 1, 1))
    liaison = SponsorLiaisonFactory(sponsor=sponsorship.sponsor).user
    client.force_login(liaison)
    count, _ = _count(client, reverse("reports:network"))
    assert count <= MAX_QUERIES
