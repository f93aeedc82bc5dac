"""Newsletters: write, test, schedule, send in batches, resume after a crash.

A send writes one Delivery row per consenting subscriber, then fans out in batches of
MAIL_BATCH_SIZE, each batch over a few SMTP connections at once (MAIL_BATCH_CONNECTIONS, 3). A
worker claims a batch's rows before it sends them and marks rows sent, every MAIL_MARK_SENT_EVERY
messages, only once the server has accepted them, so a killed worker re-sends at most the messages
accepted since its last mark (with the same Message-ID); the sweeper re-queues rows whose batch was
lost.
"""

import datetime
import logging
import queue
import smtplib
import threading
import time
from email.utils import parseaddr
from itertools import batched

import markdown
import nh3
from django.conf import settings
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.models import Membership
from members.models_mail import Delivery, Newsletter, OutboxMessage

from . import bulk
from .outbox import outbox_queue, retry_delay
from .rendering import absolute_reverse, absolute_url, render_email, sender
from .smtp import build_message, describe, is_transient, message_id
from .tokens import unsubscribe_token, unsubscribe_url

logger = logging.getLogger(__name__)

TEMPLATE = "mail/newsletter"


class NewsletterError(Exception):
    """A newsletter action that is not allowed in the newsletter's state; the message says why."""


def subscribers(chapter):
    """Return the memberships that may receive the chapter's newsletter (CASL: consent on record)."""
    return Membership.objects.filter(
        chapter=chapter,
        newsletter_subscribed=True,
        newsletter_consent_at__isnull=False,
        member__is_active=True,
    )


def markdown_to_html(text):
    return nh3.clean(markdown.markdown(text, extensions=["extra", "sane_lists"]))


def consent_date(membership, language):
    """Return the day the member consented, as the footer shows it in their language."""
    if membership.newsletter_consent_at is None:
        return ""
    local = timezone.localtime(membership.newsletter_consent_at, membership.chapter.tzinfo)
    with translation.override(language):
        return date_format(local, "j F Y")


def render_newsletter_for(newsletter, *, language, unsubscribe, consent, body_html=None, test=False):
    """Return (rendered email, headers) of a newsletter in one language.

    `unsubscribe` and `consent` are the one recipient's link and consent day, or the placeholders
    the bulk sender swaps per recipient.
    """
    chapter = newsletter.chapter
    with translation.override(language):
        preferences = absolute_reverse("mail:preferences")
    rendered = render_email(
        TEMPLATE,
        {
            "newsletter": newsletter,
            "chapter": chapter,
            "body_html": body_html if body_html is not None else markdown_to_html(newsletter.body),
            "unsubscribe_url": unsubscribe,
            "consent_date": consent,
            "preferences_url": preferences,
            "is_test": test,
        },
        language=language,
        time_zone=chapter.time_zone,
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{chapter.name} <{chapter.slug}.newsletter.itprosig>",
        "Precedence": "bulk",
    }
    return rendered, headers


def render_newsletter(newsletter, membership, *, body_html=None, test=False):
    """Return (rendered email, headers) of a newsletter for one subscriber."""
    member = membership.member
    language = member.preferred_language
    with translation.override(language):
        unsubscribe = unsubscribe_url(member_id=member.pk, chapter_id=newsletter.chapter_id)
    return render_newsletter_for(
        newsletter,
        language=language,
        unsubscribe=unsubscribe,
        consent=consent_date(membership, language),
        body_html=body_html,
        test=test,
    )


def newsletter_send_test(*, newsletter, member):
    """Send the newsletter to one organizer, as a subscriber would see it, marked as a test."""
    membership = Membership.objects.filter(chapter=newsletter.chapter, member=member).first() or Membership(
        member=member, chapter=newsletter.chapter, joined_at=timezone.now()
    )
    rendered, headers = render_newsletter(newsletter, membership, test=True)
    with transaction.atomic():
        return outbox_queue(
            kind=OutboxMessage.Kind.NEWSLETTER_TEST,
            to_email=member.email,
            rendered=rendered,
            member=member,
            chapter=newsletter.chapter,
            headers=headers,
            from_email=sender(newsletter.chapter, bulk=True),
        )


