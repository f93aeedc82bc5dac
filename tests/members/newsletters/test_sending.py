"""Newsletters: consenting recipients only, batches, resumable, sent once, progress."""

import datetime
import smtplib
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from members import tasks
from members.models import Membership
from members.newsletters import sending as newsletters
from members.newsletters.models import Delivery, Newsletter
from tests.factories import ChapterFactory, MemberFactory, MembershipFactory
from tests.support.mail import body, use_mailer

pytestmark = pytest.mark.django_db


def subscribe(chapter, count, *, language="en"):
    members = [MemberFactory(preferred_language=language) for _ in range(count)]
    for member in members:
        MembershipFactory(
            member=member,
            chapter=chapter,
            newsletter_subscribed=True,
            newsletter_consent_at=timezone.now() - datetime.timedelta(days=3),
            newsletter_consent_source=Membership.Source.IMPORT,
        )
    return members


@pytest.fixture
def chapter():
    return ChapterFactory(
        name="OPCUG IT Pro SIG",
        slug="opcug",
        time_zone="America/Toronto",
        mailing_address="PO Box 100, Ottawa ON K1P 1A1",
    )


@pytest.fixture
def newsletter(chapter):
    return Newsletter.objects.create(
        chapter=chapter, subject="October at OPCUG", body="# Patch management\n\nWe meet on **Wednesday**."
    )


def test_send_goes_to_consenting_subscribers_only(
    chapter, newsletter, sent, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_BATCH_SIZE = 2
    subscribers = subscribe(chapter, 5)
    MembershipFactory(chapter=chapter, member=MemberFactory(email="never@example.org"))
    gone = MembershipFactory(
        chapter=chapter,
        member=MemberFactory(email="left@example.org"),
        newsletter_consent_at=timezone.now(),
        newsletter_unsubscribed_at=timezone.now(),
    )
    assert not gone.newsletter_subscribed
    subscribe(ChapterFactory(), 2)  # another chapter's subscribers
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send_now(newsletter=newsletter)
    messages = sent()
    assert sorted(m["To"] for m in messages) == sorted(m.email for m in subscribers)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT and newsletter.recipient_count == 5
    assert newsletters.newsletter_progress(newsletter) == {
        "total": 5,
        "sent": 5,
        "failed": 0,
        "skipped": 0,
        "pending": 0,
    }


def test_newsletter_email_is_bulk_mail_with_unsubscribe_and_casl_footer(
    chapter, newsletter, sent, django_capture_on_commit_callbacks
):
    (member,) = subscribe(chapter, 1)
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send_now(newsletter=newsletter)
    (message,) = sent()
    assert message["Subject"] == "October at OPCUG"
    assert message["From"].addresses[0].display_name == "OPCUG IT Pro SIG"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert urlsplit(unsubscribe).path.startswith("/unsubscribe/")
    html = body(message, "text/html")
    assert "<h1>Patch management</h1>" in html and "<strong>Wednesday</strong>" in html
    text = body(message)
    for footer in (
        "OPCUG IT Pro SIG",
        "PO Box 100, Ottawa ON K1P 1A1",
        "because you subscribed",
        unsubscribe,
    ):
        assert footer in text and footer.split(",")[0] in html
    assert message["Message-ID"] == newsletters.message_id("itprosig.newsletter", newsletter.pk, member.pk)


def test_newsletter_footer_in_members_language(chapter, newsletter, sent, django_capture_on_commit_callbacks):
    subscribe(chapter, 1, language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send_now(newsletter=newsletter)
    (message,) = sent()
    assert "Se désabonner de l’infolettre de OPCUG IT Pro SIG" in body(message)
    assert "/fr/unsubscribe/" in message["List-Unsubscribe"]


def test_sent_newsletter_cannot_be_sent_again(chapter, newsletter, sent, django_capture_on_commit_callbacks):
    subscribe(chapter, 2)
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send_now(newsletter=newsletter)
    with pytest.raises(newsletters.NewsletterError):
        newsletters.newsletter_send_now(newsletter=newsletter)
    with pytest.raises(newsletters.NewsletterError):
        newsletters.newsletter_schedule(
            newsletter=newsletter, when=timezone.now() + datetime.timedelta(days=1)
        )
    assert len(sent()) == 2


def test_member_unsubscribed_during_send_is_skipped(chapter, newsletter, sent):
    first, second = subscribe(chapter, 2)
    newsletters.newsletter_send_now(newsletter=newsletter)  # no commit callbacks: nothing sent yet
    Membership.objects.filter(member=second).update(newsletter_subscribed=False)
    newsletters.newsletter_dispatch(newsletter_pk=newsletter.pk)
    assert [m["To"] for m in sent()] == [first.email]
    assert Delivery.objects.get(member=second).status == Delivery.Status.SKIPPED
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT


def test_batch_resumes_where_it_stopped(chapter, newsletter, sent, settings):
    """A batch whose worker died keeps the rows it marked sent; the sweeper sends only the rest."""
    settings.MAIL_BATCH_LEASE_SECONDS = 60
    subscribe(chapter, 4)
    newsletters.newsletter_send_now(newsletter=newsletter)
    deliveries = list(Delivery.objects.filter(newsletter=newsletter).select_related("member").order_by("pk"))
    # A worker claimed the batch, delivered two, and was killed.
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    Delivery.objects.filter(newsletter=newsletter).update(queued_at=long_ago, claimed_at=long_ago)
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries[:2]]).update(status=Delivery.Status.SENT)
    tasks.sweep_outbox.apply()
    assert sorted(m["To"] for m in sent()) == sorted(d.member.email for d in deliveries[2:])
    assert Delivery.objects.filter(newsletter=newsletter, status=Delivery.Status.SENT).count() == 4


