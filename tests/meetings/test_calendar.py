"""The iCalendar builder: what a calendar client reads from a feed, a download or an invitation."""

import datetime
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import include, path
from django.utils import translation
from icalendar import Calendar

from meetings.calendar import build_calendar, event_uid, google_calendar_url
from tests.factories import AgendaItemFactory, MeetingFactory, MemberFactory

TORONTO = zoneinfo.ZoneInfo("America/Toronto")

# The calendar needs the meeting page's URL; the builder is tested on its own, with that one route.
urlpatterns = [
    path(
        "chapters/<slug:slug>/meetings/<int:pk>/",
        include(([path("", lambda request: None, name="detail")], "meetings")),
    )
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _meeting(**kwargs):
    starts = datetime.datetime(2026, 12, 8, 18, 0, tzinfo=TORONTO)
    meeting = MeetingFactory(
        title="PowerShell Snacks", starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **kwargs
    )
    AgendaItemFactory(meeting=meeting, title="Hyper-V replicas", speaker="Dana Example")
    return meeting


def _events(calendar):
    return list(Calendar.from_ical(calendar.to_ical()).walk("VEVENT"))


def test_build_calendar_keeps_local_time_with_its_time_zone():
    meeting = _meeting()
    parsed = Calendar.from_ical(build_calendar([meeting]).to_ical())
    (event,) = parsed.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "America/Toronto"
    assert event.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(
        2026, 12, 8, 23, 0, tzinfo=datetime.UTC
    )
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["America/Toronto"]
    assert "Hyper-V replicas (Dana Example)" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_event_uid_survives_edits_while_sequence_rises():
    meeting = _meeting()
    before = _events(build_calendar([meeting]))[0]
    meeting.starts_at += datetime.timedelta(days=7)
    meeting.ends_at += datetime.timedelta(days=7)
    meeting.sequence += 1
    meeting.save()
    after = _events(build_calendar([meeting]))[0]
    assert str(after["UID"]) == str(before["UID"]) == event_uid(meeting)
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


def test_invitation_names_organizer_and_attendee_and_shows_online_link_only_to_them():
    meeting = _meeting(format="hybrid", online_url="https://meet.example.org/itpro")
    member = MemberFactory(email="pat@example.org", display_name="Pat Example")
    invitation = Calendar.from_ical(build_calendar([meeting], method="REQUEST", attendee=member).to_ical())
    assert str(invitation["METHOD"]) == "REQUEST"
    (event,) = invitation.walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:pat@example.org"
    assert event["ORGANIZER"].params["CN"] == meeting.chapter.name
    assert "meet.example.org" in str(event["LOCATION"])
    (public,) = _events(build_calendar([meeting]))
    assert "meet.example.org" not in public.to_ical().decode()


def test_cancelled_meeting_is_marked_cancelled():
    meeting = _meeting(status="cancelled")
    (event,) = _events(build_calendar([meeting]))
    assert str(event["STATUS"]) == "CANCELLED"
    cancel = Calendar.from_ical(build_calendar([meeting], method="CANCEL").to_ical())
    assert str(cancel["METHOD"]) == "CANCEL"


def test_google_calendar_link_carries_utc_times_and_title():
    meeting = _meeting()
    query = parse_qs(urlsplit(google_calendar_url(meeting)).query)
    assert query["dates"] == ["20261208T230000Z/20261209T020000Z"]
    assert query["text"] == [f"{meeting.chapter.name}: PowerShell Snacks"]
    assert query["ctz"] == ["America/Toronto"]


MARKDOWN_DESCRIPTION = (
    "## Why come\n\n"
    "A **hands-on** evening on _replicas_ & backups.\n\n"
    "- bring a laptop\n"
    "- read [the notes](https://example.org/notes) first\n\n"
    "<em>Pizza</em> after the talks."
)


def _meeting_with_markdown_and_two_talks():
    meeting = _meeting(description=MARKDOWN_DESCRIPTION)
    AgendaItemFactory(
        meeting=meeting, title="Backups that restore", speaker="Sam Example", duration_minutes=30
    )
    return meeting


def test_ics_description_is_plain_text_without_markdown_or_html():
    meeting = _meeting_with_markdown_and_two_talks()
    (event,) = _events(build_calendar([meeting]))
    description = str(event["DESCRIPTION"])
    assert "A hands-on evening on replicas & backups." in description
    assert "- bring a laptop" in description
    assert "read the notes (https://example.org/notes) first" in description
    assert "Pizza after the talks." in description
    for markup in ("**", "_replicas_", "##", "](", "<", ">", "&amp;"):
        assert markup not in description


def test_ics_description_lists_the_agenda_with_clock_times():
    meeting = _meeting_with_markdown_and_two_talks()
    (event,) = _events(build_calendar([meeting]))
    description = str(event["DESCRIPTION"])
    # The first talk starts with the meeting (6 p.m. in Toronto), the second 45 minutes later.
    assert "6 p.m.  Hyper-V replicas (Dana Example), 45 min" in description
    assert "6:45 p.m.  Backups that restore (Sam Example), 30 min" in description


def test_ics_description_agenda_in_french_reads_french_clock_times():
    meeting = _meeting_with_markdown_and_two_talks()
    with translation.override("fr"):
        (event,) = _events(build_calendar([meeting]))
    description = str(event["DESCRIPTION"])
    assert "Programme" in description
    assert "18:45  Backups that restore (Sam Example), 30 min" in description


def test_google_calendar_link_carries_the_agenda_in_details():
    meeting = _meeting_with_markdown_and_two_talks()
    (details,) = parse_qs(urlsplit(google_calendar_url(meeting)).query)["details"]
    assert "6 p.m.  Hyper-V replicas (Dana Example), 45 min" in details
    assert "6:45 p.m.  Backups that restore (Sam Example), 30 min" in details
    assert details.endswith(meeting.get_absolute_url())


def test_google_calendar_link_stays_short_with_a_long_agenda():
    meeting = _meeting()
    for number in range(40):
        title = f"Lightning talk number {number} " + "x" * 80
        AgendaItemFactory(meeting=meeting, title=title, duration_minutes=5)
    url = google_calendar_url(meeting)
    (details,) = parse_qs(urlsplit(url).query)["details"]
    assert "Hyper-V replicas" in details
    assert "Lightning talk number 39" not in details
    assert details.endswith(meeting.get_absolute_url())
    assert len(url) < 4000


def test_invitation_description_is_in_the_attendees_language():
    meeting = _meeting_with_markdown_and_two_talks()
    member = MemberFactory(preferred_language="fr")
    invitation = Calendar.from_ical(build_calendar([meeting], method="REQUEST", attendee=member).to_ical())
    (event,) = invitation.walk("VEVENT")
    assert "Programme\n18:00  Hyper-V replicas (Dana Example), 45 min" in str(event["DESCRIPTION"])
