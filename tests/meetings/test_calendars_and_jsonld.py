import datetime
import json
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.models import Meeting
from tests.factories import AgendaItemFactory, ChapterFactory, MeetingFactory, RSVPFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2030, 1, 15, 23, 0, tzinfo=datetime.UTC)


def ics_url(meeting):
    return reverse("meetings:ics", kwargs={"slug": meeting.chapter.slug, "pk": meeting.pk})


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_meeting_ics_parses_with_local_times_and_stable_uid(client, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(
        starts_at=START, ends_at=START + datetime.timedelta(hours=3), title="SQL Server night"
    )
    (event,) = events(client.get(ics_url(meeting)))
    assert "SQL Server night" in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == START
    assert str(event.decoded("DTSTART").tzinfo) == "America/Toronto"
    assert event.decoded("DTSTART").hour == 18
    uid = str(event["UID"])

    # An organizer edit (through the admin's service) raises SEQUENCE; the UID stays.
    meeting.starts_at, meeting.ends_at = (
        START + datetime.timedelta(hours=1),
        START + datetime.timedelta(hours=4),
    )
    meeting.sequence += 1
    with django_capture_on_commit_callbacks(execute=True):  # the edit is committed, as in the admin
        meeting.save()
    (moved,) = events(client.get(ics_url(meeting)))
    assert str(moved["UID"]) == uid
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART").hour == 19


def test_cancelled_meeting_ics_says_cancelled(client):
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED)
    (event,) = events(client.get(ics_url(meeting)))
    assert str(event["STATUS"]) == "CANCELLED"


def test_chapter_feed_holds_public_meetings_only(client):
    chapter = ChapterFactory(slug="itpro")
    kept = [MeetingFactory(chapter=chapter, title=f"Meeting {n}") for n in range(3)]
    MeetingFactory(chapter=chapter, title="Secret draft", status=Meeting.Status.DRAFT)
    MeetingFactory(title="Other chapter")
    found = events(client.get(reverse("chapters:calendar", args=["itpro"])))
    assert sorted(str(e["UID"]) for e in found) == sorted(f"meeting-{m.pk}@itprosig" for m in kept)
    assert client.get(reverse("chapters:calendar", args=["nope"])).status_code == 404


def test_draft_meeting_ics_is_404(client):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    assert client.get(ics_url(meeting)).status_code == 404


def test_google_calendar_link_on_meeting_page(client):
    meeting = MeetingFactory(starts_at=START, ends_at=START + datetime.timedelta(hours=3))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "20300115T230000Z%2F20300116T020000Z" in page


def _jsonld(client, meeting):
    page = client.get(meeting.get_absolute_url()).content.decode()
    (payload,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(payload)


def test_jsonld_event_for_in_person_meeting(client):
    meeting = MeetingFactory(
        starts_at=START, ends_at=START + datetime.timedelta(hours=3), capacity=30, title="Hyper-V </script>"
    )
    AgendaItemFactory(meeting=meeting, speaker="Sam Speaker")
    RSVPFactory(meeting=meeting)
    data = _jsonld(client, meeting)
    assert data["@type"] == "Event"
    assert data["name"] == "Hyper-V </script>"
    assert data["startDate"] == "2030-01-15T18:00:00-05:00"
    assert data["endDate"] == "2030-01-15T21:00:00-05:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["addressLocality"] == meeting.venue.city
    assert data["organizer"]["name"] == meeting.chapter.name
    assert data["performer"] == [{"@type": "Person", "name": "Sam Speaker"}]
    assert (data["maximumAttendeeCapacity"], data["remainingAttendeeCapacity"]) == (30, 29)
    assert data["offers"]["price"] == "0" and data["offers"]["availability"].endswith("InStock")


def test_jsonld_event_for_cancelled_online_meeting(client):
    meeting = MeetingFactory(
        status=Meeting.Status.CANCELLED,
        format=Meeting.Format.ONLINE,
        venue=None,
        online_url="https://x.example.org/r",
    )
    data = _jsonld(client, meeting)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"]["@type"] == "VirtualLocation"
    assert "x.example.org" not in json.dumps(data)


def test_jsonld_full_meeting_is_sold_out(client):
    meeting = MeetingFactory(capacity=1)
    RSVPFactory(meeting=meeting)
    data = _jsonld(client, meeting)
    assert data["remainingAttendeeCapacity"] == 0
    assert data["offers"]["availability"] == "https://schema.org/SoldOut"