def newsletter_schedule(*, newsletter, when):
    """Schedule a draft newsletter for `when`; the sweeper starts it then."""
    if when <= timezone.now():
        raise NewsletterError(_("Choose a time in the future."))
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not newsletter.is_editable:
            raise NewsletterError(_("This newsletter was already sent; it cannot be sent again."))
        newsletter.status = Newsletter.Status.SCHEDULED
        newsletter.scheduled_for = when
        newsletter.save(update_fields=["status", "scheduled_for", "updated_at"])
    return newsletter


def newsletter_send_now(*, newsletter):
    """Start sending: one Delivery per consenting subscriber, then the fan-out after commit.

    A newsletter is sent once: a second call finds it no longer a draft and refuses.
    """
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not newsletter.is_editable:
            raise NewsletterError(_("This newsletter was already sent; it cannot be sent again."))
        member_ids = list(subscribers(newsletter.chapter).values_list("member_id", flat=True))
        Delivery.objects.bulk_create(
            [Delivery(newsletter=newsletter, member_id=member_id) for member_id in member_ids],
            batch_size=2000,
            ignore_conflicts=True,
        )
        newsletter.status = Newsletter.Status.SENDING
        newsletter.send_started_at = timezone.now()
        newsletter.recipient_count = len(member_ids)
        newsletter.save(update_fields=["status", "send_started_at", "recipient_count", "updated_at"])
        pk = newsletter.pk
        transaction.on_commit(lambda: _enqueue_start(pk))
    return newsletter


def _enqueue_start(newsletter_pk):
    from members.tasks import start_newsletter

    try:
        start_newsletter.apply_async((newsletter_pk,), retry=False)
    except Exception:  # broker down: the sweeper queues the batches later
        logger.warning("Could not queue newsletter %s; the sweeper will.", newsletter_pk, exc_info=True)


def newsletter_dispatch(*, newsletter_pk, deliveries=None):
    """Queue batch tasks for the newsletter's pending deliveries not queued yet; return how many."""
    from members.tasks import send_newsletter_batch

    now = timezone.now()
    if deliveries is None:
        deliveries = Delivery.objects.filter(
            newsletter_id=newsletter_pk, status=Delivery.Status.PENDING, queued_at__isnull=True
        )
    pks = list(deliveries.order_by("pk").values_list("pk", flat=True))
    # One UPDATE for every batch rather than one each: the first batches start sending sooner.
    Delivery.objects.filter(pk__in=pks).update(queued_at=now)
    batches = 0
    for batch in batched(pks, settings.MAIL_BATCH_SIZE):
        try:
            send_newsletter_batch.apply_async((newsletter_pk, list(batch)), retry=False)
        except Exception:  # broker down: queued_at ages, the sweeper tries again
            logger.warning("Could not queue a batch of newsletter %s.", newsletter_pk, exc_info=True)
            # The batches after it were never handed over: leave them to the sweeper's next round.
            Delivery.objects.filter(pk__in=pks[(batches + 1) * settings.MAIL_BATCH_SIZE :]).update(
                queued_at=None
            )
            break
        batches += 1
    if not pks:
        _finish_if_done(newsletter_pk)
    return batches


def _claim_sql():
    quote = connection.ops.quote_name
    fields = {name: quote(Delivery._meta.get_field(name).column) for name in _CLAIM_FIELDS}
    table = quote(Delivery._meta.db_table)
    return (
        f"UPDATE {table} SET {fields['claimed_at']} = %s WHERE {fields['id']} IN ("  # noqa: S608 (names from the model)
        f"SELECT {fields['id']} FROM {table} WHERE {fields['newsletter']} = %s AND {fields['id']} = ANY(%s)"
        f" AND {fields['status']} = %s AND ({fields['claimed_at']} IS NULL OR {fields['claimed_at']} < %s)"
        f" ORDER BY {fields['id']} FOR UPDATE SKIP LOCKED)"
        f" RETURNING {fields['id']}, {fields['member']}, {fields['attempts']}"
    )


_CLAIM_FIELDS = ("id", "newsletter", "member", "status", "claimed_at", "attempts")


