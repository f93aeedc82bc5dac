"""Community pages run a fixed number of queries, whatever the number of votes or sign-ups."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import VolunteerRole, VolunteerSignup, Vote
from members.models import Member, Membership
from tests.factories import MeetingFactory

from .conftest import make_poll

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _members(chapter, count, tag):
    members = Member.objects.bulk_create(
        Member(email=f"{tag}-{n}@example.org", display_name=f"{tag} {n}") for n in range(count)
    )
    Membership.objects.bulk_create(Membership(member=m, chapter=chapter) for m in members)
    return members


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _poll_with_votes(chapter, count):
    poll = make_poll(chapter, allow_other=True)
    first = poll.choices.first()
    votes = Vote.objects.bulk_create(
        Vote(poll=poll, member=m) for m in _members(chapter, count, f"p{poll.pk}")
    )
    Vote.choices.through.objects.bulk_create(Vote.choices.through(vote=v, pollchoice=first) for v in votes)
    return poll


def _meeting_with_signups(chapter, count):
    meeting = MeetingFactory(chapter=chapter)
    role = VolunteerRole.objects.create(meeting=meeting, kind="setup", places=count + 1)
    VolunteerRole.objects.create(meeting=meeting, kind="door", places=2)
    VolunteerSignup.objects.bulk_create(
        VolunteerSignup(role=role, member=m) for m in _members(chapter, count, f"v{meeting.pk}")
    )
    return meeting


def test_poll_page_queries_do_not_grow_with_votes(client, chapter, member):
    client.force_login(member)
    few = _queries(client, _poll_with_votes(chapter, 3).get_absolute_url())
    many = _queries(client, _poll_with_votes(chapter, 300).get_absolute_url())

    assert few == many
    assert many <= MAX_QUERIES


def test_volunteer_page_queries_do_not_grow_with_signups(client, chapter, member):
    client.force_login(member)

    def url(meeting):
        return reverse("community:volunteer", kwargs={"slug": chapter.slug, "pk": meeting.pk})

    few = _queries(client, url(_meeting_with_signups(chapter, 3)))
    many = _queries(client, url(_meeting_with_signups(chapter, 300)))

    assert few == many
    assert many <= MAX_QUERIES
