"""Objects the community tests share: a chapter with an organizer, members, meetings, polls."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone, translation

from community.models import Poll, PollChoice, VolunteerRole
from tests.factories import (
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
)


def verified(member):
    EmailAddress.objects.get_or_create(
        user=member, email=member.email, defaults={"verified": True, "primary": True}
    )
    return member


@pytest.fixture(autouse=True)
def english_outside_requests():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def chapter(db):
    return ChapterFactory()


@pytest.fixture
def organizer(chapter):
    return verified(ChapterRoleFactory(chapter=chapter).user)


@pytest.fixture
def other_organizer(db):
    """An organizer of another chapter: may touch nothing of `chapter`."""
    return verified(ChapterRoleFactory(chapter=ChapterFactory()).user)


@pytest.fixture
def member(chapter):
    member = verified(MemberFactory())
    MembershipFactory(member=member, chapter=chapter)
    return member


@pytest.fixture
def meeting(chapter):
    return MeetingFactory(chapter=chapter)


@pytest.fixture
def door(meeting):
    return VolunteerRole.objects.create(meeting=meeting, kind=VolunteerRole.Kind.DOOR, places=2)


def make_poll(chapter, *, choices=("In person", "Online"), **fields):
    now = timezone.now()
    defaults = {
        "question": "In person or online?",
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=7),
    }
    poll = Poll.objects.create(chapter=chapter, **{**defaults, **fields})
    for position, label in enumerate(choices):
        PollChoice.objects.create(poll=poll, label=label, position=position)
    return poll


@pytest.fixture
def poll(chapter):
    return make_poll(chapter)
