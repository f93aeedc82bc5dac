"""The home page finds a chapter: chapters first on a phone, filters that work without JavaScript."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from meetings.models import RSVP, Meeting
from tests.factories import (
    ChapterFactory,
    MeetingFactory,
    MembershipFactory,
    RSVPFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
MEETINGS = 'id="upcoming-heading"'


@pytest.fixture(autouse=True)
def fresh_page_cache():
    cache.clear()


@pytest.fixture
def network():
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto", city="Toronto")
    mitpro = ChapterFactory(name="MITPro", slug="mitpro", city="Montréal")
    powershell = TopicFactory(name="PowerShell", slug="powershell")
    hyperv = MeetingFactory(chapter=toronto, title="Hyper-V night", format=Meeting.Format.IN_PERSON)
    scripting = MeetingFactory(chapter=mitpro, title="Soirée scripts", format=Meeting.Format.ONLINE)
    scripting.topics.add(powershell)
    return {"toronto": toronto, "mitpro": mitpro, "hyperv": hyperv, "scripting": scripting}


def home(client, query=""):
    response = client.get("/" + query)
    assert response.status_code == 200
    return response.content.decode()


def test_home_lists_chapters_before_the_meetings(client, network):
    html = home(client)
    assert html.index('id="home-chapters"') < html.index('id="upcoming-heading"')
    assert 'href="/chapters/mitpro/"' in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?chapter=mitpro&format=&topic=", "Soirée scripts", "Hyper-V night"),
        ("?chapter=&format=&topic=powershell", "Soirée scripts", "Hyper-V night"),
        ("?chapter=&format=in_person&topic=", "Hyper-V night", "Soirée scripts"),
        ("?chapter=&format=online&topic=", "Soirée scripts", "Hyper-V night"),
    ],
)
def test_home_filters_meetings_by_chapter_topic_and_format(client, network, query, shown, hidden):
    html = home(client, query)
    meetings = html.split('id="upcoming-heading"', 1)[1]
    assert shown in meetings and hidden not in meetings


def test_home_filter_with_an_unknown_value_says_so_and_shows_every_meeting(client, network):
    html = home(client, "?topic=no-such-topic")
    assert "One of the filters was not recognized" in html
    assert "Hyper-V night" in html and "Soirée scripts" in html


def test_home_filtered_page_is_cached_under_its_filters(client, network):
    # The unfiltered home is cached first; a filtered address must not be answered with it.
    assert "Hyper-V night" in home(client).split(MEETINGS)[1]
    for _visit in range(2):  # drawn, then from the cache
        meetings = home(client, "?chapter=mitpro&format=&topic=").split(MEETINGS)[1]
        assert "Hyper-V night" not in meetings and "Soirée scripts" in meetings


def test_home_marks_a_full_meeting_with_the_waitlist_badge(client, network):
    full = MeetingFactory(chapter=network["toronto"], title="Packed night", capacity=1)
    RSVPFactory(meeting=full)
    html = home(client)
    item = html.split("Packed night", 1)[1].split("</li>", 1)[0]
    assert "Full · join the waitlist" in item


def test_home_for_a_member_shows_their_chapters_and_next_rsvps_on_top(client, verified_member, network):
    MembershipFactory(member=verified_member, chapter=network["mitpro"])
    RSVPFactory(meeting=network["scripting"], member=verified_member, status=RSVP.Status.GOING)
    client.force_login(verified_member)
    html = home(client)
    mine = html.split('id="home-mine"', 1)[1].split("</section>", 1)[0]
    assert "MITPro" in mine and "IT Pro Toronto" not in mine
    assert "Soirée scripts" in mine and "you are going" in mine
    assert html.index('id="home-mine"') < html.index('id="home-chapters"')


def test_home_in_french_shows_the_french_title(client, network):
    MeetingFactory(
        chapter=network["mitpro"],
        title="Security night",
        title_fr="Soirée sécurité",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    assert "Soirée sécurité" in home(client, "fr/")
    assert "Security night" in home(client)
