"""Fixtures for the email tests: parsed messages out of Django's test outbox."""

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


@pytest.fixture
def sent(settings):
    """Return a function giving the messages Django sent so far, parsed."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def _sent():
        return [parse(m) for m in mail.outbox]

    return _sent


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Start each test in English: a request to a /fr/ page leaves French active in the thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
