"""Organizers' newsletter and outbox admin: scoped to their chapters, preview, test, send, progress."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.mail.models import OutboxMessage
from members.models import Membership
from members.newsletters.models import Delivery, Newsletter
from tests.factories import ChapterFactory, ChapterRoleFactory, MemberFactory, MembershipFactory
from tests.support.mail import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def toronto():
    return ChapterFactory(
        name="IT Pro Toronto", slug="it-pro-toronto", mailing_address="1 Example Way, Toronto"
    )


@pytest.fixture
def organizer(toronto):
    return ChapterRoleFactory(chapter=toronto, user=MemberFactory(email="organizer@example.org")).user


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


def subscriber(chapter, email):
    return MembershipFactory(
        chapter=chapter,
        member=MemberFactory(email=email),
        newsletter_subscribed=True,
        newsletter_consent_at=timezone.now(),
        newsletter_consent_source=Membership.Source.WEBSITE,
    )


def test_organizer_writes_previews_tests_and_sends(
    organizer_client, toronto, sent, django_capture_on_commit_callbacks
):
    subscriber(toronto, "reader@example.org")
    response = organizer_client.post(
        reverse("admin:members_newsletter_add"),
        {"chapter": toronto.pk, "subject": "PowerShell Snacks are back", "body": "Bring a **laptop**."},
    )
    assert response.status_code == 302
    newsletter = Newsletter.objects.get()
    change_url = reverse("admin:members_newsletter_change", args=[newsletter.pk])
    page = organizer_client.get(change_url).content.decode()
    assert "1 subscribed member would get it now." in page

    preview = organizer_client.get(reverse("admin:members_newsletter_preview", args=[newsletter.pk]))
    assert "<strong>laptop</strong>" in preview.content.decode()
    assert "1 Example Way, Toronto" in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(reverse("admin:members_newsletter_send_test", args=[newsletter.pk]))
    (test,) = sent()
    assert test["To"] == "organizer@example.org" and test["Subject"] == "[Test] PowerShell Snacks are back"

    confirm = organizer_client.get(reverse("admin:members_newsletter_send_now", args=[newsletter.pk]))
    assert "goes to 1 subscribed member of IT Pro Toronto" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(reverse("admin:members_newsletter_send_now", args=[newsletter.pk]))
    real = sent()[1]
    assert real["To"] == "reader@example.org" and "Bring a" in body(real)
    page = organizer_client.get(change_url).content.decode()
    assert "1 of 1 sent, 0 failed" in page
    # Sent: read-only, and a second send is refused.
    assert 'name="subject"' not in page
    organizer_client.post(reverse("admin:members_newsletter_send_now", args=[newsletter.pk]), follow=True)
    assert Delivery.objects.count() == 1 and len(sent()) == 2


def test_progress_shows_while_sending(organizer_client, toronto):
    newsletter = Newsletter.objects.create(chapter=toronto, subject="Big one", body="x", status="sending")
    for i in range(3):
        Delivery.objects.create(
            newsletter=newsletter,
            member=MemberFactory(),
            status=[Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.PENDING][i],
            last_error="550 No such user" if i == 1 else "",
        )
    page = organizer_client.get(
        reverse("admin:members_newsletter_change", args=[newsletter.pk])
    ).content.decode()
    assert "1 of 3 sent, 1 failed" in page
    assert "550 No such user" in page
    assert 'http-equiv="refresh"' in page
    listing = organizer_client.get(reverse("admin:members_newsletter_changelist")).content.decode()
    assert "1 of 3 sent, 1 failed" in listing


def test_schedule_in_chapter_time(organizer_client, toronto):
    newsletter = Newsletter.objects.create(chapter=toronto, subject="Later", body="x")
    url = reverse("admin:members_newsletter_schedule", args=[newsletter.pk])
    day = (timezone.now() + datetime.timedelta(days=3)).date()
    organizer_client.post(url, {"scheduled_for_0": day.isoformat(), "scheduled_for_1": "09:00"})
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SCHEDULED
    assert timezone.localtime(newsletter.scheduled_for, toronto.tzinfo).hour == 9
    past = organizer_client.post(url, {"scheduled_for_0": "2020-01-01", "scheduled_for_1": "09:00"})
    assert "Choose a time in the future." in past.content.decode()


def test_organizer_gets_nothing_of_another_chapter(organizer_client, toronto):
    other = ChapterFactory(name="MITPro")
    theirs = Newsletter.objects.create(chapter=other, subject="Montreal news", body="x")
    OutboxMessage.objects.create(
        kind="rsvp_going",
        chapter=other,
        to_email="x@example.org",
        from_email="a@example.org",
        subject="Montreal confirmation",
        body_text="x",
    )
    assert (
        "Montreal news"
        not in organizer_client.get(reverse("admin:members_newsletter_changelist")).content.decode()
    )
    for name in ("change", "preview", "send_now", "schedule"):
        response = organizer_client.get(reverse(f"admin:members_newsletter_{name}", args=[theirs.pk]))
        assert response.status_code in (302, 403, 404)
    assert organizer_client.post(
        reverse("admin:members_newsletter_send_now", args=[theirs.pk])
    ).status_code in (403, 404)
    theirs.refresh_from_db()
    assert theirs.status == Newsletter.Status.DRAFT
    outbox = organizer_client.get(reverse("admin:members_outboxmessage_changelist")).content.decode()
    assert "Montreal confirmation" not in outbox
    add = organizer_client.get(reverse("admin:members_newsletter_add")).content.decode()
    assert "MITPro" not in add


def test_organizer_sees_a_members_messages_and_their_state(organizer_client, toronto):
    OutboxMessage.objects.create(
        kind="rsvp_going",
        chapter=toronto,
        to_email="ada@example.org",
        from_email="a@example.org",
        subject="You’re going",
        body_text="x",
        status="failed",
        last_error="550 Mailbox unavailable",
    )
    page = organizer_client.get(reverse("admin:members_outboxmessage_changelist") + "?q=ada").content.decode()
    assert "ada@example.org" in page and "Failed" in page


def test_member_without_role_gets_no_newsletter_admin(client, toronto):
    client.force_login(MemberFactory())
    assert client.get(reverse("admin:members_newsletter_changelist")).status_code == 302


def test_organizer_sees_an_rsvp_email_waiting_to_be_written_then_its_subject(organizer_client, toronto):
    from meetings.services import rsvp_going
    from members.mail.outbox import outbox_send
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(chapter=toronto, title="Azure Arc for servers")
    rsvp_going(meeting=meeting, member=MemberFactory(email="ada@example.org"))
    changelist = reverse("admin:members_outboxmessage_changelist")
    assert "(written when it is sent)" in organizer_client.get(changelist).content.decode()
    outbox_send(message_pk=OutboxMessage.objects.get().pk)
    page = organizer_client.get(changelist).content.decode()
    assert "Azure Arc for servers" in page and "(written when it is sent)" not in page
