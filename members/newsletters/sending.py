"""Newsletters: write, test, schedule, send in batches, resume after a crash or a failure.

A send writes one Delivery row per consenting subscriber, then fans out in batches of
MAIL_BATCH_SIZE, each over one SMTP connection. A worker claims a batch's rows before it sends them
and marks rows sent, every MAIL_MARK_SENT_EVERY messages, only once the server has accepted them,
so a killed worker re-sends at most the messages accepted since its last mark (with the same
Message-ID); the sweeper re-queues rows whose batch was lost. A send the mail server refuses for
good, or that breaks, stops as "failed" with its reason until an organizer resumes it.

Everything here is the ORM, so a send runs the same on PostgreSQL and on SQLite (`make run`).
"""

import datetime
import email.policy
import logging
import smtplib
import time
from email.utils import formataddr, parseaddr
from functools import partial
from itertools import batched

import markdown
import nh3
from django.conf import settings
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.db.models import Count, Exists, F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from itprosig.dates import format_date
from itprosig.queueing import task_named
from itprosig.validators import has_control_characters, single_line
from members.mail import kinds
from members.mail.outbox import outbox_queue, retry_delay
from members.mail.rendering import absolute_reverse, absolute_url, render_email, sender
from members.mail.smtp import OneLineHeadersEmail, build_message, describe, is_transient, message_id
from members.mail.tokens import unsubscribe_token, unsubscribe_url
from members.models import Membership
from members.newsletters.models import Delivery, Newsletter

logger = logging.getLogger(__name__)

TEMPLATE = "mail/newsletter"
# Letters only, so no template filter or HTML escaping changes them: a batch renders each language
# once with these in the text, then puts each recipient's values in their place.
SLOT_UNSUBSCRIBE = "ITPROSIGSLOTUNSUBSCRIBEX"
SLOT_CONSENT = "ITPROSIGSLOTCONSENTDATEX"
# Stands for the signed token while a batch reverses the unsubscribe URL once per language.
SLOT_TOKEN = "ITPROSIGSLOTTOKENX"  # noqa: S105 (a placeholder, not a secret)


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
        return format_date(local, "j F Y")


def render_newsletter_for(newsletter, *, language, unsubscribe, consent, body_html=None, test=False):
    """Return (rendered email, headers) of a newsletter in one language.

    `unsubscribe` and `consent` are the one recipient's link and consent day, or the slots a batch
    fills per recipient. Names and subjects saved before they were validated may hold line breaks:
    they go out on one line (the email package refuses a header that holds one).
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
        "List-Id": f"{single_line(chapter.name)} <{chapter.slug}.newsletter.itprosig>",
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


def bulk_sender(chapter):
    """Return the newsletter's From: the chapter's name, on one line, over the bulk address."""
    name, address = parseaddr(sender(chapter, bulk=True))
    return formataddr((single_line(chapter.name), address))


def reader_membership(newsletter, member):
    """Return the member's membership of the chapter, or an unsaved one, for a test or a preview."""
    membership = Membership.objects.filter(chapter=newsletter.chapter, member=member).first()
    return membership or Membership(member=member, chapter=newsletter.chapter)


def newsletter_send_test(*, newsletter, member):
    """Send the newsletter to one organizer, as a subscriber would see it, marked as a test."""
    rendered, headers = render_newsletter(newsletter, reader_membership(newsletter, member), test=True)
    with transaction.atomic():
        return outbox_queue(
            kind=kinds.NEWSLETTER_TEST,
            to_email=member.email,
            rendered=rendered,
            member=member,
            chapter=newsletter.chapter,
            headers=headers,
            from_email=bulk_sender(newsletter.chapter),
        )


