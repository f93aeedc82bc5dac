"""A speaker's data: in their export, and gone when they close their account (their given talks stay)."""

import datetime
import json

import pytest
from django.urls import reverse

from meetings.models import AgendaItem
from members.services import member_close_account
from speakers import services
from speakers.models import Proposal, SpeakerProfile, Tour

from .conftest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def speaker_with_talks(world):
    speaker = world["speaker"]
    placed = submit(world, title="Hyper-V replicas")
    services.proposal_review(proposal=placed, by=world["organizer"], decision="accept")
    services.proposal_schedule(proposal=placed, meeting=world["meeting"], by=world["organizer"])
    submit(world, title="Storage Spaces Direct")
    services.speaker_profile_save(member=speaker, bio="Runs the servers.", is_public=True)
    today = datetime.date.today()
    services.tour_create(
        speaker=speaker,
        title="Virtualization Reality",
        abstract="Five years of Hyper-V.",
        kind="talk",
        duration_minutes=60,
        available_from=today,
        available_to=today + datetime.timedelta(days=90),
    )
    return speaker


def test_member_export_lists_proposals_profile_and_tours(client, speaker_with_talks):
    client.force_login(speaker_with_talks)

    export = json.loads(client.get(reverse("members:export")).content)

    assert {row["title"] for row in export["talk_proposals"]} == {"Hyper-V replicas", "Storage Spaces Direct"}
    assert export["speaker_profile"]["public"] is True
    assert export["speaker_tours"][0]["title"] == "Virtualization Reality"


def test_closing_account_deletes_proposals_profile_and_tours_but_not_given_talks(client, speaker_with_talks):
    slug = SpeakerProfile.objects.get(member=speaker_with_talks).slug

    member_close_account(member=speaker_with_talks)

    assert not Proposal.objects.filter(speaker=speaker_with_talks).exists()
    assert not SpeakerProfile.objects.filter(member=speaker_with_talks).exists()
    assert not Tour.objects.filter(speaker=speaker_with_talks).exists()
    assert AgendaItem.objects.filter(title="Hyper-V replicas").exists()
    assert client.get(reverse("speakers:profile", kwargs={"slug": slug})).status_code == 404
