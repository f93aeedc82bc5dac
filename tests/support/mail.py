"""Fixtures for reading email in tests: parse what was sent, switch mailers, collect messages."""

import email
import email.policy

import icalendar
import pytest
from django.core import mail


def parse(message):
    """Return the wire form of a Django email, parsed as a receiver sees it."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def parts(parsed, content_type):
    return [part for part in parsed.walk() if part.get_content_type() == content_type]


def body(parsed, content_type="text/plain"):
    return parts(parsed, content_type)[0].get_content()


def calendar_of(parsed):
    """Return (content-type header, parsed VCALENDAR) of the iMIP part of a message."""
    (part,) = parts(parsed, "text/calendar")
    return part["Content-Type"], icalendar.Calendar.from_ical(part.get_content())


def use_mailer(settings, backend, **options):
    """Send the default mailer's email through `backend` for the rest of the test."""
    settings.MAILERS = {"default": {"BACKEND": backend, "OPTIONS": options}}


def use_smtp(settings, port):
    """Send through a plain SMTP server on 127.0.0.1:`port` (no TLS, no login)."""
    use_mailer(settings, "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)


@pytest.fixture
def smtp(settings):
    """Send through a real SMTP server of the test's own (aiosmtpd on a free port); yield it."""
    from tests.support.servers import SMTPServer

    server = SMTPServer().start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


@pytest.fixture
def sent(settings):
    """Return a function giving the messages Django sent so far, parsed."""
    use_mailer(settings, "django.core.mail.backends.locmem.EmailBackend")

    def _sent():
        return [parse(m) for m in mail.outbox]

    return _sent
