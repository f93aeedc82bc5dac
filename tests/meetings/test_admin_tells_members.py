"""What members receive when an organizer changes or cancels a meeting in the admin (real outbox)."""

import datetime

import icalendar
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from meetings.models import RSVP
from members.mail.models import OutboxMessage
from tests.factories import RSVPFactory
from tests.support.html_forms import read_form
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


def _version(client, meeting):
    """Return the version the change page hands out, as a browser would post it back."""
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    return read_form(page, "meeting_form")["edit_version"]


def _form(meeting, **changes):
    local = meeting.local_starts_at
    data = {
        "title": meeting.title,
        "status": meeting.status,
        "description": meeting.description,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "ends_at_0": meeting.local_ends_at.strftime("%Y-%m-%d"),
        "ends_at_1": meeting.local_ends_at.strftime("%H:%M:%S"),
        "format": meeting.format,
        "venue": meeting.venue_id,
        "online_url": "",
        "capacity": meeting.capacity,
        "guest_count": 0,
        "agenda_items-TOTAL_FORMS": "0",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.fixture
def meeting(world, client):
    meeting = world["objects"]["meetings.meeting"]
    # As typed in a form: whole minutes.
    meeting.starts_at = meeting.starts_at.replace(second=0, microsecond=0)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=3)
    meeting.save()
    RSVPFactory(meeting=meeting, status=RSVP.Status.NOT_GOING)
    assert client.login(email="organizer@example.org", password=PASSWORD)
    return meeting


def _calendar(message):
    return icalendar.Calendar.from_ical(message.calendar)


def test_admin_new_time_sends_each_member_going_an_update(
    client, meeting, django_capture_on_commit_callbacks
):
    going = list(meeting.rsvps.filter(status=RSVP.Status.GOING).values_list("member__email", flat=True))
    new_start = meeting.local_starts_at + datetime.timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:meetings_meeting_change", args=[meeting.pk]),
            _form(
                meeting,
                # The date too: half an hour later may be the next day when the suite runs near midnight.
                starts_at_0=new_start.strftime("%Y-%m-%d"),
                starts_at_1=new_start.strftime("%H:%M:%S"),
                edit_version=_version(client, meeting),
            ),
        )
    assert response.status_code == 302
    sent = OutboxMessage.objects.filter(kind="meeting_changed")
    assert sorted(sent.values_list("to_email", flat=True)) == sorted(going)
    event = _calendar(sent.get()).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == new_start


def test_admin_saving_without_changes_sends_nothing(client, meeting):
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        _form(meeting, edit_version=_version(client, meeting)),
    )
    assert response.status_code == 302
    about_meeting = ["meeting_changed", "meeting_cancelled"]
    assert not OutboxMessage.objects.filter(kind__in=about_meeting).exists()
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_admin_cancel_action_sends_calendar_cancellations(
    client, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "cancel_meetings", ACTION_CHECKBOX_NAME: [meeting.pk], "confirmed": "yes"},
        )
    assert response.status_code == 302
    sent = OutboxMessage.objects.get(kind="meeting_cancelled")
    assert sent.to_email == "member@example.org"
    calendar = _calendar(sent)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
