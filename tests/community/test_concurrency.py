"""Many members at the same instant: row locks keep votes and volunteer places exact."""

import pytest
from django.db import connection

from community.models import VolunteerRole, VolunteerSignup, Vote
from community.services import CommunityRefused, poll_vote, volunteer_signup_create
from tests.factories import ChapterFactory, MeetingFactory, MemberFactory, MembershipFactory
from tests.support.concurrency import run_at_once

from .conftest import make_poll

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_thirty_members_voting_at_once_count_exactly():
    chapter = ChapterFactory()
    poll = make_poll(chapter, choices=("In person", "Chat rooms"))
    in_person, chat = poll.choices.all()
    members = [MembershipFactory(chapter=chapter).member for _ in range(30)]

    def vote(member, index):
        choice = in_person if index % 3 else chat
        # Each member votes twice at once (a double click): still one vote each.
        return poll_vote(poll=poll, member=member, choice_ids=[choice.pk])

    jobs = [lambda m=m, i=i: vote(m, i) for i, m in enumerate(members)]
    jobs += [lambda m=m, i=i: vote(m, i) for i, m in enumerate(members)]
    _results, errors = run_at_once(jobs)

    assert errors == []
    assert Vote.objects.filter(poll=poll).count() == 30
    assert len(set(Vote.objects.filter(poll=poll).values_list("member_id", flat=True))) == 30
    assert in_person.votes.count() == 20
    assert chat.votes.count() == 10


def test_twenty_members_taking_five_volunteer_places_at_once():
    role = VolunteerRole.objects.create(meeting=MeetingFactory(), kind=VolunteerRole.Kind.DOOR, places=5)
    members = [MemberFactory() for _ in range(20)]

    results, errors = run_at_once([lambda m=m: volunteer_signup_create(role=role, member=m) for m in members])

    assert len(results) == 5
    assert len(errors) == 15
    assert all(isinstance(e, CommunityRefused) and e.code == "full" for e in errors)
    signups = VolunteerSignup.objects.filter(role=role)
    assert signups.count() == 5
    assert len(set(signups.values_list("member_id", flat=True))) == 5
    assert {s.member_id for s in results} == set(signups.values_list("member_id", flat=True))
