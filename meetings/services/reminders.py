"""Reminders: members going to a meeting hear about it once, about a day before it starts."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from meetings import notifications
from meetings.models import RSVP, Meeting
from meetings.reminder_key import reminder_dedupe_key_expression
from members.mail.models import OutboxMessage

# Someone who RSVPs this close to the meeting just got a confirmation; a reminder would repeat it.
_FRESH_RSVP = datetime.timedelta(hours=2)


def meeting_reminders_send(*, now=None):
    """Queue a reminder for every member going to a meeting that starts within the reminder window.

    Safe to run as often as beat likes: the outbox keeps one reminder per member and meeting.
    Return how many reminders were queued.
    """
    now = now or timezone.now()
    window_end = now + datetime.timedelta(hours=settings.REMINDER_HOURS_BEFORE)
    reminded = OutboxMessage.objects.filter(
        dedupe_key=reminder_dedupe_key_expression(
            meeting_id=OuterRef("meeting_id"), member_id=OuterRef("member_id")
        )
    )
    rsvps = (
        RSVP.objects.filter(
            status=RSVP.Status.GOING,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=window_end,
            created_at__lte=now - _FRESH_RSVP,
            member__is_active=True,
        )
        .filter(~Exists(reminded))
        .select_related("member", "meeting")
        .order_by("meeting_id", "pk")
    )
    queued = 0
    for rsvp in rsvps:
        with transaction.atomic():
            if notifications.notify_meeting_reminder(rsvp):
                queued += 1
    return queued