def newsletter_schedule(*, newsletter, when):
    """Schedule a draft newsletter for `when`; the sweeper starts it then."""
    if when <= timezone.now():
        raise NewsletterError(_("Choose a time in the future."))
    with transaction.atomic():
        newsletter = _lock_draft(newsletter)
        newsletter.status = Newsletter.Status.SCHEDULED
        newsletter.scheduled_for = when
        newsletter.save(update_fields=["status", "scheduled_for", "updated_at"])
    return newsletter


def _lock_draft(newsletter):
    """Return the newsletter locked until the transaction ends; refuse one no longer a draft."""
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not newsletter.is_editable:
        raise NewsletterError(_("This newsletter was already sent; it cannot be sent again."))
    return newsletter


def newsletter_send_now(*, newsletter):
    """Start sending: one Delivery per consenting subscriber, then the fan-out after commit.

    A newsletter is sent once: a second call finds it no longer a draft and refuses.
    """
    with transaction.atomic():
        newsletter = _lock_draft(newsletter)
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
        transaction.on_commit(partial(_enqueue_start, newsletter.pk))
    return newsletter


def newsletter_resume(*, newsletter):
    """Send a failed newsletter's deliveries that did not go out (failed ones again), after commit.

    Members who unsubscribed meanwhile are skipped when their batch runs, as in any send.
    """
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if newsletter.status != Newsletter.Status.FAILED:
            raise NewsletterError(_("Only a newsletter whose sending failed can be resumed."))
        Delivery.objects.filter(
            newsletter=newsletter, status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED]
        ).update(status=Delivery.Status.PENDING, claimed_at=None, queued_at=None, attempts=0, last_error="")
        newsletter.status = Newsletter.Status.SENDING
        newsletter.last_error = ""
        newsletter.save(update_fields=["status", "last_error", "updated_at"])
        transaction.on_commit(partial(_enqueue_start, newsletter.pk))
    return newsletter


def newsletter_fail(*, newsletter_pk, error):
    """Stop a sending newsletter as failed with its reason: the admin shows it and offers a resume."""
    Newsletter.objects.filter(pk=newsletter_pk, status=Newsletter.Status.SENDING).update(
        status=Newsletter.Status.FAILED, last_error=error[:2000]
    )


def newsletter_fail_instead_of_retrying(*, newsletter_pk):
    """Stop a send whose retry nobody would run (tasks run eagerly, no worker): failed, with why."""
    error = (
        Delivery.objects.filter(newsletter_id=newsletter_pk, status=Delivery.Status.PENDING)
        .exclude(last_error="")
        .values_list("last_error", flat=True)
        .first()
    )
    newsletter_fail(newsletter_pk=newsletter_pk, error=error or _("The mail server could not be reached."))


def _enqueue_start(newsletter_pk):
    try:
        task_named("members.tasks.start_newsletter").apply_async((newsletter_pk,), retry=False)
    except Exception:  # broker down: the sweeper queues the batches later
        logger.warning("Could not queue newsletter %s; the sweeper will.", newsletter_pk, exc_info=True)


def newsletter_dispatch(*, newsletter_pk, deliveries=None):
    """Queue batch tasks for the newsletter's pending deliveries not queued yet; return how many."""
    send_newsletter_batch = task_named("members.tasks.send_newsletter_batch")
    if deliveries is None:
        deliveries = Delivery.objects.filter(
            newsletter_id=newsletter_pk, status=Delivery.Status.PENDING, queued_at__isnull=True
        )
    pks = list(deliveries.order_by("pk").values_list("pk", flat=True))
    # One UPDATE for every batch rather than one each: the first batches start sending sooner.
    Delivery.objects.filter(pk__in=pks).update(queued_at=timezone.now())
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


