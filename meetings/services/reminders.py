"""Reminders: members going to a meeting hear about it once, about a day before it starts; members
who opted in to announcements and have not answered are asked once, some days before."""

import datetime
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
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
    rsvps = (
        RSVP.objects.filter(
            starting_soon("meeting", now),
            status=RSVP.Status.GOING,
            created_at__lte=now - _FRESH_RSVP,
            member__is_active=True,
            member__meeting_reminders=True,
        )
        .select_related("member", "meeting")
        .order_by("meeting_id", "pk")
    )
    key = reminder_dedupe_key_expression(meeting_id=OuterRef("meeting_id"), member_id=OuterRef("member_id"))
    return queue_unsent(rsvps, key, notifications.notify_meeting_reminder)


def starting_soon(meeting_path, now):
    """Select rows whose meeting (at `meeting_path`) is scheduled and starts within the reminder window."""
    return Q(
        **{
            f"{meeting_path}__status": Meeting.Status.SCHEDULED,
            f"{meeting_path}__starts_at__gt": now,
            f"{meeting_path}__starts_at__lte": now + datetime.timedelta(hours=settings.REMINDER_HOURS_BEFORE),
        }
    )


def meeting_unanswered_reminders_send(*, now=None):
    """Ask members who opted in to announcements and have not answered a coming meeting, once.

    Sent UNANSWERED_REMINDER_DAYS_BEFORE days before the meeting starts (0 turns it off), only for
    announced meetings; anyone who answered (going, waitlisted or not going) is left alone, and
    the outbox's dedupe key keeps it to one per member and meeting. Return how many were queued.
    """
    days = settings.UNANSWERED_REMINDER_DAYS_BEFORE
    if not days:
        return 0
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        announced_at__isnull=False,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(days=days),
    ).select_related("chapter")
    queued = 0
    for meeting in meetings:
        answered = RSVP.objects.filter(meeting=meeting, member_id=OuterRef("pk"))
        members = (
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__chapter_id=meeting.chapter_id,
                memberships__announcements_subscribed=True,
            )
            .filter(~Exists(answered))
            .order_by("pk")
        )
        asked_key = Concat(Value(f"not_answered:{meeting.pk}:"), Cast(OuterRef("pk"), CharField()))
        queued += queue_unsent(
            members, asked_key, functools.partial(notifications.notify_not_answered, meeting)
        )
    return queued


def queue_unsent(rows, dedupe_key, notify):
    """Call `notify` on each row whose email is not in the outbox yet, each in its own transaction.

    `dedupe_key` is the email's key as an expression over the row. Rows sent already are skipped in
    SQL, rather than left for the outbox's dedupe key to refuse each sweep. Return how many were queued.
    """
    queued = 0
    for row in rows.filter(~Exists(OutboxMessage.objects.filter(dedupe_key=dedupe_key))):
        with transaction.atomic():
            queued += bool(notify(row))
    return queued
