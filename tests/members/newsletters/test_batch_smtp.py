"""A batch over one SMTP connection: each message once, every outcome recorded."""

import threading

import pytest
from aiosmtpd.controller import Controller

from members.newsletters import sending as newsletters
from members.newsletters.models import Delivery, Newsletter
from tests.members.newsletters.test_sending import chapter, newsletter, subscribe  # noqa: F401 (fixtures)
from tests.support.mail import use_smtp
from tests.support.servers import free_port

pytestmark = pytest.mark.django_db


class Server:
    """aiosmtpd that keeps recipients; it can refuse one address for good or one message for now."""

    def __init__(self, *, refuse=None, defer=None):
        self.refuse, self.defer = refuse, defer
        self.received = []
        self.connections = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.connections.add(id(session))
        if address == self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if envelope.rcpt_tos == [self.defer]:
            return "421 Too busy, try again later"
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    servers = []

    def start(**kwargs):
        handler = Server(**kwargs)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        use_smtp(settings, port)
        settings.MAIL_BATCH_SIZE = 60
        return handler

    yield start
    for controller in servers:
        controller.stop()


def start_batch(chapter, newsletter, count):  # noqa: F811
    members = subscribe(chapter, count)
    Newsletter.objects.filter(pk=newsletter.pk).update(status=Newsletter.Status.SENDING)
    Delivery.objects.bulk_create([Delivery(newsletter=newsletter, member=member) for member in members])
    return members, list(Delivery.objects.order_by("pk").values_list("pk", flat=True))


def test_every_message_goes_once_over_one_connection(smtp, chapter, newsletter):  # noqa: F811
    server = smtp()
    members, pks = start_batch(chapter, newsletter, 60)
    assert newsletters.newsletter_send_batch(newsletter_pk=newsletter.pk, delivery_pks=pks) is None
    assert sorted(server.received) == sorted(m.email for m in members)
    assert len(server.connections) == 1
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.SENT, 1)}
    assert Newsletter.objects.get(pk=newsletter.pk).status == Newsletter.Status.SENT


def test_refused_recipient_fails_and_the_others_go(smtp, chapter, newsletter):  # noqa: F811
    members, pks = start_batch(chapter, newsletter, 60)
    refused = members[17]
    server = smtp(refuse=refused.email)
    assert newsletters.newsletter_send_batch(newsletter_pk=newsletter.pk, delivery_pks=pks) is None
    assert sorted(server.received) == sorted(m.email for m in members if m != refused)
    failed = Delivery.objects.get(status=Delivery.Status.FAILED)
    assert failed.member == refused and "550" in failed.last_error
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 59


def test_passing_failure_gives_back_the_rest_for_a_retry(smtp, chapter, newsletter, settings):  # noqa: F811
    members, pks = start_batch(chapter, newsletter, 60)
    deferred = members[20]
    server = smtp(defer=deferred.email)
    retry_in = newsletters.newsletter_send_batch(newsletter_pk=newsletter.pk, delivery_pks=pks)
    assert retry_in == settings.MAIL_RETRY_BASE_SECONDS
    sent = set(Delivery.objects.filter(status=Delivery.Status.SENT).values_list("member__email", flat=True))
    # What the server accepted is marked sent, once; everything else is back for the retry.
    assert sorted(server.received) == sorted(sent) and deferred.email not in sent
    assert len(sent) == 20  # the messages before it, in order
    released = Delivery.objects.exclude(status=Delivery.Status.SENT)
    assert set(released.values_list("status", "claimed_at", "attempts")) == {
        (Delivery.Status.PENDING, None, 1)
    }
    assert "421" in released.get(member=deferred).last_error

    # The retry sends exactly the rest.
    server.defer = None
    assert newsletters.newsletter_send_batch(newsletter_pk=newsletter.pk, delivery_pks=pks) is None
    assert sorted(server.received) == sorted(m.email for m in members)
