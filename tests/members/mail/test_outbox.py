"""The outbox: a row per email, sent once, retried on passing failures, swept when lost."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from members import tasks
from members.mail import outbox
from members.mail.models import OutboxMessage
from members.mail.rendering import RenderedEmail
from tests.factories import ChapterFactory, MemberFactory
from tests.support.mail import body, use_mailer

pytestmark = pytest.mark.django_db


def queue(member, chapter=None, **kwargs):
    return outbox.outbox_queue(
        kind="account",
        to_email=member.email,
        rendered=RenderedEmail(subject="Outbox test", text="Hello from the outbox", html="<p>Hello</p>"),
        member=member,
        chapter=chapter,
        **kwargs,
    )


class FailingBackend:
    """An email backend that fails the way an SMTP server does."""

    error = None

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise type(self).error

    def open(self):
        pass

    def close(self):
        pass


@pytest.fixture
def failing(settings):
    use_mailer(settings, f"{__name__}.FailingBackend")
    return FailingBackend


def test_row_is_sent_after_commit_with_deterministic_message_id(sent, django_capture_on_commit_callbacks):
    member = MemberFactory(email="grace@example.org")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = queue(member, chapter=ChapterFactory(name="TWSUG"))
        # Nothing leaves before the transaction commits.
        assert mail.outbox == []
    (message,) = sent()
    assert "Hello from the outbox" in body(message)
    assert message["From"].addresses[0].display_name == "TWSUG"
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.sent_at is not None
    assert message["Message-ID"] == outbox.message_id("itprosig.outbox", row.pk)


def test_sent_row_is_never_sent_twice(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(MemberFactory())
    tasks.send_outbox_message.apply(args=(row.pk,))
    tasks.send_outbox_message.apply(args=(row.pk,))
    assert len(sent()) == 1


def test_transient_failure_is_recorded_and_retried_later(failing, settings):
    settings.MAIL_RETRY_BASE_SECONDS = 30
    failing.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    row = queue(MemberFactory())
    result, delay = outbox.outbox_send(message_pk=row.pk)
    row.refresh_from_db()
    assert (result, delay) == (outbox.SendResult.RETRY, 30)
    assert row.status == OutboxMessage.Status.PENDING and row.attempts == 1
    assert "Connection unexpectedly closed" in row.last_error
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=25)
    # Backoff doubles with each attempt.
    assert outbox.retry_delay(2) == 60 and outbox.retry_delay(3) == 120


def test_server_busy_reply_is_transient_but_rejection_is_final(failing):
    failing.error = smtplib.SMTPRecipientsRefused({"x@example.org": (451, b"Try again later")})
    row = queue(MemberFactory())
    assert outbox.outbox_send(message_pk=row.pk)[0] == outbox.SendResult.RETRY
    failing.error = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user here")})
    assert outbox.outbox_send(message_pk=row.pk)[0] == outbox.SendResult.FAILED
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED
    assert row.last_error == "x@example.org: 550 No such user here"


def test_out_of_attempts_fails_with_reason(failing, settings):
    settings.MAIL_MAX_ATTEMPTS = 2
    failing.error = ConnectionRefusedError(111, "Connection refused")
    row = queue(MemberFactory())
    assert outbox.outbox_send(message_pk=row.pk)[0] == outbox.SendResult.RETRY
    assert outbox.outbox_send(message_pk=row.pk)[0] == outbox.SendResult.FAILED
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED and "Connection refused" in row.last_error


def test_sweeper_sends_lost_rows_but_leaves_fresh_and_waiting_ones(sent, settings):
    settings.MAIL_SWEEP_GRACE_SECONDS = 60
    old = timezone.now() - datetime.timedelta(minutes=5)
    lost = queue(MemberFactory(email="lost@example.org"))
    fresh = queue(MemberFactory(email="fresh@example.org"))
    waiting = queue(MemberFactory(email="waiting@example.org"))
    OutboxMessage.objects.filter(pk__in=[lost.pk, waiting.pk]).update(created_at=old)
    OutboxMessage.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    # The on-commit tasks were lost (broker down): only the sweeper can send now.
    assert mail.outbox == []
    tasks.sweep_outbox.apply()
    assert [m["To"] for m in sent()] == ["lost@example.org"]
    assert set(OutboxMessage.objects.filter(status="pending").values_list("pk", flat=True)) == {
        fresh.pk,
        waiting.pk,
    }


def test_broker_down_does_not_fail_the_caller(settings, monkeypatch, django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.send_outbox_message, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(MemberFactory())
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.PENDING


def test_dedupe_key_records_an_email_once(sent, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert queue(member, dedupe_key="reminder:1:1") is not None
        assert queue(member, dedupe_key="reminder:1:1") is None
    assert len(sent()) == 1
