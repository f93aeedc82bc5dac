"""Public pages run a fixed number of queries, whatever the size of the network, chapter or meeting.

Each page is read cold (nothing kept in the cache) after a small and after a large data set, by an
anonymous visitor and by a logged-in member (an organizer for a draft); both counts must be equal
and at most MAX_QUERIES. The member's own pages are counted beside their other tests
(tests/members/test_my_things.py, tests/speakers/test_views.py, tests/community/test_query_counts.py)
and the organizer's admin pages beside theirs (tests/itprosig/test_organizer_home.py,
tests/meetings/test_organizer_month.py).
"""

import datetime

import pytest
from django.utils import timezone

from chapters.models import Chapter, ChapterInterest
from meetings.models import RSVP, AgendaItem, Meeting, Topic
from members.models import Member, Membership
from speakers.models import SpeakerProfile
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    SponsorshipFactory,
    TopicFactory,
    VenueFactory,
)
from tests.support.queries import MAX_QUERIES, assert_constant_queries, page_queries, queries_count

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 300
VIEWERS = ["anonymous", "member"]


@pytest.fixture
def as_viewer(client, verified_member):
    """Return a function logging the test's client in as the named viewer (or not), and that viewer."""

    def log_in(viewer):
        if viewer == "anonymous":
            return None
        client.force_login(verified_member)
        return verified_member

    return log_in


def _members(count, tag):
    return Member.objects.bulk_create(
        Member(
            email=f"{tag}-{n}@example.org", display_name=f"{tag} {n}", show_name_on_attendee_lists=n % 2 == 0
        )
        for n in range(count)
    )


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


