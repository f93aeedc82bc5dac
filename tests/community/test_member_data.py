"""A member's community data: in their export, and gone (or freed) when they close their account."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import FeedbackResponse, TalkRating, VolunteerRole, VolunteerSignup, Vote
from members.services import member_close_account
from tests.factories import AgendaItemFactory, MeetingFactory

from .conftest import make_poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_member(member, chapter):
    upcoming = MeetingFactory(chapter=chapter, title="Windows Server 2025 in practice")
    past = MeetingFactory(
        chapter=chapter, title="PowerShell 7 tricks", starts_at=timezone.now() - datetime.timedelta(days=20)
    )
    door = VolunteerRole.objects.create(meeting=upcoming, kind=VolunteerRole.Kind.DOOR, places=2)
    booth = VolunteerRole.objects.create(meeting=past, kind=VolunteerRole.Kind.BOOTH, places=2)
    VolunteerSignup.objects.create(role=door, member=member, thank_publicly=True)
    VolunteerSignup.objects.create(
        role=booth, member=member, state=VolunteerSignup.State.CONFIRMED, thank_publicly=True
    )
    poll = make_poll(chapter, allow_other=True)
    vote = Vote.objects.create(poll=poll, member=member, other="A pub night, please")
    vote.choices.add(poll.choices.first())
    talk = AgendaItemFactory(meeting=past, title="Desired State Configuration")
    response = FeedbackResponse.objects.create(meeting=past, member=member, comment="Loved the demos")
    TalkRating.objects.create(response=response, agenda_item=talk, rating=5)
    return member


def test_member_export_lists_volunteering_votes_and_feedback(client, busy_member):
    client.force_login(busy_member)

    export = json.loads(client.get(reverse("members:export")).content)

    assert {row["meeting"] for row in export["volunteering"]} == {
        "Windows Server 2025 in practice",
        "PowerShell 7 tricks",
    }
    assert export["poll_votes"][0]["answers"] == ["In person"]
    assert export["poll_votes"][0]["other"] == "A pub night, please"
    assert export["meeting_feedback"][0]["comment"] == "Loved the demos"
    assert export["meeting_feedback"][0]["ratings"] == {"Desired State Configuration": 5}


def test_closing_account_frees_places_to_come_and_drops_written_text(busy_member):
    member_close_account(member=busy_member)

    kept = VolunteerSignup.objects.filter(member=busy_member)
    assert [signup.role.meeting.title for signup in kept] == ["PowerShell 7 tricks"]
    assert not kept.filter(thank_publicly=True).exists()
    assert Vote.objects.get(member=busy_member).other == ""
    assert Vote.objects.get(member=busy_member).choices.count() == 1  # the poll's figures stay
    response = FeedbackResponse.objects.get(member=busy_member)
    assert response.comment == ""
    assert response.ratings.get().rating == 5


def test_member_page_links_to_my_volunteering(client, member):
    client.force_login(member)

    page = client.get(reverse("members:me")).content.decode()

    assert reverse("community:my_volunteering") in page
