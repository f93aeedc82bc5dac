"""A meeting's French title and description reach French readers everywhere they see the meeting:
their page of meetings, the search engines' data on the French page, and their calendar feed."""

import json
import re

import pytest
from django.urls import reverse

from meetings.models import RSVP
from tests.factories import MeetingFactory, RSVPFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory(
        title="PowerShell night",
        title_fr="Soirée PowerShell",
        description="Scripts for the **help desk**.",
        description_fr="Des scripts pour le **soutien technique**.",
    )


def test_my_page_in_french_names_the_meeting_in_french(member_client, meeting):
    RSVPFactory(meeting=meeting, member=member_client.member, status=RSVP.Status.GOING)
    english = member_client.get(reverse("members:me")).content.decode()
    french = member_client.get("/fr" + reverse("members:me")).content.decode()
    assert "Soirée PowerShell" in french and "PowerShell night" not in french
    assert "PowerShell night" in english


def test_the_french_meeting_page_tells_search_engines_the_french_title(client, meeting):
    page = client.get("/fr" + meeting.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["name"] == "Soirée PowerShell"
    assert data["description"].startswith("Des scripts")


def test_a_french_members_calendar_feed_has_the_french_title(client, verified_member, meeting):
    verified_member.preferred_language = "fr"
    verified_member.save(update_fields=["preferred_language"])
    RSVPFactory(meeting=meeting, member=verified_member, status=RSVP.Status.GOING)
    feed = client.get(reverse("members:calendar_feed", kwargs={"token": verified_member.calendar_token}))
    text = feed.content.decode().replace("\r\n ", "")
    assert "Soirée PowerShell" in text
    assert "PowerShell night" not in text
