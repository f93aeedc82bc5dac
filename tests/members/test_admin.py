"""Members and memberships in the admin: superusers manage accounts, organizers memberships."""

import pytest
from django.urls import reverse

from members.models import Member, Membership
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_admin_superuser_creates_a_member_who_can_log_in(client, world):
    assert client.login(email="admin@example.org", password=PASSWORD)
    response = client.post(
        reverse("admin:members_member_add"),
        {
            "email": "Dana.New@Example.org",
            "display_name": "Dana New",
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Member.objects.get(display_name="Dana New")
    assert member.email == "dana.new@example.org"
    assert not member.is_staff
    client.logout()
    assert client.login(email="dana.new@example.org", password="a-long-unusual-passphrase")


def test_admin_organizer_reads_a_member_without_password_or_access_flags(client, world):
    assert client.login(email="organizer@example.org", password=PASSWORD)
    member = world["users"]["member"]
    page = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert member.email in page
    assert "pbkdf2" not in page and "md5$" not in page
    assert "is_superuser" not in page


def _membership_post(member, chapter, **extra):
    return {
        "member": member.pk,
        "chapter": chapter.pk,
        "joined_at_0": "2026-11-01",
        "joined_at_1": "19:00:00",
        "source": "admin",
        "newsletter_consent_source": "",
        **extra,
    }


def test_admin_organizer_cannot_add_a_membership_to_another_chapter(client, world):
    assert client.login(email="organizer@example.org", password=PASSWORD)
    member = world["users"]["member"]
    response = client.post(
        reverse("admin:members_membership_add"), _membership_post(member, world["chapters"]["montreal"])
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Membership.objects.filter(chapter=world["chapters"]["montreal"]).exists()


def test_admin_superuser_cannot_create_a_second_account_for_an_address(client, world):
    assert client.login(email="admin@example.org", password=PASSWORD)
    response = client.post(
        reverse("admin:members_member_add"),
        {
            "email": "MEMBER@example.org",
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 200
    assert "A member with this email address already exists." in response.content.decode()
    assert Member.objects.filter(email__iexact="member@example.org").count() == 1