def _claim(newsletter_pk, delivery_pks):
    """Take the batch's rows that are still pending and not held by a live worker.

    Return them as Delivery objects (pk, member_id, attempts), in pk order. On PostgreSQL rows
    another worker is claiming at this instant are skipped rather than waited for; SQLite runs one
    writer at a time and ignores the lock.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.MAIL_BATCH_LEASE_SECONDS)
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(newsletter_id=newsletter_pk, pk__in=delivery_pks, status=Delivery.Status.PENDING)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
            .order_by("pk")
            .values_list("pk", "member_id", "attempts")
        )
        Delivery.objects.filter(pk__in=[pk for pk, _member, _attempts in rows]).update(claimed_at=now)
    return [
        Delivery(pk=pk, newsletter_id=newsletter_pk, member_id=member_id, attempts=attempts, claimed_at=now)
        for pk, member_id, attempts in rows
    ]


def newsletter_send_batch(*, newsletter_pk, delivery_pks):
    """Send one batch over one connection; return seconds to wait before a retry, or None.

    A batch that breaks (a bug, a misconfigured mailer) gives its rows back and stops the
    newsletter as failed, rather than leaving it "sending" with nobody working on it.
    """
    if not Newsletter.objects.filter(pk=newsletter_pk, status=Newsletter.Status.SENDING).exists():
        return None  # failed (resumed later with new batches) or already finished
    deliveries = []
    try:
        deliveries = _claim(newsletter_pk, delivery_pks)
        if not deliveries:
            _finish_if_done(newsletter_pk)
            return _retry_if_left_behind(delivery_pks)
        retry_in = _send(newsletter_pk, deliveries)
    except Exception as exc:
        logger.exception("Newsletter %s: a batch failed.", newsletter_pk)
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status=Delivery.Status.PENDING).update(
            claimed_at=None
        )
        newsletter_fail(newsletter_pk=newsletter_pk, error=describe(exc))
        return None
    _finish_if_done(newsletter_pk)
    if retry_in or len(deliveries) == len(set(delivery_pks)):
        return retry_in  # every row was this worker's: none can have been left behind
    return _retry_if_left_behind(delivery_pks)


def _send(newsletter_pk, deliveries):
    """Send the claimed deliveries; return a retry delay after a passing failure, else None."""
    newsletter = Newsletter.objects.select_related("chapter").get(pk=newsletter_pk)
    memberships = {
        m.member_id: m
        for m in Membership.objects.filter(
            chapter_id=newsletter.chapter_id, member_id__in=[d.member_id for d in deliveries]
        ).select_related("member")
    }
    jobs = []
    for delivery in deliveries:
        membership = memberships.get(delivery.member_id)
        if membership is None or not membership.newsletter_subscribed:
            # Unsubscribed since the send started: CASL says stop now.
            _record(delivery, Delivery.Status.SKIPPED, error=_("Unsubscribed before delivery."))
            continue
        membership.chapter = newsletter.chapter
        jobs.append((delivery, membership))
    ledger = _SentLedger([d.pk for d in deliveries])
    try:
        unsent, error = _send_over_one_connection(_Composer(newsletter), jobs, ledger)
    finally:
        ledger.flush()
    if not unsent:
        return None
    if not is_transient(error):
        # The server refuses the whole send (the sender address, the login): no retry will help.
        Delivery.objects.filter(pk__in=[d.pk for d in unsent]).update(claimed_at=None)
        newsletter_fail(newsletter_pk=newsletter_pk, error=describe(error))
        return None
    return _release(unsent, describe(error))


def _send_over_one_connection(composer, jobs, ledger):
    """Send jobs [(delivery, membership)] in order; return (deliveries not sent, error) or ([], None).

    Over SMTP the batch shares one connection. Any other backend (files under `make run`, the
    console) gets one per message, so var/mail/ holds one file per email as it does for the outbox;
    the backends are kept until the batch ends, as the file backend names a file after its object.
    """
    connection = mail.mailers.default
    shared = isinstance(connection, SMTPBackend)
    opened = []
    try:
        if shared:
            connection.open()
        for position, (delivery, membership) in enumerate(jobs):
            if not shared:
                connection = mail.mailers.default
                opened.append(connection)
            try:
                wire = composer.wire(membership) if shared else None
                if wire is not None:
                    connection.connection.sendmail(composer.envelope_from, [wire[0]], wire[1])
                else:
                    connection.send_messages([composer.message(membership)])
            except Exception as exc:
                if is_transient(exc) or _refuses_everyone(exc):
                    return [d for d, _membership in jobs[position:]], exc
                _record(delivery, Delivery.Status.FAILED, error=describe(exc))
                continue
            ledger.add(delivery)
        return [], None
    except OSError as exc:  # the connection could not even be opened
        return [d for d, _membership in jobs], exc
    finally:
        for used in [connection] if shared else opened:
            _close_quietly(used)


def _refuses_everyone(exc):
    """Return whether a failure is the server's (sender, login, relay), not this one recipient's."""
    return isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError) or (
        isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code in (530, 535, 554)
    )


def _close_quietly(connection):
    try:
        connection.close()
    except Exception:  # closing a broken connection: nothing left to save
        logger.debug("Closing the mail connection failed.", exc_info=True)


def _retry_if_left_behind(delivery_pks):
    """Return a retry delay if rows of this batch are pending and nobody holds them, else None.

    The claim skips rows another transaction has locked at that instant; without a retry those
    rows would wait for the sweeper.
    """
    left = Delivery.objects.filter(
        pk__in=delivery_pks, status=Delivery.Status.PENDING, claimed_at__isnull=True
    )
    return retry_delay(1) if left.exists() else None


class _Composer:
    """Build one newsletter for each member, each language rendered once.

    Every message is a Django email (the standard library's email package underneath), which
    writes every header and refuses a value holding a line break. Over SMTP, building one per member
    costs far more than sending it, so the email package builds each language once, with slots for
    what differs per member (address, Message-ID, unsubscribe link, consent day: values of ours
    with no line break), and each member's copy is those bytes with the slots filled. A message
    whose values cannot go in safely is built on its own.
    """

    def __init__(self, newsletter):
        self.newsletter = newsletter
        self.body_html = markdown_to_html(newsletter.body)
        self.from_email = bulk_sender(newsletter.chapter)
        self.envelope_from = parseaddr(self.from_email)[1]
        self.reply_to = single_line(newsletter.chapter.contact_email)
        self.renderings = {}
        self.templates = {}
        self.unsubscribe_parts = {}
        self.consent_days = {}

    def _rendering(self, language):
        if language not in self.renderings:
            self.renderings[language] = render_newsletter_for(
                self.newsletter,
                language=language,
                unsubscribe=SLOT_UNSUBSCRIBE,
                consent=SLOT_CONSENT,
                body_html=self.body_html,
            )
        return self.renderings[language]

    def _build(self, language, *, to, msgid, unsubscribe, consent):
        rendered, headers = self._rendering(language)

        def fill(text):
            return text.replace(SLOT_UNSUBSCRIBE, unsubscribe).replace(SLOT_CONSENT, consent)

        return build_message(
            subject=single_line(rendered.subject),
            text=fill(rendered.text),
            html=fill(rendered.html),
            from_email=self.from_email,
            to=to,
            headers={**headers, "List-Unsubscribe": f"<{unsubscribe}>", "Message-ID": msgid},
            reply_to=self.reply_to,
            email_class=OneLineHeadersEmail,
        )

    def _values(self, membership):
        member = membership.member
        language = member.preferred_language
        return language, {
            "to": member.email,
            "msgid": message_id("itprosig.newsletter", self.newsletter.pk, member.pk),
            "unsubscribe": self._unsubscribe(member, language),
            "consent": self._consent(membership, language),
        }

    def _unsubscribe(self, member, language):
        """Return the member's unsubscribe URL; the URL is reversed once per language, not per member."""
        if language not in self.unsubscribe_parts:
            with translation.override(language):
                url = absolute_url(reverse("mail:unsubscribe", kwargs={"token": SLOT_TOKEN}))
            self.unsubscribe_parts[language] = url.split(SLOT_TOKEN)
        before, after = self.unsubscribe_parts[language]
        return before + unsubscribe_token(member_id=member.pk, chapter_id=self.newsletter.chapter_id) + after

    def _consent(self, membership, language):
        """Return the consent day as the footer shows it, formatted once per day and language."""
        at = membership.newsletter_consent_at
        key = (at and timezone.localtime(at, self.newsletter.chapter.tzinfo).date(), language)
        if key not in self.consent_days:
            self.consent_days[key] = consent_date(membership, language)
        return self.consent_days[key]

    def message(self, membership):
        """Return the member's newsletter as a Django email."""
        language, values = self._values(membership)
        return self._build(language, **values)

    def _template(self, language):
        """Return (bytes with slots, whether its bodies are 8-bit) of a language, or None.

        None when a body is quoted-printable or base64 (a line over 998 octets): that would cut or
        hide the slots.
        """
        if language not in self.templates:
            message = self._build(language, **_SLOTS).message(policy=email.policy.SMTP)
            parts = [part for part in message.walk() if not part.is_multipart()]
            encodings = {part.get("Content-Transfer-Encoding", "7bit") for part in parts}
            usable = encodings <= {"7bit", "8bit"}
            self.templates[language] = (message.as_bytes(), "8bit" in encodings) if usable else None
        return self.templates[language]

    def wire(self, membership):
        """Return (envelope recipient, bytes) of the member's newsletter, or None to build it alone."""
        language, values = self._values(membership)
        template = self._template(language)
        if template is None or not values["to"].isascii() or has_control_characters(values["to"]):
            return None
        data, eight_bit = template
        if not eight_bit and not all(value.isascii() for value in values.values()):
            return None  # a 7-bit body must stay ASCII
        for name, value in values.items():
            data = data.replace(_SLOTS[name].encode(), value.encode())
        if any(len(line) > 998 for line in data.split(b"\r\n")):
            return None
        return values["to"], data


# Letters, digits and the signs of an address: no header encoding, escaping or wrapping changes them.
_SLOTS = {
    "to": "itprosigslotto@slot.invalid",
    "msgid": "<itprosigslotmessageid@slot.invalid>",
    "unsubscribe": SLOT_UNSUBSCRIBE,
    "consent": SLOT_CONSENT,
}


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
            Delivery.objects.filter(pk__in=self.pending).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", attempts=F("attempts") + 1
            )
            self.pending = []
        if time.monotonic() - self.claimed_at >= self.renew_after:
            self.claimed_at = time.monotonic()
            Delivery.objects.filter(pk__in=self.claimed, status=Delivery.Status.PENDING).update(
                claimed_at=timezone.now()
            )


def _record(delivery, status, *, error=""):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, sent_at=None, last_error=error, attempts=delivery.attempts + 1
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
    """Mark a sending newsletter sent once no delivery is pending; failed if none could be sent."""
    deliveries = Delivery.objects.filter(newsletter_id=newsletter_pk)
    done = Newsletter.objects.filter(pk=newsletter_pk, status=Newsletter.Status.SENDING).filter(
        ~Exists(deliveries.filter(status=Delivery.Status.PENDING))
    )
    if not done.exists():
        return  # other batches are still at work
    sent = Exists(deliveries.filter(status=Delivery.Status.SENT))
    failure = deliveries.filter(status=Delivery.Status.FAILED).values_list("last_error", flat=True)
    if done.filter(sent).exists() or not failure.exists():  # sent, or nobody left to send to
        done.update(status=Newsletter.Status.SENT, sent_at=timezone.now())
    else:
        newsletter_fail(newsletter_pk=newsletter_pk, error=failure.first())


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
    return Delivery.objects.filter(newsletter=newsletter).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        skipped=Count("pk", filter=Q(status=Delivery.Status.SKIPPED)),
        pending=Count("pk", filter=Q(status=Delivery.Status.PENDING)),
    )
