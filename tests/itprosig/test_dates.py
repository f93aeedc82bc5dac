"""Dates and zones as each language writes them: « 1er septembre », « HAA », « heure de l’Atlantique »."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from chapters.models import ChapterRole
from meetings.checkin.services import _door_closed_message
from meetings.services import rsvp_going
from members.newsletters.sending import consent_date
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
)
from tests.support.mail import body

pytestmark = pytest.mark.django_db

MONCTON = zoneinfo.ZoneInfo("America/Moncton")
TORONTO = zoneinfo.ZoneInfo("America/Toronto")


@pytest.fixture
def moncton_meeting():
    """A meeting of the Moncton chapter (Atlantic time) on the first of September, daylight saving time."""
    chapter = ChapterFactory(
        name="IT Pro Moncton", slug="it-pro-moncton", city="Moncton", time_zone="America/Moncton"
    )
    starts = datetime.datetime(2031, 9, 1, 18, 0, tzinfo=MONCTON)
    return MeetingFactory(
        chapter=chapter, title="Azure Arc", starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )


def _render(source, language, **context):
    with translation.override(language):
        return Template(source).render(Context(context))


def test_meeting_page_in_french_writes_1er_and_the_atlantic_zone(client, moncton_meeting):
    page = client.get(f"/fr{moncton_meeting.get_absolute_url()}").content.decode()
    assert "lundi 1er septembre 2031" in page
    assert 'title="heure de l’Atlantique">HAA</abbr>' in page
    assert "1 septembre" not in page and "ADT" not in page


def test_meeting_page_in_english_keeps_english_dates_and_zones(client, moncton_meeting):
    page = client.get(moncton_meeting.get_absolute_url()).content.decode()
    assert "Monday, September 1, 2031" in page
    assert 'title="Atlantic Time">ADT</abbr>' in page
    assert "1er" not in page


def test_chapter_page_names_the_chapters_zone(client, moncton_meeting):
    chapter = moncton_meeting.chapter
    assert "Times are in Atlantic Time." in client.get(chapter.get_absolute_url()).content.decode()
    french = client.get(f"/fr{chapter.get_absolute_url()}").content.decode()
    assert "Heures indiquées en heure de l’Atlantique." in french


def test_rsvp_email_in_french_has_french_date_and_chapter_zone(
    moncton_meeting, sent, django_capture_on_commit_callbacks
):
    member = MemberFactory(preferred_language="fr", time_zone="America/Vancouver")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_going(meeting=moncton_meeting, member=member)
    (message,) = sent()
    assert message["Subject"] == "Vous participez : Azure Arc, 1er sept. 2031"
    text = body(message)
    # The chapter's zone, not the member's: the meeting happens in Moncton.
    assert "lundi 1er septembre 2031, 18:00–20:00 HAA (heure de l’Atlantique)" in text


def test_rsvp_email_in_english_names_the_zone_in_english(
    moncton_meeting, sent, django_capture_on_commit_callbacks
):
    member = MemberFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_going(meeting=moncton_meeting, member=member)
    (message,) = sent()
    assert "Monday 1 September 2031, 6 p.m.–8 p.m. ADT (Atlantic Time)" in body(message)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime.datetime(2031, 1, 1, 19, 0, tzinfo=TORONTO), "1er janvier 2031 19:00 HNE"),
        (datetime.datetime(2031, 7, 1, 19, 0, tzinfo=TORONTO), "1er juillet 2031 19:00 HAE"),
        (datetime.datetime(2031, 7, 2, 19, 0, tzinfo=TORONTO), "2 juillet 2031 19:00 HAE"),
        (datetime.datetime(2031, 1, 11, 19, 0, tzinfo=MONCTON), "11 janvier 2031 19:00 HNA"),
    ],
)
def test_date_filter_in_french(moment, expected):
    rendered = _render(
        '{% load tz %}{{ moment|timezone:zone|date:"j F Y H:i T" }}', "fr", moment=moment, zone=moment.tzinfo
    )
    assert rendered == expected


def test_date_filter_keeps_escaped_letters_and_named_formats():
    moment = datetime.datetime(2031, 9, 1, 18, 0, tzinfo=MONCTON)
    assert _render(r'{{ d|date:"\j\T j" }}', "fr", d=moment.date()) == "jT 1er"
    assert _render('{{ d|date:"DATE_FORMAT" }}', "fr", d=moment.date()) == "1er septembre 2031"
    assert _render('{{ d|date:"DATE_FORMAT" }}', "en", d=moment.date()) == "Sept. 1, 2031"
    assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', "fr", d=moment.date()) == "01/09/2031"
    assert _render('{{ d|date:"j M Y" }}', "fr", d=moment.date()) == "1er sept. 2031"
    assert _render('{{ d|date:"j M Y" }}', "en", d=moment.date()) == "1 Sep 2031"


def test_zone_name_outside_north_america_is_the_zone_itself():
    assert _render("{{ zone|zone_name }}", "fr", zone="Europe/Paris") == "Europe/Paris"
    assert _render("{{ zone|zone_name }}", "fr", zone="America/Halifax") == "heure de l’Atlantique"
    assert _render("{{ zone|zone_name }}", "en", zone="America/Vancouver") == "Pacific Time"


def test_newsletter_footer_in_french_dates_the_consent_on_the_1er():
    chapter = ChapterFactory(time_zone="America/Moncton")
    consent = datetime.datetime(2031, 9, 1, 12, 0, tzinfo=MONCTON)
    membership = MembershipFactory(chapter=chapter, newsletter_subscribed=True, newsletter_consent_at=consent)
    assert consent_date(membership, "fr") == "1er septembre 2031"
    assert consent_date(membership, "en") == "1 September 2031"


def test_rsvp_email_text_in_french_puts_a_space_before_each_colon(
    moncton_meeting, sent, django_capture_on_commit_callbacks
):
    AgendaItemFactory(meeting=moncton_meeting, title="Arc-enabled servers")
    member = MemberFactory(preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_going(meeting=moncton_meeting, member=member)
    (message,) = sent()
    text = body(message)
    assert "Programme\u00a0:" in text and "Page de la rencontre\u00a0: http" in text


def test_admin_meeting_list_in_french_shows_the_french_zone_abbreviation(client, moncton_meeting):
    organizer = ChapterRoleFactory(chapter=moncton_meeting.chapter, role=ChapterRole.Role.ORGANIZER).user
    client.force_login(organizer)
    page = client.get("/fr/admin/meetings/meeting/").content.decode()
    assert "2031-09-01 18:00 HAA" in page
    assert "2031-09-01 18:00 ADT" in client.get("/admin/meetings/meeting/").content.decode()


def test_door_closed_message_in_french_dates_the_1er():
    chapter = ChapterFactory(time_zone="America/Toronto")
    starts = datetime.datetime(2031, 8, 31, 18, 0, tzinfo=TORONTO)
    meeting = MeetingFactory(chapter=chapter, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    with translation.override("fr"):
        message = str(_door_closed_message(meeting))
    assert "1er septembre 2031" in message
