"""Closing an account: the withdrawals go out in the member's name first, then nothing personal stays."""

import icalendar
import pytest
from allauth.account.models import EmailAddress
from django.db.models import Q
from django.urls import reverse

from meetings import notifications
from meetings.models import RSVP
from meetings.services import rsvp_going
from members.mail.models import OutboxMessage
from members.mail.outbox import outbox_send
from members.newsletters.models import Delivery, Newsletter
from tests.factories import ChapterFactory, MeetingFactory, MemberFactory

pytestmark = pytest.mark.django_db

NAME = "Grace Hopper"
ADDRESS = "grace@example.org"


@pytest.fixture
def grace(client):
    member = MemberFactory(email=ADDRESS, display_name=NAME)
    EmailAddress.objects.create(user=member, email=ADDRESS, verified=True, primary=True)
    client.force_login(member)
    return member


def _holding_personal_data(model, fields):
    personal = Q()
    for field in fields:
        personal |= Q(**{f"{field}__icontains": ADDRESS}) | Q(**{f"{field}__icontains": NAME})
    return model.objects.filter(personal)


def test_closing_account_sends_withdrawal_in_real_name_then_redacts_mail(
    client, grace, smtp, django_capture_on_commit_callbacks
):
    chapter = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    meeting = MeetingFactory(chapter=chapter, title="Azure Arc for servers")
    rsvp = rsvp_going(meeting=meeting, member=grace)
    confirmation = OutboxMessage.objects.get(member=grace)
    outbox_send(message_pk=confirmation.pk)  # sent: the row holds her address and name
    # Queued but not sent yet: a reminder, which must not reach her after she leaves.
    notifications.notify_meeting_reminder(RSVP.objects.select_related("member", "meeting").get(pk=rsvp.pk))
    OutboxMessage.objects.create(
        kind="account",
        member=grace,
        to_email=ADDRESS,
        from_email="noreply@example.org",
        subject="Confirm your email",
        body_text=f"Hello {NAME}",
        status="failed",
        last_error=f"{ADDRESS}: 550 Mailbox full",
    )
    sent_news = Newsletter.objects.create(chapter=chapter, subject="May news", body="x", status="sent")
    Delivery.objects.create(newsletter=sent_news, member=grace, status="failed", last_error=f"{ADDRESS}: 552")
    next_news = Newsletter.objects.create(chapter=chapter, subject="June news", body="x", status="sending")
    pending_delivery = Delivery.objects.create(newsletter=next_news, member=grace)
    received_before = len(smtp.inbox)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:delete"), {"password": "correct-horse-battery"})
    assert response.status_code == 302

    # The withdrawal reached her, written to her and for her calendar.
    with smtp.inbox.lock:
        arrived = smtp.inbox.raw[received_before:]
    assert [recipients for recipients, _content in arrived] == [[ADDRESS]]
    (withdrawal,) = smtp.inbox.to(ADDRESS)[-1:]
    assert withdrawal["Subject"] == "RSVP cancelled: Azure Arc for servers"
    text = withdrawal.get_body(("plain",)).get_content()
    assert f"Hello {NAME}," in text and "erased" not in text
    (calendar_part,) = [p for p in withdrawal.walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["ATTENDEE"]).lower() == f"mailto:{ADDRESS}"
    assert event["ATTENDEE"].params["CN"] == NAME

    # Then nothing personal stays in the outbox or the newsletter ledger.
    assert not _holding_personal_data(
        OutboxMessage, ["to_email", "subject", "body_text", "body_html", "calendar", "last_error"]
    ).exists()
    assert not _holding_personal_data(Delivery, ["last_error"]).exists()
    kinds = dict(OutboxMessage.objects.filter(member=grace).values_list("kind", "status"))
    assert kinds == {"rsvp_going": "sent", "rsvp_cancelled": "sent", "account": "failed"}  # reminder dropped
    for row in OutboxMessage.objects.filter(member=grace):
        assert row.body_text == "" and row.body_html == "" and row.calendar == "" and row.attachments == []
    pending_delivery.refresh_from_db()
    assert pending_delivery.status == Delivery.Status.SKIPPED


def test_closing_account_redacts_withdrawal_that_fails_for_good(
    client, grace, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    settings.MAIL_MAX_ATTEMPTS = 1
    rsvp_going(meeting=MeetingFactory(title="Azure Arc for servers"), member=grace)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:delete"), {"password": "correct-horse-battery"})
    withdrawal = OutboxMessage.objects.get(member=grace, kind="rsvp_cancelled")
    assert withdrawal.status == OutboxMessage.Status.FAILED
    assert ADDRESS not in withdrawal.to_email and withdrawal.body_text == "" and withdrawal.last_error == ""
