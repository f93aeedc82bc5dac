"""Celery tasks for the community program: thin wrappers around services."""

from celery import shared_task

from .services import feedback_requests_send, volunteer_reminders_send


@shared_task(ignore_result=True)
def send_community_mail():
    """Queue what is due: volunteers' reminders before meetings, feedback requests after them."""
    return {"reminders": volunteer_reminders_send(), "feedback_requests": feedback_requests_send()}
