"""Subjects are plain text: what an organizer types is what the member reads, in both languages."""

import email
import email.policy

import pytest

from meetings import notifications
from members.mail.models import OutboxMessage
from members.mail.outbox import outbox_send
from members.newsletters.models import Newsletter
from members.newsletters.sending import newsletter_send_test
from tests.factories import ChapterFactory, MeetingFactory, MemberFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def _subjects_received(smtp, address):
    subjects = []
    for message in smtp.inbox.to(address):
        subjects.append(str(message["Subject"]))
    return subjects


def _send_all():
    for pk in OutboxMessage.objects.filter(status="pending").values_list("pk", flat=True):
        outbox_send(message_pk=pk)


def test_rsvp_subject_with_ampersand_and_apostrophe_arrives_as_typed(smtp):
    meeting = MeetingFactory(title="Q&A: what's new")
    rsvp = RSVPFactory(meeting=meeting, member=MemberFactory(email="ada@example.org"))
    notifications.notify_rsvp_going(rsvp)
    notifications.notify_rsvp_cancelled(rsvp)
    _send_all()
    going, cancelled = sorted(_subjects_received(smtp, "ada@example.org"), reverse=True)
    assert going.startswith("You’re going: Q&A: what's new, ")
    assert cancelled == "RSVP cancelled: Q&A: what's new"


def test_french_subject_keeps_apostrophes(smtp):
    meeting = MeetingFactory(title="L'IA d'aujourd'hui & demain")
    elise = MemberFactory(email="elise@example.org", preferred_language="fr")
    rsvp = RSVPFactory(meeting=meeting, member=elise)
    notifications.notify_rsvp_cancelled(rsvp)
    _send_all()
    (subject,) = _subjects_received(smtp, "elise@example.org")
    assert "L'IA d'aujourd'hui & demain" in subject
    assert "&#x27;" not in subject and "&amp;" not in subject


def test_newsletter_test_subject_arrives_as_typed(smtp):
    chapter = ChapterFactory(name="Q&A Chapter", slug="qa-chapter")
    newsletter = Newsletter.objects.create(chapter=chapter, subject="Q&A: what's new", body="Hello.")
    newsletter_send_test(newsletter=newsletter, member=MemberFactory(email="organizer@example.org"))
    _send_all()
    (raw_message,) = smtp.inbox.to("organizer@example.org")
    assert str(raw_message["Subject"]) == "[Test] Q&A: what's new"
    assert email.utils.parseaddr(str(raw_message["From"]))[0] == "Q&A Chapter"
