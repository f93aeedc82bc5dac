"""The one entry point for transactional email: record in the caller's transaction, send after commit.

`outbox_queue()` writes one message for one recipient as an OutboxMessage row inside the caller's
transaction; the send task is queued only once that transaction commits, so a worker never looks for
a row that is not there yet, and a rolled-back change sends nothing. If the broker is down at that
moment the row simply waits for the sweeper.

A message is either rendered at once (`template` and `context`, or `rendered`) or composed by the
worker just before it is sent (`compose`): a member's RSVP then costs one row insert instead of
templates, a calendar file and a QR code rendered while the meeting row is locked. Each app
registers its kinds and their composers (members.mail.kinds), so members lists none of them.
"""

import base64
import datetime
import logging
from dataclasses import dataclass, field
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from itprosig.queueing import task_named
from members.mail.models import OutboxMessage

from . import kinds
from .rendering import one_line, render_email, sender
from .smtp import build_message, describe, is_transient, message_id

logger = logging.getLogger(__name__)


@dataclass
class Composition:
    """What a composer returns: the templates and context to render, and what goes beside them."""

    template: str
    context: dict
    calendar: str = ""
    attachments: list = field(default_factory=list)  # (filename, bytes, mimetype)


def outbox_queue(
    *,
    kind,
    to_email,
    template=None,
    context=None,
    rendered=None,
    member=None,
    chapter=None,
    language=None,
    time_zone=None,
    headers=None,
    calendar="",
    calendar_method="",
    attachments=(),
    dedupe_key=None,
    from_email=None,
    reply_to=None,
    compose=None,
    bulk=False,
):
    """Record one email; queue its send for after the current transaction commits.

    `template` and `context` name what to render; `rendered` passes a message rendered already;
    `compose=(name, spec)` leaves the rendering to the composer registered under `name` (the kind,
    or a composer's own name), at send time. `spec` holds plain JSON values (primary keys, flags)
    and is kept on the row.

    With a `dedupe_key` already used, record nothing and return None: that email went out before.
    `bulk` sends it on the bulk queue (announcements), so it never delays a confirmation.
    """
    if language is None:
        language = member.preferred_language if member else settings.LANGUAGE_CODE
    if time_zone is None:
        time_zone = chapter.time_zone if chapter else (member.time_zone if member else settings.TIME_ZONE)
    composer = {}
    if compose is not None:
        name, spec = compose
        composer = {"name": name, "language": language, "time_zone": str(time_zone), "spec": spec}
    elif rendered is None:
        rendered = render_email(
            template,
            {"member": member, "chapter": chapter, **(context or {})},
            language=language,
            time_zone=time_zone,
        )
    row = OutboxMessage(
        kind=kind,
        member=member,
        chapter=chapter,
        dedupe_key=dedupe_key,
        from_email=from_email or sender(chapter),
        to_email=to_email,
        reply_to=reply_to if reply_to is not None else (chapter.contact_email if chapter else ""),
        headers=headers or {},
        calendar_method=calendar_method,
        composer=composer,
    )
    if rendered is not None:
        _fill(row, rendered, calendar=calendar, attachments=attachments)
    if dedupe_key:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            return None
    else:
        row.save()
    transaction.on_commit(lambda: enqueue(row.pk, queue=BULK_QUEUE if bulk else None))
    return row


def _fill(row, rendered, *, calendar, attachments):
    row.subject = one_line(rendered.subject)[:255]
    row.body_text = rendered.text
    row.body_html = rendered.html
    row.calendar = calendar
    row.attachments = [
        {"filename": filename, "mimetype": mimetype, "content": base64.b64encode(content).decode("ascii")}
        for filename, content, mimetype in attachments
    ]


COMPOSED_FIELDS = ["subject", "body_text", "body_html", "calendar", "attachments"]


def _compose(row):
    """Render a row queued with `compose`, in the recipient's language and time zone."""
    composer = row.composer
    composition = kinds.composer(composer["name"])(composer["spec"])
    rendered = render_email(
        composition.template,
        {"member": row.member, "chapter": row.chapter, **composition.context},
        language=composer["language"],
        time_zone=composer["time_zone"],
    )
    _fill(row, rendered, calendar=composition.calendar, attachments=composition.attachments)


# The Celery task that sends one row (members.tasks); queued by name, as the tasks import this module.
SEND_TASK = "members.tasks.send_outbox_message"


BULK_QUEUE = "bulk"


def enqueue(message_pk, queue=None):
    """Queue the send task (on `queue`, else its own); if the broker is down, leave it to the sweeper."""
    options = {"queue": queue} if queue else {}
    try:
        # No publish retries: an RSVP must not wait on a broker that is down.
        task_named(SEND_TASK).apply_async((message_pk,), retry=False, **options)
    except Exception:  # any broker or connection error: the row is safe in the database
        logger.warning("Could not queue email %s; the sweeper will send it.", message_pk, exc_info=True)


# Rows of a closed account that still have to go out (its withdrawals) carry this in `composer`:
# once sent, or failed for good, nothing personal stays on them.
REDACT_AFTER_SEND = "redact_after_send"
ERASED_ADDRESS = "erased@invalid.example.org"
# What a redacted row keeps: its kind, subject, chapter, state and dates; the error could quote
# the address.
_REDACTED = {
    "to_email": ERASED_ADDRESS,
    "body_text": "",
    "body_html": "",
    "headers": {},
    "calendar": "",
    "attachments": [],
    "composer": {},
    "last_error": "",
}


