"""Pages run a fixed number of queries, whatever the size of the chapter or meeting."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import RSVP, Meeting
from members.models import Member
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    SponsorshipFactory,
    TopicFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _chapter_with_meetings(count):
    chapter = ChapterFactory()
    venue = VenueFactory(chapter=chapter)
    ChapterRoleFactory(chapter=chapter)
    SponsorshipFactory(chapter=chapter)
    now = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(
            chapter=chapter,
            venue=venue,
            title=f"Meeting {n}",
            status=Meeting.Status.SCHEDULED,
            starts_at=now + datetime.timedelta(days=30 * (n - count // 2)),
            ends_at=now + datetime.timedelta(days=30 * (n - count // 2), hours=3),
            capacity=40,
        )
        for n in range(count)
    )
    return chapter


def _meeting_with_rsvps(count):
    meeting = MeetingFactory(capacity=count + 10)
    topic = TopicFactory()
    meeting.topics.add(topic)
    for _ in range(3):
        AgendaItemFactory(meeting=meeting)
    members = Member.objects.bulk_create(
        Member(
            email=f"q{meeting.pk}-{n}@example.org",
            display_name=f"Q {n}",
            show_name_on_attendee_lists=n % 2 == 0,
        )
        for n in range(count)
    )
    RSVP.objects.bulk_create(RSVP(meeting=meeting, member=m, status=RSVP.Status.GOING) for m in members)
    return meeting


def _queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "member"])
def test_chapter_page_queries_do_not_grow_with_meetings(client, verified_member, logged_in):
    if logged_in:
        client.force_login(verified_member)
    few = _queries(client, _chapter_with_meetings(10).get_absolute_url())
    many = _queries(client, _chapter_with_meetings(1000).get_absolute_url())
    assert few == many
    assert many <= MAX_QUERIES


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "member"])
def test_meeting_page_queries_do_not_grow_with_rsvps(client, verified_member, logged_in):
    if logged_in:
        client.force_login(verified_member)
    few = _queries(client, _meeting_with_rsvps(10).get_absolute_url())
    many = _queries(client, _meeting_with_rsvps(1000).get_absolute_url())
    assert few == many
    assert many <= MAX_QUERIES


def test_meeting_page_for_checkin_volunteer_stays_within_limit(client):
    meeting = _meeting_with_rsvps(1000)
    client.force_login(ChapterRoleFactory(chapter=meeting.chapter, role="volunteer").user)
    assert _queries(client, meeting.get_absolute_url()) <= MAX_QUERIES


@pytest.mark.parametrize("url_name", ["home", "topic", "feed"])
def test_list_pages_queries_do_not_grow(client, url_name):
    def url(chapter):
        if url_name == "home":
            return "/"
        if url_name == "feed":
            return f"/chapters/{chapter.slug}/calendar.ics"
        topic = TopicFactory()
        topic.meetings.set(Meeting.objects.filter(chapter=chapter))
        return topic.get_absolute_url()

    few = _queries(client, url(_chapter_with_meetings(10)))
    many = _queries(client, url(_chapter_with_meetings(300)))
    assert few == many


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "member"])
def test_home_queries_do_not_grow_with_meetings_or_rsvps(client, verified_member, logged_in):
    if logged_in:
        client.force_login(verified_member)

    def chapter_with_rsvps(count):
        chapter = _chapter_with_meetings(count)
        verified_member.memberships.create(chapter=chapter)
        for meeting in Meeting.objects.filter(chapter=chapter, ends_at__gt=timezone.now())[:5]:
            RSVP.objects.create(meeting=meeting, member=verified_member, status=RSVP.Status.GOING)
        return chapter

    few = _queries(client, f"/?chapter={chapter_with_rsvps(10).slug}&format=&topic=")
    chapter_with_rsvps(300)
    many = _queries(client, "/?chapter=&format=in_person&topic=")
    assert few == many
    assert many <= MAX_QUERIES


def test_me_page_queries_do_not_grow(client, verified_member):
    client.force_login(verified_member)
    few = _queries(client, "/me/")
    for _n in range(30):
        chapter = ChapterFactory()
        verified_member.memberships.create(chapter=chapter)
        RSVP.objects.create(meeting=MeetingFactory(chapter=chapter), member=verified_member, status="going")
    assert _queries(client, "/me/") == few
