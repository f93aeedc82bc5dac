"""Celery tasks for email: thin wrappers that take primary keys and call the mail services.

Services queue these by name (itprosig.queueing) and never import this module: the names are a
contract with queued messages, routes and beat, so each is spelled out.

Routing (settings.CELERY_TASK_ROUTES): `send_outbox_message` runs on the "mail" queue and every
newsletter task on "bulk", so a large newsletter never delays an RSVP confirmation.
"""

import logging

from celery import shared_task

from members.mail import outbox
from members.newsletters import sending as newsletters

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=True, name="members.tasks.send_outbox_message")
def send_outbox_message(self, message_pk):
    """Send one outbox row; retry with backoff on a passing SMTP failure."""
    result, retry_in = outbox.outbox_send(message_pk=message_pk)
    if result == outbox.SendResult.RETRY and not self.request.is_eager:
        # The row keeps its next_attempt_at, so the sweeper also catches it if this retry is lost.
        raise self.retry(countdown=retry_in, max_retries=None)
    return result


@shared_task(ignore_result=True, name="members.tasks.sweep_outbox")
def sweep_outbox():
    """Queue again every email and newsletter batch that should have gone out by now."""
    pks = outbox.outbox_due_pks()
    for pk in pks:
        outbox.enqueue(pk)
    batches = newsletters.newsletter_requeue_stalled()
    started = newsletters.newsletter_start_due()
    if pks or batches or started:
        logger.info(
            "Sweeper queued %s emails, %s newsletter batches, %s newsletters", len(pks), batches, started
        )
    return len(pks)


@shared_task(bind=True, acks_late=True, ignore_result=True, name="members.tasks.send_newsletter_batch")
def send_newsletter_batch(self, newsletter_pk, delivery_pks):
    """Send one batch of a newsletter over one SMTP connection."""
    retry_in = newsletters.newsletter_send_batch(newsletter_pk=newsletter_pk, delivery_pks=delivery_pks)
    if not retry_in:
        return
    if self.request.is_eager:
        # Embedded mode has no worker or sweeper to retry: show the send failed, for a resume.
        newsletters.newsletter_fail_instead_of_retrying(newsletter_pk=newsletter_pk)
        return
    raise self.retry(countdown=retry_in, max_retries=None)


@shared_task(ignore_result=True, name="members.tasks.start_newsletter")
def start_newsletter(newsletter_pk):
    """Fan a newsletter that is sending out into batches."""
    newsletters.newsletter_dispatch(newsletter_pk=newsletter_pk)
