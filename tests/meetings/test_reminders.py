"""Reminders: once per member and meeting, about a day before, only to those going."""

import datetime

import pytest
from django.utils import timezone

from meetings.models import RSVP, Meeting
from meetings.services.reminders import meeting_reminders_send
from meetings.tasks import send_meeting_reminders
from members.mail.models import OutboxMessage
from tests.factories import MeetingFactory, MemberFactory, RSVPFactory
from tests.support.mail import body, parts

pytestmark = pytest.mark.django_db


def meeting_in(hours, **kwargs):
    starts = (timezone.now() + datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)
    return MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **kwargs)


def going(meeting, email, *, days_ago=7, **kwargs):
    return RSVPFactory(
        meeting=meeting,
        member=MemberFactory(email=email),
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def test_reminder_goes_once_to_members_going_to_meetings_within_a_day(
    sent, django_capture_on_commit_callbacks
):
    tomorrow = meeting_in(20, title="Exchange deep dive")
    going(tomorrow, "going@example.org")
    going(tomorrow, "waiting@example.org", status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    going(tomorrow, "not@example.org", status=RSVP.Status.NOT_GOING)
    going(tomorrow, "fresh@example.org", days_ago=0)  # just confirmed: no reminder on top
    going(meeting_in(40), "later@example.org")
    going(meeting_in(20, status=Meeting.Status.CANCELLED), "cancelled@example.org")
    going(meeting_in(-1), "started@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        assert send_meeting_reminders.apply().get() == 1
        assert meeting_reminders_send() == 0  # beat runs again: nothing twice
    (message,) = sent()
    assert message["To"] == "going@example.org"
    assert message["Subject"].startswith("Reminder: Exchange deep dive")
    assert "starts in about a day" in body(message)
    assert parts(message, "image/png"), "the check-in QR code"
    assert OutboxMessage.objects.get().dedupe_key == f"reminder:{tomorrow.pk}:{message_member_id()}"


def message_member_id():
    return OutboxMessage.objects.get().member_id


def test_reminder_in_french_with_chapter_time(sent, django_capture_on_commit_callbacks):
    meeting = meeting_in(20)
    rsvp = going(meeting, "fr@example.org")
    rsvp.member.preferred_language = "fr"
    rsvp.member.save()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reminders_send()
    (message,) = sent()
    local = timezone.localtime(meeting.starts_at, meeting.chapter.tzinfo)
    assert message["Subject"].startswith("Rappel")
    assert f"{local:%H:%M}" in message["Subject"]
