"""Community pages run a fixed number of queries, whatever the number of votes, sign-ups or meetings.

Each page is read cold (nothing kept in the cache) after a small and after a large data set; both
counts must be equal and at most MAX_QUERIES (tests/support/queries.py).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import VolunteerRole, VolunteerSignup, Vote
from meetings.models import AgendaItem
from members.models import Member, Membership
from tests.factories import MeetingFactory
from tests.support.queries import assert_constant_queries, page_queries

from .conftest import make_poll

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 300


def _members(chapter, count, tag):
    members = Member.objects.bulk_create(
        Member(email=f"{tag}-{n}@example.org", display_name=f"{tag} {n}") for n in range(count)
    )
    Membership.objects.bulk_create(Membership(member=m, chapter=chapter) for m in members)
    return members


def _vote(poll, members, choice):
    votes = Vote.objects.bulk_create(
        Vote(poll=poll, member=m, other="Hybrid" if m.pk % 2 else "") for m in members
    )
    Vote.choices.through.objects.bulk_create(Vote.choices.through(vote=v, pollchoice=choice) for v in votes)


def _poll_with_votes(chapter, count, reader, **fields):
    poll = make_poll(chapter, allow_other=True, **fields)
    _vote(poll, _members(chapter, count, f"p{poll.pk}"), poll.choices.first())
    if reader is not None:
        _vote(poll, [reader], poll.choices.last())
    return poll


def _meeting_with_signups(chapter, count):
    meeting = MeetingFactory(chapter=chapter)
    role = VolunteerRole.objects.create(meeting=meeting, kind="setup", places=count + 1)
    VolunteerRole.objects.create(meeting=meeting, kind="door", places=2)
    VolunteerSignup.objects.bulk_create(
        VolunteerSignup(role=role, member=m) for m in _members(chapter, count, f"v{meeting.pk}")
    )
    return meeting


@pytest.mark.parametrize(
    ("reader", "poll_fields"),
    [
        ("anonymous", {}),
        ("member", {}),
        ("member", {"closes_at": timezone.now() - datetime.timedelta(hours=1)}),
        ("organizer", {}),
    ],
    ids=["anonymous", "member-who-voted", "member-closed-poll", "organizer"],
)
def test_poll_page_queries_do_not_grow_with_votes(client, chapter, member, organizer, reader, poll_fields):
    readers = {"anonymous": None, "member": member, "organizer": organizer}
    if readers[reader] is not None:
        client.force_login(readers[reader])
    if "closes_at" in poll_fields:
        poll_fields = {**poll_fields, "opens_at": timezone.now() - datetime.timedelta(days=8)}
    few = page_queries(
        client, _poll_with_votes(chapter, SMALL, readers[reader], **poll_fields).get_absolute_url()
    )
    many = page_queries(
        client, _poll_with_votes(chapter, LARGE, readers[reader], **poll_fields).get_absolute_url()
    )
    assert_constant_queries(few, many)


def test_volunteer_page_queries_do_not_grow_with_signups(client, chapter, member):
    client.force_login(member)

    def url(meeting):
        VolunteerSignup.objects.create(role=meeting.volunteer_roles.get(kind="door"), member=member)
        return reverse("community:volunteer", kwargs={"slug": chapter.slug, "pk": meeting.pk})

    few = page_queries(client, url(_meeting_with_signups(chapter, SMALL)))
    many = page_queries(client, url(_meeting_with_signups(chapter, LARGE)))
    assert_constant_queries(few, many)


def test_my_volunteering_queries_do_not_grow_with_signups_or_talks(client, chapter, member):
    client.force_login(member)

    def volunteered(count):
        past = timezone.now() - datetime.timedelta(days=400)
        for n in range(count):
            meeting = MeetingFactory(chapter=chapter, starts_at=past + datetime.timedelta(days=n))
            role = VolunteerRole.objects.create(meeting=meeting, kind="door", places=2)
            VolunteerSignup.objects.create(role=role, member=member, state=VolunteerSignup.State.CONFIRMED)
            AgendaItem.objects.create(meeting=meeting, title=f"Talk {n}", speaker=member.display_name)

    url = reverse("community:my_volunteering")
    volunteered(1)
    few = page_queries(client, url)
    volunteered(30)
    many = page_queries(client, url)
    assert_constant_queries(few, many)
