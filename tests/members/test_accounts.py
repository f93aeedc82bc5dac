"""Accounts that feel like the product: a name at sign-up, one-click confirmation, login by code, and
allauth's emails in the site's layout under the site's name (never the host a request came in on)."""

import re
import zoneinfo
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format

from members.mail.models import OutboxMessage
from members.models import Member
from tests.factories import MemberFactory
from tests.support.mail import body

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-phrase-42"
NEW_PASSWORD = "An-other-pass-phrase-43"
SITE = "https://members.itpro.example"


@pytest.fixture(autouse=True)
def site_settings(settings):
    """Name the site and give it an address unlike the test client's host ("testserver").

    The cache is emptied: allauth's rate limits (one confirmation email per address every three
    minutes) live there.
    """
    cache.clear()
    settings.SITE_NAME = "IT Pro Network"
    settings.SITE_URL = SITE
    return settings


def _sign_up(client, capture, *, prefix="", name="Nadia Tremblay", email="nadia@example.org"):
    with capture(execute=True):
        return client.post(
            f"{prefix}/accounts/signup/",
            {"display_name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        )


def _link(message, path_fragment):
    match = re.search(rf"https?://[^/\s]+(\S*{path_fragment}\S*)", body(message))
    assert match, body(message)
    return match.group(0), match.group(1)


FOOTER = {
    "en": "You receive this email because this address was used on IT Pro Network",
    "fr": "Vous recevez ce courriel parce que cette adresse a été utilisée sur IT Pro Network",
}


def _assert_branded(message, language="en"):
    """HTML and text parts, the site's name, a button, a filled footer, and no request host anywhere."""
    html = body(message, "text/html")
    text = body(message)
    wire = message.as_string()
    assert "testserver" not in wire
    assert "Hello from" not in text
    assert "IT Pro Network" in message["Subject"]
    assert message["From"] == "IT Pro Network <noreply@itprosig.example.org>"
    assert "IT Pro Network" in text and "IT Pro Network" in html
    button = re.search(r'<a href="([^"]+)" style="display:inline-block[^"]*">([^<]+)</a>', html)
    assert button and button.group(1).startswith(SITE + "/"), html
    assert FOOTER[language] in html and FOOTER[language] in text
    return button.group(1), button.group(2)


def test_signup_asks_a_display_name_and_refuses_a_blank_one(client, django_capture_on_commit_callbacks):
    response = _sign_up(client, django_capture_on_commit_callbacks, name="   ")
    assert response.status_code == 200
    assert "Tell us your name." in response.content.decode()
    assert not Member.objects.filter(email="nadia@example.org").exists()


def test_signup_refuses_a_name_with_line_breaks(client, django_capture_on_commit_callbacks):
    response = _sign_up(client, django_capture_on_commit_callbacks, name="Nadia\r\nBcc: all@example.org")
    assert response.status_code == 200
    assert "line breaks and control characters are not allowed" in response.content.decode()
    assert not Member.objects.exists()


def test_signup_page_asks_the_name_first(client):
    html = client.get("/accounts/signup/").content.decode()
    assert html.index('name="display_name"') < html.index('name="email"')
    assert "<h1>Sign up</h1>" in html and "Sign Up" not in html


def test_signup_confirmation_email_is_branded_and_greets_by_name(
    client, sent, django_capture_on_commit_callbacks
):
    response = _sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Member.objects.get(email="nadia@example.org").display_name == "Nadia Tremblay"
    (message,) = sent()
    url, label = _assert_branded(message)
    assert label == "Confirm my email address"
    assert url.startswith(f"{SITE}/accounts/confirm-email/")
    assert "Hello Nadia Tremblay," in body(message)
    assert "nadia@example" not in body(message).split("Hello", 1)[1].split(",", 1)[0]
    assert OutboxMessage.objects.get(kind="account").member.email == "nadia@example.org"


def test_confirmation_link_confirms_and_logs_in_on_one_click_in_the_browser_that_signed_up(
    client, sent, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    (message,) = sent()
    _url, path = _link(message, "/confirm-email/")
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0] == "/me/"
    assert "Hello, Nadia Tremblay" in response.content.decode()
    assert EmailAddress.objects.get(email="nadia@example.org").verified


def test_confirmation_link_opened_elsewhere_asks_for_the_click(
    client, sent, django_capture_on_commit_callbacks
):
    """A mail scanner opening the link (no sign-up session) confirms nothing."""
    from django.test import Client

    _sign_up(client, django_capture_on_commit_callbacks)
    (message,) = sent()
    _url, path = _link(message, "/confirm-email/")
    scanner = Client()
    response = scanner.get(path)
    assert response.status_code == 200
    assert not EmailAddress.objects.get(email="nadia@example.org").verified
    assert 'type="submit"' in response.content.decode()
    scanner.post(path)
    assert EmailAddress.objects.get(email="nadia@example.org").verified


def test_signup_in_french_sends_a_french_email(client, sent, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _sign_up(client, capture, prefix="/fr", name="Élise Roy", email="elise@example.org")
    (message,) = sent()
    _url, label = _assert_branded(message, "fr")
    assert message["Subject"] == "Confirmez votre adresse courriel · IT Pro Network"
    assert label == "Confirmer mon adresse courriel"
    assert "Bonjour Élise Roy," in body(message)
    assert "/fr/accounts/confirm-email/" in body(message)
    assert 'lang="fr"' in body(message, "text/html")


def test_password_reset_email_is_branded(client, sent, django_capture_on_commit_callbacks):
    MemberFactory(email="reset@example.org", display_name="Rémi")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "reset@example.org"})
    (message,) = sent()
    url, label = _assert_branded(message)
    assert label == "Choose a new password"
    assert url.startswith(f"{SITE}/accounts/password/reset/key/")
    assert "Hello Rémi," in body(message)


def test_password_reset_for_an_unknown_address_offers_sign_up(
    client, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/accounts/password/reset/", {"email": "nobody@example.org"})
    (message,) = sent()
    url, label = _assert_branded(message, "fr")
    assert url == f"{SITE}/fr/accounts/signup/" and label == "S’inscrire"
    assert "Bonjour," in body(message)


def test_signup_with_a_taken_address_emails_its_owner(client, sent, django_capture_on_commit_callbacks):
    MemberFactory(email="taken@example.org", display_name="Tom")
    _sign_up(client, django_capture_on_commit_callbacks, email="taken@example.org")
    (message,) = sent()
    url, label = _assert_branded(message)
    assert label == "Log in" and url == f"{SITE}/accounts/login/"
    assert "already has an account" in body(message)


def test_login_by_code_logs_in_with_the_emailed_code(
    client, verified_member, sent, django_capture_on_commit_callbacks
):
    verified_member.display_name = "Carole"
    verified_member.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/code/", {"email": verified_member.email})
    assert response.status_code == 302
    (message,) = sent()
    url, label = _assert_branded(message)
    assert label == "Enter my code" and url == f"{SITE}/accounts/login/code/confirm/"
    code = re.search(r"^    (\S+)$", body(message), re.M).group(1)
    assert code in body(message, "text/html")
    response = client.post("/accounts/login/code/confirm/", {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == "/me/"
    assert "Hello, Carole" in response.content.decode()


def test_login_by_code_refuses_a_wrong_code(
    client, verified_member, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/code/", {"email": verified_member.email})
    response = client.post("/accounts/login/code/confirm/", {"code": "WRONG1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_change_notice_is_branded_in_the_members_time_zone(
    member_client, sent, django_capture_on_commit_callbacks
):
    member = member_client.member
    member.set_password(PASSWORD)
    member.time_zone = "America/Moncton"
    member.save()
    member_client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    (message,) = sent()
    _url, label = _assert_branded(message)
    assert label == "Choose a new password"
    assert "The password of your IT Pro Network account was changed." in body(message)
    when = body(message).split("When: ", 1)[1].split("\n", 1)[0]
    moncton = zoneinfo.ZoneInfo("America/Moncton")
    now = timezone.now()
    moments = (now, now - timedelta(minutes=1))
    assert when in {date_format(timezone.localtime(moment, moncton), "DATETIME_FORMAT") for moment in moments}


@pytest.mark.parametrize("prefix", ["", "/fr"])
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/login/code/",
        "/accounts/confirm-email/not-a-key/",
    ],
)
def test_account_pages_use_the_sites_words(client, prefix, path):
    response = client.get(prefix + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="account-form' in html or "<h1>" in html
    for allauth_word in ("Sign In", "Sign Up", "Sign Out", "sign-in code"):
        assert allauth_word not in html


def test_logout_page_asks_in_the_sites_words(member_client):
    html = member_client.get("/fr/accounts/logout/").content.decode()
    assert "<h1>Se déconnecter</h1>" in html and "Voulez-vous vous déconnecter" in html


@pytest.mark.parametrize("prefix", ["", "/fr"])
@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/"])
def test_member_account_pages_use_the_sites_words(member_client, prefix, path):
    response = member_client.get(prefix + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="account-form' in html
    for allauth_words in ("Change Password", "Email Addresses", "Make Primary", "Re-send Verification"):
        assert allauth_words not in html


def test_login_code_email_in_french_reads_as_french(
    client, verified_member, sent, django_capture_on_commit_callbacks
):
    verified_member.display_name = "Élise"
    verified_member.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/accounts/login/code/", {"email": verified_member.email})
    (message,) = sent()
    url, label = _assert_branded(message, "fr")
    assert message["Subject"] == "Votre code de connexion · IT Pro Network"
    assert label == "Saisir mon code" and url == f"{SITE}/fr/accounts/login/code/confirm/"
    text = body(message)
    assert text.startswith("Bonjour Élise,") and "Il est valable 10 minutes." in text
    assert "Saisir mon code :" in text


def test_an_allauth_email_without_words_of_ours_still_comes_in_the_sites_layout(
    sent, django_capture_on_commit_callbacks
):
    """A newer allauth may send an email we do not know yet: it keeps allauth's text, in our layout."""
    from members.adapter import AccountAdapter

    with django_capture_on_commit_callbacks(execute=True):
        AccountAdapter().send_mail("account/email/password_reset_code", "who@example.org", {"code": "XK7Q"})
    (message,) = sent()
    url, label = _assert_branded(message)
    assert url == f"{SITE}/" and label == "Go to IT Pro Network"
    assert "XK7Q" in body(message) and body(message).count("Hello") == 1
