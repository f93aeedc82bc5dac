"""The newsletter's change page by state: failed shows why and offers a resume; sent is read-only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.newsletters.models import Delivery, Newsletter
from tests.factories import ChapterFactory, ChapterRoleFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter():
    return ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")


@pytest.fixture
def organizer_client(client, chapter):
    client.force_login(ChapterRoleFactory(chapter=chapter, user=MemberFactory()).user)
    return client


def change_page(client, newsletter):
    response = client.get(reverse("admin:members_newsletter_change", args=[newsletter.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_failed_newsletter_shows_failed_with_the_reason_and_a_resume_button(organizer_client, chapter):
    newsletter = Newsletter.objects.create(
        chapter=chapter,
        subject="October",
        body="x",
        status=Newsletter.Status.FAILED,
        last_error="550 5.7.1 Sender address rejected",
    )
    page = change_page(organizer_client, newsletter)
    assert "Failed" in page and "550 5.7.1 Sender address rejected" in page
    assert reverse("admin:members_newsletter_resume", args=[newsletter.pk]) in page
    assert 'http-equiv="refresh"' not in page  # no spinner that never ends
    listing = organizer_client.get(reverse("admin:members_newsletter_changelist")).content.decode()
    assert "Failed" in listing


@pytest.mark.parametrize("status", [Newsletter.Status.SENT, Newsletter.Status.SENDING])
def test_sent_or_sending_newsletter_has_no_save_buttons(organizer_client, chapter, status):
    newsletter = Newsletter.objects.create(chapter=chapter, subject="October", body="x", status=status)
    page = change_page(organizer_client, newsletter)
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert 'name="_addanother"' not in page
    response = organizer_client.post(
        reverse("admin:members_newsletter_change", args=[newsletter.pk]),
        {"chapter": chapter.pk, "subject": "Changed", "body": "y"},
    )
    assert response.status_code == 403
    newsletter.refresh_from_db()
    assert newsletter.subject == "October"


def test_resume_from_the_admin_sends_what_is_left(
    organizer_client, chapter, sent, django_capture_on_commit_callbacks
):
    member = MemberFactory(email="reader@example.org")
    MembershipFactory(
        member=member, chapter=chapter, newsletter_subscribed=True, newsletter_consent_at=timezone.now()
    )
    newsletter = Newsletter.objects.create(
        chapter=chapter, subject="October", body="x", status=Newsletter.Status.FAILED, last_error="boom"
    )
    Delivery.objects.create(newsletter=newsletter, member=member, status=Delivery.Status.FAILED, attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(reverse("admin:members_newsletter_resume", args=[newsletter.pk]))
    assert response.status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert [m["To"] for m in sent()] == ["reader@example.org"]
