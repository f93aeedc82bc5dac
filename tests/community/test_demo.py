"""The demo data shows the community program, and loading it again adds nothing."""

import pytest
from django.core.management import call_command

from community.models import FeedbackResponse, MeetingNote, Poll, VolunteerRole, VolunteerSignup, Vote

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count() for m in (VolunteerRole, VolunteerSignup, Poll, Vote, FeedbackResponse, MeetingNote)
    ]


def test_seed_demo_adds_the_community_program_once(client):
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)

    assert _counts() == first
    poll = Poll.objects.get(chapter__slug="twsug")
    in_person = poll.choices.get(label="In person").votes.count()
    assert in_person > poll.votes.count() / 2
    assert MeetingNote.objects.filter(state="published", meeting__chapter__slug="it-pro-toronto").exists()
    assert FeedbackResponse.objects.filter(meeting__chapter__slug="it-pro-toronto").count() >= 3
    page = client.get("/chapters/it-pro-toronto/").content.decode()
    assert "Vic Volunteer" in page
    assert poll.get_absolute_url() in client.get("/chapters/twsug/").content.decode()
