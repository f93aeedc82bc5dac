"""allauth's emails go through the outbox like every other email."""

import pytest
from django.urls import reverse

from members.mail.models import OutboxMessage
from tests.support.mail import body

pytestmark = pytest.mark.django_db


def test_signup_verification_email_goes_through_the_outbox(client, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "display_name": "Nadia Newcomer",
                "email": "newcomer@example.org",
                "password1": "a-Long-pass-phrase-42",
                "password2": "a-Long-pass-phrase-42",
            },
        )
    assert response.status_code == 302
    row = OutboxMessage.objects.get(kind="account")
    assert row.status == OutboxMessage.Status.SENT and row.member.email == "newcomer@example.org"
    (message,) = sent()
    assert message["To"] == "newcomer@example.org"
    assert "/accounts/confirm-email/" in body(message)
    assert "/accounts/confirm-email/" in body(message, "text/html")


def test_password_reset_in_french(client, sent, django_capture_on_commit_callbacks):
    from tests.factories import MemberFactory

    MemberFactory(email="fr@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/accounts/password/reset/", {"email": "fr@example.org"})
    (message,) = sent()
    assert "/fr/accounts/password/reset/key/" in body(message)