def _meeting_with_rsvps(count, **fields):
    """Return a meeting with `count` members going (half of them listed by name), and talks and topics
    that grow with it; some of those going have a public speaker profile, whose photo is their avatar."""
    meeting = MeetingFactory(**{"capacity": count + 10, **fields})
    meeting.topics.add(*(TopicFactory() for _ in range(1 + count // 100)))
    for _ in range(3 + count // 100):
        AgendaItemFactory(meeting=meeting)
    members = _members(count, f"q{meeting.pk}")
    RSVP.objects.bulk_create(RSVP(meeting=meeting, member=m, status=RSVP.Status.GOING) for m in members)
    SpeakerProfile.objects.bulk_create(
        SpeakerProfile(member=m, slug=f"speaker-{m.pk}", is_public=True, public_consent_at=timezone.now())
        for m in members[: 1 + count // 10]
    )
    return meeting


# Meetings in each state a member meets them in, each with `size` people and the reader's own answer.


def _upcoming(size, reader):
    meeting = _meeting_with_rsvps(size)
    if reader is not None:
        RSVP.objects.create(meeting=meeting, member=reader, status=RSVP.Status.GOING)
    return meeting


def _full(size, reader):
    meeting = _meeting_with_rsvps(size, capacity=size)
    now = timezone.now()
    waiting = _members(size, f"w{meeting.pk}")
    RSVP.objects.bulk_create(
        RSVP(
            meeting=meeting,
            member=m,
            status=RSVP.Status.WAITLISTED,
            waitlisted_at=now - datetime.timedelta(minutes=size - n),
        )
        for n, m in enumerate(waiting)
    )
    if reader is not None:
        RSVP.objects.create(meeting=meeting, member=reader, status=RSVP.Status.WAITLISTED, waitlisted_at=now)
    return meeting


def _past(size, reader):
    start = timezone.now() - datetime.timedelta(days=10)
    meeting = _meeting_with_rsvps(size, starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    RSVP.objects.filter(meeting=meeting).update(checked_in_at=start + datetime.timedelta(minutes=5))
    if reader is not None:
        RSVP.objects.create(meeting=meeting, member=reader, status=RSVP.Status.GOING, checked_in_at=start)
    # The chapter's next meeting, linked from a past one.
    MeetingFactory(chapter=meeting.chapter)
    return meeting


def _cancelled(size, reader):
    meeting = _meeting_with_rsvps(
        size, status=Meeting.Status.CANCELLED, cancellation_reason="The venue flooded."
    )
    if reader is not None:
        RSVP.objects.create(meeting=meeting, member=reader, status=RSVP.Status.GOING)
    return meeting


def _draft(size, reader):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    AgendaItem.objects.bulk_create(AgendaItem(meeting=meeting, title=f"Talk {n}") for n in range(size))
    meeting.topics.add(
        *Topic.objects.bulk_create(
            Topic(name=f"d{meeting.pk}-{n}", slug=f"d{meeting.pk}-{n}") for n in range(size)
        )
    )
    ChapterRoleFactory(chapter=meeting.chapter, user=reader)
    return meeting


MEETING_STATES = {"upcoming": _upcoming, "full": _full, "past": _past, "cancelled": _cancelled}


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("state", MEETING_STATES)
def test_meeting_page_queries_do_not_grow_with_rsvps(client, as_viewer, viewer, state):
    reader = as_viewer(viewer)
    build = MEETING_STATES[state]
    few = page_queries(client, build(SMALL, reader).get_absolute_url())
    many = page_queries(client, build(LARGE, reader).get_absolute_url())
    assert_constant_queries(few, many)


def test_draft_meeting_page_for_its_organizer_queries_do_not_grow(client, verified_member):
    client.force_login(verified_member)
    few = page_queries(client, _draft(SMALL, verified_member).get_absolute_url())
    many = page_queries(client, _draft(LARGE, verified_member).get_absolute_url())
    assert_constant_queries(few, many)


def test_meeting_page_for_checkin_volunteer_stays_within_limit(client):
    meeting = _meeting_with_rsvps(1000)
    client.force_login(ChapterRoleFactory(chapter=meeting.chapter, role="volunteer").user)
    assert queries_count(client, meeting.get_absolute_url()) <= MAX_QUERIES


# The network, its chapters and topics.


@pytest.mark.parametrize("viewer", VIEWERS)
def test_home_queries_do_not_grow_with_meetings_or_rsvps(client, as_viewer, viewer):
    reader = as_viewer(viewer) or MemberFactory()

    def chapter_with_rsvps(count):
        chapter = _chapter_with_meetings(count)
        reader.memberships.create(chapter=chapter)
        for meeting in Meeting.objects.filter(chapter=chapter, ends_at__gt=timezone.now())[:5]:
            RSVP.objects.create(meeting=meeting, member=reader, status=RSVP.Status.GOING)
        return chapter

    few = page_queries(client, f"/?chapter={chapter_with_rsvps(10).slug}&format=&topic=")
    chapter_with_rsvps(300)
    many = page_queries(client, "/?chapter=&format=in_person&topic=")
    assert_constant_queries(few, many)
    assert_constant_queries(few, page_queries(client, "/"))


def _network(chapters, *, reader):
    """Add `chapters` chapters, a third of them forming, each with members and a meeting."""
    first = Chapter.objects.count()
    made = Chapter.objects.bulk_create(
        Chapter(
            name=f"Network {first + n}",
            slug=f"network-{first + n}",
            city="Toronto",
            time_zone="America/Toronto",
            status=Chapter.Status.FORMING if n % 3 == 0 else Chapter.Status.ACTIVE,
        )
        for n in range(chapters)
    )
    members = _members(5, f"n{made[0].pk}")
    Membership.objects.bulk_create(Membership(member=m, chapter=c) for c in made for m in members)
    ChapterInterest.objects.bulk_create(ChapterInterest(chapter=c, user=m) for c in made for m in members)
    if reader is not None:
        Membership.objects.bulk_create(Membership(member=reader, chapter=c) for c in made[:3])
    for chapter in made[:3]:
        MeetingFactory(chapter=chapter)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_chapter_list_queries_do_not_grow_with_chapters(client, as_viewer, viewer):
    reader = as_viewer(viewer)
    _network(SMALL, reader=reader)
    few = page_queries(client, "/chapters/")
    _network(LARGE, reader=reader)
    many = page_queries(client, "/chapters/")
    assert_constant_queries(few, many)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_chapter_page_queries_do_not_grow_with_meetings(client, as_viewer, viewer):
    reader = as_viewer(viewer)

    def chapter(count):
        chapter = _chapter_with_meetings(count)
        for _ in range(count // 100 + 1):
            ChapterRoleFactory(chapter=chapter)
            SponsorshipFactory(chapter=chapter)
        if reader is not None:
            reader.memberships.create(chapter=chapter)
        return chapter

    few = page_queries(client, chapter(10).get_absolute_url())
    many = page_queries(client, chapter(1000).get_absolute_url())
    assert_constant_queries(few, many)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_forming_chapter_page_queries_do_not_grow_with_interest(client, as_viewer, viewer):
    reader = as_viewer(viewer)

    def forming(count):
        chapter = ChapterFactory(status=Chapter.Status.FORMING)
        ChapterInterest.objects.bulk_create(
            ChapterInterest(chapter=chapter, user=m) for m in _members(count, f"i{chapter.pk}")
        )
        if reader is not None:
            ChapterInterest.objects.create(chapter=chapter, user=reader)
        return chapter

    few = page_queries(client, forming(SMALL).get_absolute_url())
    many = page_queries(client, forming(LARGE).get_absolute_url())
    assert_constant_queries(few, many)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_topic_list_queries_do_not_grow_with_topics(client, as_viewer, viewer):
    as_viewer(viewer)

    def topics(count):
        chapter = _chapter_with_meetings(4)
        made = Topic.objects.bulk_create(
            Topic(name=f"Topic {chapter.pk}-{n}", slug=f"topic-{chapter.pk}-{n}") for n in range(count)
        )
        for meeting in chapter.meetings.all():
            meeting.topics.add(*made)

    topics(SMALL)
    few = page_queries(client, "/topics/")
    topics(LARGE)
    many = page_queries(client, "/topics/")
    assert_constant_queries(few, many)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_topic_page_queries_do_not_grow_with_meetings(client, as_viewer, viewer):
    as_viewer(viewer)

    def topic(count):
        topic = TopicFactory()
        chapter = _chapter_with_meetings(count)
        topic.meetings.set(Meeting.objects.filter(chapter=chapter))
        return topic.get_absolute_url()

    few = page_queries(client, topic(10))
    many = page_queries(client, topic(300))
    assert_constant_queries(few, many)


def test_chapter_feed_queries_do_not_grow(client):
    def feed(count):
        chapter = _chapter_with_meetings(count)
        topic = TopicFactory()
        topic.meetings.set(Meeting.objects.filter(chapter=chapter))
        return f"/chapters/{chapter.slug}/calendar.ics"

    assert queries_count(client, feed(10)) == queries_count(client, feed(300))
