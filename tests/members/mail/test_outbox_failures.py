"""A message that failed for good is visible to its chapter's organizers, who may send it again."""

import smtplib

import pytest
from django.urls import reverse

from members.mail import outbox
from members.mail.models import OutboxMessage
from members.mail.rendering import RenderedEmail
from tests.factories import ChapterFactory, ChapterRoleFactory, MemberFactory
from tests.support.mail import use_mailer

pytestmark = pytest.mark.django_db


class FlakyBackend:
    """Refuses the first message with a passing 451, then accepts everything."""

    calls = 0

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise smtplib.SMTPRecipientsRefused({"ada@example.org": (451, b"Greylisted, try later")})
        return len(messages)

    def open(self):
        pass

    def close(self):
        pass


def _queue(chapter, address="ada@example.org", subject="Your RSVP"):
    return outbox.outbox_queue(
        kind="rsvp_going",
        to_email=address,
        rendered=RenderedEmail(subject=subject, text="Hello", html=""),
        member=MemberFactory(email=address),
        chapter=chapter,
    )


def _failed(chapter, address, subject, error):
    return OutboxMessage.objects.create(
        kind="rsvp_going",
        chapter=chapter,
        to_email=address,
        from_email="a@example.org",
        subject=subject,
        body_text="Hello",
        status="failed",
        attempts=1,
        last_error=error,
    )


def test_outbox_row_sent_after_a_passing_error_shows_no_error(settings, admin_client):
    use_mailer(settings, f"{__name__}.FlakyBackend")
    FlakyBackend.calls = 0
    row = _queue(ChapterFactory())
    assert outbox.outbox_send(message_pk=row.pk)[0] == outbox.SendResult.RETRY
    row.refresh_from_db()
    assert "Greylisted" in row.last_error
    assert outbox.outbox_send(message_pk=row.pk)[0] == outbox.SendResult.SENT
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.last_error == ""
    page = admin_client.get(reverse("admin:members_outboxmessage_change", args=[row.pk])).content.decode()
    assert "Greylisted" not in page


@pytest.fixture
def toronto_organizer(client):
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    organizer = ChapterRoleFactory(chapter=toronto, user=MemberFactory(email="organizer@example.org")).user
    client.force_login(organizer)
    return client, toronto


def test_organizer_finds_failed_emails_of_their_chapter_with_the_error(toronto_organizer):
    client, toronto = toronto_organizer
    _failed(toronto, "ada@example.org", "Toronto confirmation", "ada@example.org: 550 No such user here")
    _failed(ChapterFactory(name="MITPro"), "bob@example.org", "Montreal confirmation", "550 Gone")
    OutboxMessage.objects.create(
        kind="rsvp_going",
        chapter=toronto,
        to_email="sent@example.org",
        from_email="a@example.org",
        subject="Delivered one",
        body_text="x",
        status="sent",
    )
    changelist = reverse("admin:members_outboxmessage_changelist")
    page = client.get(changelist + "?status__exact=failed").content.decode()
    assert "Toronto confirmation" in page and "550 No such user here" in page
    assert "Montreal confirmation" not in page and "Delivered one" not in page
    row = OutboxMessage.objects.get(subject="Toronto confirmation")
    detail = client.get(reverse("admin:members_outboxmessage_change", args=[row.pk])).content.decode()
    assert "550 No such user here" in detail
    # Read-only: nothing to save or delete.
    assert 'name="_save"' not in detail
    assert client.post(reverse("admin:members_outboxmessage_delete", args=[row.pk])).status_code == 403


def test_organizer_sends_failed_email_again_for_their_chapter_only(
    toronto_organizer, settings, django_capture_on_commit_callbacks
):
    use_mailer(settings, "django.core.mail.backends.locmem.EmailBackend")
    client, toronto = toronto_organizer
    ours = _failed(toronto, "ada@example.org", "Toronto confirmation", "421 Try later")
    theirs = _failed(ChapterFactory(name="MITPro"), "bob@example.org", "Montreal confirmation", "550 Gone")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_outboxmessage_changelist"),
            {"action": "send_again", "_selected_action": [ours.pk, theirs.pk]},
            follow=True,
        )
    assert "1 email queued again." in response.content.decode()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.status == OutboxMessage.Status.SENT and ours.last_error == ""
    assert theirs.status == OutboxMessage.Status.FAILED