def test_batch_claimed_by_a_live_worker_is_not_taken(chapter, newsletter, sent):
    subscribe(chapter, 2)
    newsletters.newsletter_send_now(newsletter=newsletter)
    pks = list(Delivery.objects.values_list("pk", flat=True))
    Delivery.objects.update(claimed_at=timezone.now())
    assert newsletters.newsletter_send_batch(newsletter_pk=newsletter.pk, delivery_pks=pks) is None
    assert sent() == []


class RefusingBackend:
    def __init__(self, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def close(self):
        pass

    def send_messages(self, messages):
        self.open()  # as Django's backends do


class RejectingBackend:
    """Accepts every recipient but one, which it rejects for good."""

    sent = []

    def __init__(self, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        (message,) = messages
        if message.to == ["bounce@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"bounce@example.org": (550, b"Mailbox unavailable")})
        type(self).sent.append(message.to[0])
        return 1


def test_server_down_releases_the_batch_for_a_retry(chapter, newsletter, settings):
    use_mailer(settings, f"{__name__}.RefusingBackend")
    subscribe(chapter, 3)
    newsletters.newsletter_send_now(newsletter=newsletter)
    pks = list(Delivery.objects.values_list("pk", flat=True))
    retry_in = newsletters.newsletter_send_batch(newsletter_pk=newsletter.pk, delivery_pks=pks)
    assert retry_in == settings.MAIL_RETRY_BASE_SECONDS
    assert set(Delivery.objects.values_list("status", "claimed_at", "attempts")) == {("pending", None, 1)}
    assert "Connection refused" in Delivery.objects.first().last_error


def test_permanent_rejection_fails_one_recipient_and_the_rest_go(chapter, newsletter, settings):
    use_mailer(settings, f"{__name__}.RejectingBackend")
    RejectingBackend.sent = []
    others = subscribe(chapter, 2)
    MembershipFactory(
        chapter=chapter,
        member=MemberFactory(email="bounce@example.org"),
        newsletter_subscribed=True,
        newsletter_consent_at=timezone.now(),
    )
    newsletters.newsletter_send_now(newsletter=newsletter)
    newsletters.newsletter_dispatch(newsletter_pk=newsletter.pk)
    assert sorted(RejectingBackend.sent) == sorted(m.email for m in others)
    failed = Delivery.objects.get(status=Delivery.Status.FAILED)
    assert failed.member.email == "bounce@example.org" and "550 Mailbox unavailable" in failed.last_error
    progress = newsletters.newsletter_progress(newsletter)
    assert (progress["sent"], progress["failed"], progress["total"]) == (2, 1, 3)


def test_scheduled_newsletter_starts_when_due(chapter, newsletter, sent, django_capture_on_commit_callbacks):
    subscribe(chapter, 1)
    with pytest.raises(newsletters.NewsletterError):
        newsletters.newsletter_schedule(
            newsletter=newsletter, when=timezone.now() - datetime.timedelta(hours=1)
        )
    newsletters.newsletter_schedule(newsletter=newsletter, when=timezone.now() + datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert newsletters.newsletter_start_due() == 0
        assert newsletters.newsletter_start_due(now=timezone.now() + datetime.timedelta(hours=2)) == 1
    assert len(sent()) == 1


def test_send_test_goes_to_the_organizer_only(chapter, newsletter, sent, django_capture_on_commit_callbacks):
    subscribe(chapter, 3)
    organizer = MemberFactory(email="organizer@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send_test(newsletter=newsletter, member=organizer)
    (message,) = sent()
    assert message["To"] == "organizer@example.org"
    assert message["Subject"] == "[Test] October at OPCUG"
    assert "This is a test" in body(message)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT and not Delivery.objects.exists()


def test_sweeper_leaves_batches_waiting_in_the_queue_alone(chapter, newsletter, sent, settings):
    """A batch still queued behind others is not lost; only an old claim or a long-lost task is."""
    settings.MAIL_BATCH_LEASE_SECONDS = 60
    settings.MAIL_BATCH_QUEUE_TIMEOUT_SECONDS = 3600
    subscribe(chapter, 3)
    newsletters.newsletter_send_now(newsletter=newsletter)
    waiting, dead_worker, lost_task = Delivery.objects.order_by("pk")
    now = timezone.now()
    Delivery.objects.filter(pk=waiting.pk).update(queued_at=now - datetime.timedelta(minutes=10))
    Delivery.objects.filter(pk=dead_worker.pk).update(
        queued_at=now - datetime.timedelta(minutes=10), claimed_at=now - datetime.timedelta(minutes=5)
    )
    Delivery.objects.filter(pk=lost_task.pk).update(queued_at=now - datetime.timedelta(hours=2))
    tasks.sweep_outbox.apply()
    assert sorted(m["To"] for m in sent()) == sorted(
        Delivery.objects.filter(pk__in=[dead_worker.pk, lost_task.pk]).values_list("member__email", flat=True)
    )
    waiting.refresh_from_db()
    assert waiting.status == Delivery.Status.PENDING


class SenderRefusingServer:
    """aiosmtpd that refuses the sending address for good (550), until told to accept it."""

    def __init__(self):
        self.refuse = True
        self.received = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse:
            return "550 5.7.1 Sender address rejected"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def refusing_smtp(settings):
    from aiosmtpd.controller import Controller

    from tests.support.mail import use_smtp
    from tests.support.servers import free_port

    handler = SenderRefusingServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    use_smtp(settings, port)
    yield handler
    controller.stop()


def test_send_refused_for_good_shows_failed_with_the_reason_then_resumes(
    chapter, newsletter, refusing_smtp, django_capture_on_commit_callbacks
):
    members = subscribe(chapter, 3)
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send_now(newsletter=newsletter)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.FAILED
    assert "550" in newsletter.last_error and "Sender address rejected" in newsletter.last_error
    assert refusing_smtp.received == []

    refusing_smtp.refuse = False  # the relay's configuration is fixed
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_resume(newsletter=newsletter)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT and newsletter.last_error == ""
    assert sorted(refusing_smtp.received) == sorted(m.email for m in members)
    with pytest.raises(newsletters.NewsletterError):
        newsletters.newsletter_resume(newsletter=newsletter)


class BrokenBackend:
    """A mail backend that fails in an unexpected way (a bug, a misconfiguration)."""

    def __init__(self, **kwargs):
        pass

    def open(self):
        raise RuntimeError("mail backend misconfigured")

    def close(self):
        pass

    def send_messages(self, messages):
        raise RuntimeError("mail backend misconfigured")


def test_send_crashing_shows_failed_not_sending_forever(
    chapter, newsletter, settings, django_capture_on_commit_callbacks
):
    use_mailer(settings, f"{__name__}.BrokenBackend")
    subscribe(chapter, 2)
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send_now(newsletter=newsletter)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.FAILED
    assert "mail backend misconfigured" in newsletter.last_error
    assert newsletters.newsletter_progress(newsletter)["sent"] == 0