def outbox_compose_now(*, rows):
    """Render rows queued with a composer at once, from the data as it is now.

    For a member about to be erased: their withdrawals must greet them and name their address in
    the calendar cancellation, which a worker composing after the erasure could no longer do.
    """
    for row in rows:
        if row.composer and not row.body_text:
            _compose(row)
            row.save(update_fields=COMPOSED_FIELDS)


def outbox_forget_member(*, member, keep):
    """Remove a closing account's address, name and text from its email, keeping `keep` to send.

    Rows in `keep` (pending, rendered already) go out first and are redacted once sent; other
    pending rows are dropped; sent and failed rows keep only their kind, subject, state and dates.
    """
    keep_pks = [row.pk for row in keep]
    with transaction.atomic():
        mine = OutboxMessage.objects.filter(member=member)
        mine.filter(status=OutboxMessage.Status.PENDING).exclude(pk__in=keep_pks).delete()
        mine.filter(pk__in=keep_pks).update(composer={REDACT_AFTER_SEND: True})
        mine.exclude(status=OutboxMessage.Status.PENDING).update(**_REDACTED)


def _redact_if_asked(row):
    if row.composer.get(REDACT_AFTER_SEND):
        OutboxMessage.objects.filter(pk=row.pk).update(**_REDACTED)


class SendResult:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


def retry_delay(attempts):
    """Seconds to wait before attempt number `attempts + 1`: exponential, capped."""
    base = settings.MAIL_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.MAIL_RETRY_MAX_SECONDS)


def outbox_send(*, message_pk, connection=None):
    """Send one pending outbox row and record the outcome; return (result, retry_in_seconds).

    The row stays locked while it is handed to the SMTP server, so the sweeper or a redelivered
    task skips it rather than sending it a second time.
    """
    now = timezone.now()
    with transaction.atomic():
        row = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_pk, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if row is None:
            return SendResult.SKIPPED, None
        if row.composer and not row.body_text:
            try:
                _compose(row)
            except ObjectDoesNotExist:
                # The RSVP or meeting was deleted before the message went out: nothing left to say.
                row.status = OutboxMessage.Status.FAILED
                row.last_error = "What this message was about no longer exists."
                row.next_attempt_at = None
                row.save(update_fields=["status", "last_error", "next_attempt_at"])
                return SendResult.FAILED, None
            row.save(update_fields=COMPOSED_FIELDS)
        # Header text is made one line again here: rows queued before names were validated (or
        # by code that built a header from a name) would otherwise fail for good at every try.
        email = build_message(
            subject=one_line(row.subject),
            text=row.body_text,
            html=row.body_html,
            from_email=_sender_of(row),
            to=row.to_email,
            headers={
                "Message-ID": message_id("itprosig.outbox", row.pk),
                **{name: one_line(str(value)) for name, value in row.headers.items()},
            },
            reply_to=row.reply_to,
            calendar=row.calendar,
            calendar_method=row.calendar_method,
            attachments=row.attachments,
        )
        row.attempts += 1
        try:
            if connection is None:
                email.send()
            else:
                connection.send_messages([email])
        except Exception as exc:  # classified below: every failure is recorded on the row
            row.last_error = describe(exc)
            if is_transient(exc) and row.attempts < settings.MAIL_MAX_ATTEMPTS:
                delay = retry_delay(row.attempts)
                row.next_attempt_at = now + datetime.timedelta(seconds=delay)
                row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                return SendResult.RETRY, delay
            row.status = OutboxMessage.Status.FAILED
            row.next_attempt_at = None
            row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("Email %s (%s) failed for good: %s", row.pk, row.kind, row.last_error)
            _redact_if_asked(row)
            return SendResult.FAILED, None
        row.status = OutboxMessage.Status.SENT
        row.sent_at = timezone.now()
        row.next_attempt_at = None
        # An error from an earlier attempt no longer describes this message.
        row.last_error = ""
        row.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
        _redact_if_asked(row)
        return SendResult.SENT, None


def _sender_of(row):
    """Return the row's From on one line, or the chapter's own sender if it is not one address.

    A From written by older code from a chapter name could read "Bcc: x@evil.example <...>" once
    on one line: a group of strangers, which the chapter's sender replaces.
    """
    value = one_line(row.from_email)
    addresses = getaddresses([value])
    if len(addresses) == 1 and "@" in addresses[0][1] and ":" not in addresses[0][0]:
        return value
    return sender(row.chapter)


def outbox_retry_failed(*, queryset):
    """Queue again the failed messages among `queryset`; return how many.

    The last error stays on the row until the new attempt replaces it or the message is sent.
    """
    # A closed account's redacted rows have nowhere to go.
    chosen = (
        queryset.filter(status=OutboxMessage.Status.FAILED)
        .exclude(to_email=ERASED_ADDRESS)
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        # Lock by primary key: an admin's queryset may be DISTINCT, which FOR UPDATE refuses.
        pks = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=list(chosen), status=OutboxMessage.Status.FAILED)
            .values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=pks).update(
            status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=None
        )
        for pk in pks:
            transaction.on_commit(lambda pk=pk: enqueue(pk))
    return len(pks)


def outbox_due_pks(*, limit=500, now=None):
    """Return pending rows the send task should have handled by now (lost or due for a retry).

    Rows younger than the grace period are left to the on-commit task still on its way; rows
    being sent right now are locked, and skipped.
    """
    now = now or timezone.now()
    grace = datetime.timedelta(seconds=settings.MAIL_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        return list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxMessage.Status.PENDING, created_at__lte=now - grace)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
