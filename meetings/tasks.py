"""Celery tasks for meetings: thin wrappers around services."""

from celery import shared_task

from meetings.services.reminders import meeting_reminders_send, meeting_unanswered_reminders_send


@shared_task(ignore_result=True, name="meetings.tasks.send_meeting_reminders")
def send_meeting_reminders():
    """Queue the reminders that are due (beat runs this every few minutes)."""
    return meeting_reminders_send() + meeting_unanswered_reminders_send()