def _claim(newsletter_pk, delivery_pks):
    """Take the batch's rows that are still pending and not held by a live worker.

    Return them as Delivery objects (pk, member_id, attempts), in pk order. One statement: it
    locks the delivery rows only (an ORM select_for_update ordered through the newsletter locked
    the newsletter row too, so two workers claiming at the same instant skipped each other's
    batches), skips rows another transaction holds, and stamps the claim.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.MAIL_BATCH_LEASE_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(), [now, newsletter_pk, list(delivery_pks), Delivery.Status.PENDING.value, stale]
        )
        rows = sorted(cursor.fetchall())
    return [
        Delivery(
            pk=pk,
            newsletter_id=newsletter_pk,
            member_id=member_id,
            attempts=attempts,
            status=Delivery.Status.PENDING,
            claimed_at=now,
        )
        for pk, member_id, attempts in rows
    ]


def newsletter_send_batch(*, newsletter_pk, delivery_pks):
    """Send one batch (over a few connections); return seconds to wait before a retry, or None."""
    deliveries = _claim(newsletter_pk, delivery_pks)
    if not deliveries:
        _finish_if_done(newsletter_pk)
        return _retry_if_left_behind(delivery_pks)
    claimed = [delivery.pk for delivery in deliveries]
    newsletter = Newsletter.objects.select_related("chapter").get(pk=newsletter_pk)
    memberships = {
        m.member_id: m
        for m in Membership.objects.filter(
            chapter_id=newsletter.chapter_id, member_id__in=[d.member_id for d in deliveries]
        ).select_related("member")
    }
    sender_ = _BatchSender(newsletter)
    sent = _SentLedger(claimed)
    jobs = []
    for delivery in deliveries:
        membership = memberships.get(delivery.member_id)
        if membership is None or not membership.newsletter_subscribed:
            # Unsubscribed since the send started: CASL says stop now.
            _record(delivery, Delivery.Status.SKIPPED, error=_("Unsubscribed before delivery."))
            continue
        membership.chapter = newsletter.chapter
        jobs.append((delivery, membership))
    connection = mail.mailers.default
    lanes = min(connections_per_batch(), len(jobs) // _MIN_MESSAGES_PER_LANE)
    try:
        if isinstance(connection, SMTPBackend) and lanes > 1:
            unsent, error = _send_over_lanes(sender_, jobs, sent, lanes)
        else:
            unsent, error = _send_in_order(sender_, jobs, sent, connection)
    finally:
        sent.flush()
    # The server or the connection was in trouble: give back what was not sent, for a retry.
    retry_in = _release(unsent, error) if unsent else None
    _finish_if_done(newsletter_pk)
    if retry_in or len(claimed) == len(set(delivery_pks)):
        return retry_in  # every row was this worker's: none can have been left behind
    return _retry_if_left_behind(delivery_pks)


# Each batch sends over a few SMTP connections at once: a message waits for four replies
# (MAIL, RCPT, DATA, end of data), and a single connection leaves the server idle while the worker
# prepares the next message or waits to be scheduled. Postfix and hosted relays accept far more
# concurrent connections than this; MAIL_BATCH_CONNECTIONS = 1 sends one message after another.
_MIN_MESSAGES_PER_LANE = 10


def connections_per_batch():
    """Return how many SMTP connections a batch sends over at once."""
    return max(1, settings.MAIL_BATCH_CONNECTIONS)


def _send_in_order(sender_, jobs, sent, connection):
    """Send jobs [(delivery, membership)] one after another over `connection`.

    Return (deliveries not sent, error) after a passing failure; ([], "") when all were handled.
    """
    try:
        connection.open()
    except OSError as exc:  # the connection could not even be opened
        return [delivery for delivery, _membership in jobs], describe(exc)
    try:
        for position, (delivery, membership) in enumerate(jobs):
            try:
                sender_.send(connection, membership)
            except Exception as exc:  # recorded per recipient below
                if not is_transient(exc):
                    _record(delivery, Delivery.Status.FAILED, error=describe(exc))
                    continue
                return [d for d, _membership in jobs[position:]], describe(exc)
            sent.add(delivery)
        return [], ""
    finally:
        _close_quietly(connection)


_LANE_DONE = object()


def _send_over_lanes(sender_, jobs, sent, lanes):
    """Send jobs over `lanes` SMTP connections at once; return as `_send_in_order` does.

    This thread prepares each message and records every outcome (the database is used from this
    thread only); each lane thread opens its own connection and only hands messages over. A lane
    takes each message from one shared queue, so a message goes out at most once; after a passing
    failure every lane stops after its current message and what is left is given back.
    """
    work = queue.SimpleQueue()
    outcomes = queue.SimpleQueue()
    stop = threading.Event()

    def lane():
        connection = mail.mailers.default
        try:
            try:
                connection.open()
            except Exception as exc:
                stop.set()
                outcomes.put((None, exc))
                return
            while not stop.is_set():
                item = work.get()
                if item is None:
                    break
                position, payload = item
                try:
                    sender_.deliver(connection, payload)
                except Exception as exc:
                    if is_transient(exc):
                        stop.set()
                    outcomes.put((position, exc))
                    continue
                outcomes.put((position, None))
            _close_quietly(connection)
        finally:
            outcomes.put(_LANE_DONE)

    threads = [threading.Thread(target=lane, daemon=True) for _ in range(lanes)]
    for thread in threads:
        thread.start()
    handled = set()
    error = ""

    def record(outcome):
        nonlocal error
        position, exc = outcome
        if exc is None:
            handled.add(position)
            sent.add(jobs[position][0])
        elif position is not None and not is_transient(exc):
            handled.add(position)
            _record(jobs[position][0], Delivery.Status.FAILED, error=describe(exc))
        elif not error:
            error = describe(exc)

    running = lanes
    try:
        for position, (_delivery, membership) in enumerate(jobs):
            if stop.is_set():
                break
            try:
                payload = sender_.prepare(membership, stamped=True)
            except Exception as exc:  # this one message cannot be built: fail it, send the rest
                handled.add(position)
                _record(jobs[position][0], Delivery.Status.FAILED, error=describe(exc))
                continue
            work.put((position, payload))
            while True:  # record what the lanes finished meanwhile, without waiting
                try:
                    outcome = outcomes.get_nowait()
                except queue.Empty:
                    break
                if outcome is _LANE_DONE:
                    running -= 1
                else:
                    record(outcome)
    finally:
        for _thread in threads:
            work.put(None)
        while running:
            outcome = outcomes.get()
            if outcome is _LANE_DONE:
                running -= 1
            else:
                record(outcome)
        for thread in threads:
            thread.join()
    unsent = [delivery for position, (delivery, _m) in enumerate(jobs) if position not in handled]
    return unsent, error or (_("Not sent: the batch stopped before this message.") if unsent else "")


def _close_quietly(connection):
    try:
        connection.close()
    except Exception:  # closing a broken connection: nothing left to save
        logger.debug("Closing the SMTP connection failed.", exc_info=True)


def _retry_if_left_behind(delivery_pks):
    """Return a retry delay if rows of this batch are pending and nobody holds them, else None.

    The claim skips rows another transaction has locked at that instant; without a retry those
    rows would wait for the sweeper.
    """
    left = Delivery.objects.filter(
        pk__in=delivery_pks, status=Delivery.Status.PENDING, claimed_at__isnull=True
    )
    return retry_delay(1) if left.exists() else None


# Markdown and the templates cost tens of milliseconds per language, and a worker sends many
# batches of the same newsletter: it keeps the last few renderings (with placeholders), keyed by
# everything they are made of, so an edited newsletter or chapter is rendered afresh.
_RENDERINGS = {}
_RENDERINGS_KEPT = 8


def _renderings(newsletter):
    """Return the kept {"body_html", language: (rendered, headers)} of a newsletter."""
    chapter = newsletter.chapter
    key = (
        newsletter.pk,
        newsletter.updated_at,
        newsletter.subject,
        newsletter.body,
        tuple(getattr(chapter, field.attname) for field in chapter._meta.concrete_fields),
    )
    if key not in _RENDERINGS:
        if len(_RENDERINGS) >= _RENDERINGS_KEPT:
            _RENDERINGS.clear()
        _RENDERINGS[key] = {"body_html": markdown_to_html(newsletter.body)}
    return _RENDERINGS[key]


class _BatchSender:
    """Send one newsletter to members, each language rendered once per batch.

    Over Django's SMTP backend the messages are stamped from a per-language template (bulk.py);
    with any other backend (files, console, tests) each is built as a Django email.
    """

    def __init__(self, newsletter):
        self.newsletter = newsletter
        self.renderings = _renderings(newsletter)
        self.body_html = self.renderings["body_html"]
        self.from_email = sender(newsletter.chapter, bulk=True)
        self.envelope_from = parseaddr(self.from_email)[1]
        self.templates = {}
        self.unsubscribe_parts = {}
        self.consent_dates = {}

    def unsubscribe(self, member, language):
        """Return the member's unsubscribe URL: the URL is reversed once per language, not per member.

        Tokens are URL-safe (base64 and ':'), so reversing with the token or putting it in place of
        a letters-only placeholder gives the same URL.
        """
        chapter_id = self.newsletter.chapter_id
        if language not in self.unsubscribe_parts:
            with translation.override(language):
                path = reverse("mail:unsubscribe", kwargs={"token": bulk.SLOT_SIGNED})
            parts = absolute_url(path).split(bulk.SLOT_SIGNED)
            self.unsubscribe_parts[language] = parts if len(parts) == 2 else None
        parts = self.unsubscribe_parts[language]
        if parts is None:
            with translation.override(language):
                return unsubscribe_url(member_id=member.pk, chapter_id=chapter_id)
        return f"{parts[0]}{unsubscribe_token(member_id=member.pk, chapter_id=chapter_id)}{parts[1]}"

    def consent(self, membership, language):
        """Return the consent day as the footer shows it, formatted once per day and language."""
        if membership.newsletter_consent_at is None:
            return ""
        day = timezone.localtime(membership.newsletter_consent_at, self.newsletter.chapter.tzinfo).date()
        key = (day, language)
        if key not in self.consent_dates:
            with translation.override(language):
                self.consent_dates[key] = date_format(day, "j F Y")
        return self.consent_dates[key]

    def _template(self, language):
        if language not in self.templates:
            if language not in self.renderings:
                self.renderings[language] = render_newsletter_for(
                    self.newsletter,
                    language=language,
                    unsubscribe=bulk.SLOT_UNSUBSCRIBE,
                    consent=bulk.SLOT_CONSENT,
                    body_html=self.body_html,
                )
            rendered, headers = self.renderings[language]
            # Built per batch from the kept rendering: a fresh Date header and boundary.
            self.templates[language] = bulk.BulkTemplate(
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                from_email=self.from_email,
                headers=headers,
                reply_to=self.newsletter.chapter.contact_email,
            )
        return self.templates[language]

    def prepare(self, membership, *, stamped):
        """Return what `deliver` sends to the member: wire bytes when `stamped` and possible,
        else a Django email."""
        member = membership.member
        language = member.preferred_language
        msgid = message_id("itprosig.newsletter", self.newsletter.pk, member.pk)
        if stamped:
            wire = self._template(language).stamp(
                to=member.email,
                message_id=msgid,
                unsubscribe=self.unsubscribe(member, language),
                consent=self.consent(membership, language),
            )
            if wire is not None:
                return (member.email, wire)
        rendered, headers = render_newsletter(self.newsletter, membership, body_html=self.body_html)
        headers["Message-ID"] = msgid
        return build_message(
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            from_email=self.from_email,
            to=member.email,
            headers=headers,
            reply_to=self.newsletter.chapter.contact_email,
        )

    def deliver(self, connection, payload):
        """Hand one prepared message to an open connection; raise what the server answered."""
        if isinstance(payload, tuple):
            to, wire = payload
            connection.connection.sendmail(self.envelope_from, [to], wire)
        else:
            connection.send_messages([payload])

    def send(self, connection, membership):
        stamped = isinstance(getattr(connection, "connection", None), smtplib.SMTP)
        self.deliver(connection, self.prepare(membership, stamped=stamped))


class _SentLedger:
    """Mark deliveries sent a few at a time: one UPDATE per MAIL_MARK_SENT_EVERY messages.

    A worker killed between two marks repeats at most that many messages (their Message-ID is
    the same, so receivers may drop the copies); a mark per message would cost a database round
    trip for every email.

    The claim on the rest of the batch is renewed as the worker sends, but only once it is a
    quarter of the lease old: a batch sent within seconds needs no renewal, and one on a slow
    server renews it long before the sweeper would call it stale.
    """

    def __init__(self, claimed):
        self.claimed = claimed
        self.pending = []
        self.every = settings.MAIL_MARK_SENT_EVERY
        self.renew_after = settings.MAIL_BATCH_LEASE_SECONDS / 4
        self.claimed_at = time.monotonic()

    def add(self, delivery):
        self.pending.append(delivery.pk)
        if len(self.pending) >= self.every:
            self.flush()

    def flush(self):
        if self.pending:
            now = timezone.now()
            Delivery.objects.filter(pk__in=self.pending).update(
                status=Delivery.Status.SENT, sent_at=now, last_error="", attempts=F("attempts") + 1
            )
            self.pending = []
        if time.monotonic() - self.claimed_at >= self.renew_after:
            self.renew()

    def renew(self):
        """Renew the claim on the rest of the batch: this worker is alive and still sending."""
        self.claimed_at = time.monotonic()
        Delivery.objects.filter(pk__in=self.claimed, status=Delivery.Status.PENDING).update(
            claimed_at=timezone.now()
        )


def _record(delivery, status, *, error=""):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        sent_at=timezone.now() if status == Delivery.Status.SENT else None,
        last_error=error,
        attempts=delivery.attempts + 1,
    )


def _release(deliveries, error):
    """Give rows back for a retry, or fail those out of attempts; return the retry delay."""
    attempts = max(d.attempts for d in deliveries) + 1
    pks = [d.pk for d in deliveries]
    if attempts >= settings.MAIL_MAX_ATTEMPTS:
        Delivery.objects.filter(pk__in=pks).update(
            status=Delivery.Status.FAILED, last_error=error, attempts=attempts
        )
        return None
    Delivery.objects.filter(pk__in=pks).update(
        claimed_at=None, queued_at=timezone.now(), last_error=error, attempts=attempts
    )
    return retry_delay(attempts)


def _finish_if_done(newsletter_pk):
    """Mark a sending newsletter sent once no delivery is pending."""
    pending = Delivery.objects.filter(newsletter_id=newsletter_pk, status=Delivery.Status.PENDING)
    Newsletter.objects.filter(pk=newsletter_pk, status=Newsletter.Status.SENDING).filter(
        ~Exists(pending)
    ).update(status=Newsletter.Status.SENT, sent_at=timezone.now())


def newsletter_requeue_stalled(*, now=None):
    """Queue again the pending deliveries whose batch was lost; return how many batches.

    A batch is lost when its worker died (its claim, renewed as it sends, went stale) or when its
    task never reached a worker (queued long ago and never claimed: a broker that lost it).
    """
    now = now or timezone.now()
    stale_claim = now - datetime.timedelta(seconds=settings.MAIL_BATCH_LEASE_SECONDS)
    stale_queue = now - datetime.timedelta(seconds=settings.MAIL_BATCH_QUEUE_TIMEOUT_SECONDS)
    batches = 0
    for newsletter_pk in Newsletter.objects.filter(status=Newsletter.Status.SENDING).values_list(
        "pk", flat=True
    ):
        lost = Delivery.objects.filter(newsletter_id=newsletter_pk, status=Delivery.Status.PENDING).filter(
            Q(claimed_at__lt=stale_claim)
            | Q(claimed_at__isnull=True, queued_at__isnull=True)
            | Q(claimed_at__isnull=True, queued_at__lt=stale_queue)
        )
        batches += newsletter_dispatch(newsletter_pk=newsletter_pk, deliveries=lost)
    return batches


def newsletter_start_due(*, now=None):
    """Start the scheduled newsletters whose time has come; return how many."""
    now = now or timezone.now()
    started = 0
    for newsletter in Newsletter.objects.filter(status=Newsletter.Status.SCHEDULED, scheduled_for__lte=now):
        try:
            newsletter_send_now(newsletter=newsletter)
        except NewsletterError:
            continue
        started += 1
    return started


def newsletter_progress(newsletter):
    """Return {"total", "sent", "failed", "skipped", "pending"} for the admin's progress display."""
    counts = Delivery.objects.filter(newsletter=newsletter).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        skipped=Count("pk", filter=Q(status=Delivery.Status.SKIPPED)),
        pending=Count("pk", filter=Q(status=Delivery.Status.PENDING)),
    )
    return counts
