import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.factories import (
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    SponsorLiaisonFactory,
)

pytestmark = pytest.mark.django_db


def _has_reports_link(client):
    return f'href="{reverse("reports:index")}"' in client.get("/chapters/").content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", False), ("member", False), ("volunteer", False), ("organizer", True), ("liaison", True),
     ("superuser", True)],
)  # fmt: skip
def test_reports_link_only_for_those_who_may_read_reports(client, role, expected):
    user = None
    if role == "member":
        user = MemberFactory()
    elif role in ("volunteer", "organizer"):
        user = ChapterRoleFactory(role=role).user
    elif role == "liaison":
        user = SponsorLiaisonFactory().user
    elif role == "superuser":
        user = MemberFactory(is_superuser=True, is_staff=True)
    if user is not None:
        client.force_login(user)
    assert _has_reports_link(client) is expected


def test_login_redirects_to_page_in_members_language(client):
    member = MemberFactory(email="francine@example.org", preferred_language="fr")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/me/"


def test_profile_language_change_switches_pages(client):
    member = MemberFactory()
    client.force_login(member)
    response = client.post(
        reverse("members:profile"),
        {"display_name": "Jo", "preferred_language": "fr", "time_zone": "America/Montreal"},
    )
    assert response["Location"] == "/fr/me/profile/"
    assert "Votre profil est enregistré" in client.get(response["Location"]).content.decode()


def test_past_meeting_attendance_counts_checkins_and_walk_in_guests(client):
    import datetime

    from django.utils import timezone

    start = timezone.now() - datetime.timedelta(days=7)
    meeting = MeetingFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=3), guest_count=4)
    for _ in range(3):
        RSVPFactory(meeting=meeting, checked_in_at=start)
    RSVPFactory(meeting=meeting)
    assert "7 attended" in client.get(meeting.get_absolute_url()).content.decode()
    assert "7 attended" in client.get(meeting.chapter.get_absolute_url()).content.decode()


def test_unknown_page_has_site_layout_and_no_server_error(client):
    ChapterFactory()
    response = client.get("/nowhere/at/all/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_signup_in_french_remembers_french(client):
    from members.models import Member

    response = client.post(
        "/fr/accounts/signup/",
        {
            "display_name": "Nouveau Membre",
            "email": "nouveau@example.org",
            "password1": "Heroes-Happen-Here-2008",
            "password2": "Heroes-Happen-Here-2008",
        },
    )
    assert response.status_code == 302
    assert Member.objects.get(email="nouveau@example.org").preferred_language == "fr"


def test_request_for_an_unknown_host_gets_a_400_page_not_a_server_error(client):
    from django.test import Client

    response = Client(HTTP_HOST="not-our-site.example", raise_request_exception=False).get("/")
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()
