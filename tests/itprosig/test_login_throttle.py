"""Failed logins are throttled per account and per client, at the site and admin logins alike.

The client is the address the trusted proxy saw (TRUSTED_PROXY_COUNT), so members behind the one
TLS proxy do not share a limit, and nobody escapes theirs by sending X-Forwarded-For themselves.
"""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import ChapterRoleFactory, MemberFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
REFUSED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # allauth counts attempts in the cache; each test starts with none and leaves none behind.
    cache.clear()
    yield
    cache.clear()


def _admin_login(client, email, password, **meta):
    return client.post(
        reverse("admin:login"),
        {"username": email, "password": password, "next": reverse("admin:index")},
        **meta,
    )


def _site_login(client, email, password, **meta):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **meta)


def _verified(member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_admin_login_after_many_wrong_passwords_refuses_the_right_one():
    organizer = ChapterRoleFactory(user=MemberFactory(email="organizer@example.org")).user
    client = Client()
    for _ in range(25):
        _admin_login(client, organizer.email, "wrong-password")
    response = _admin_login(client, organizer.email, PASSWORD)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not _logged_in(client)


def test_admin_login_is_throttled_per_client_across_accounts():
    organizer = ChapterRoleFactory(user=MemberFactory(email="organizer@example.org")).user
    client = Client()
    for number in range(10):
        _admin_login(client, f"guess{number}@example.org", "wrong-password")
    response = _admin_login(client, organizer.email, PASSWORD)
    assert REFUSED in response.content.decode()
    assert not _logged_in(client)


def test_admin_login_after_a_few_wrong_passwords_still_lets_the_organizer_in():
    organizer = ChapterRoleFactory(user=MemberFactory(email="organizer@example.org")).user
    client = Client()
    for _ in range(3):
        assert "Please enter the correct" in _admin_login(client, organizer.email, "wrong").content.decode()
    response = _admin_login(client, organizer.email, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_admin_and_site_logins_share_the_account_limit():
    organizer = _verified(ChapterRoleFactory(user=MemberFactory(email="organizer@example.org")).user)
    for _ in range(5):
        _admin_login(Client(), organizer.email, "wrong-password")
    site = Client()
    assert REFUSED in _site_login(site, organizer.email, PASSWORD).content.decode()
    assert not _logged_in(site)


def test_site_login_still_works_after_a_wrong_password():
    member = _verified(MemberFactory(email="member@example.org"))
    client = Client()
    _site_login(client, member.email, "wrong-password")
    assert _site_login(client, member.email, PASSWORD).status_code == 302
    assert _logged_in(client)


def _fail_ten_logins(**meta):
    for number in range(10):
        _site_login(Client(), f"guess{number}@example.org", "wrong-password", **meta)


def test_client_limit_ignores_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    member = _verified(MemberFactory(email="member@example.org"))
    _fail_ten_logins(HTTP_X_FORWARDED_FOR="203.0.113.1")
    # Another forwarded address means nothing: the request still comes from the same connection.
    client = Client()
    response = _site_login(client, member.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert REFUSED in response.content.decode()
    assert not _logged_in(client)


def test_client_limit_behind_one_proxy_is_per_forwarded_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    member = _verified(MemberFactory(email="member@example.org"))
    _fail_ten_logins(HTTP_X_FORWARDED_FOR="203.0.113.1")
    same_client = _site_login(Client(), member.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert REFUSED in same_client.content.decode()
    # A member behind the same proxy, from another address, logs in.
    client = Client()
    assert _site_login(client, member.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
    assert _logged_in(client)


def test_client_forging_forwarded_for_keeps_its_own_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    member = _verified(MemberFactory(email="member@example.org"))
    _fail_ten_logins(HTTP_X_FORWARDED_FOR="203.0.113.1")
    # The client adds its own entries; the proxy appends the address it saw, which stays the last.
    client = Client()
    forged = "198.51.100.7, 198.51.100.8, 203.0.113.1"
    response = _site_login(client, member.email, PASSWORD, HTTP_X_FORWARDED_FOR=forged)
    assert REFUSED in response.content.decode()
    assert not _logged_in(client)


def test_admin_throttle_behind_one_proxy_is_per_forwarded_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    organizer = ChapterRoleFactory(user=MemberFactory(email="organizer@example.org")).user
    for number in range(10):
        _admin_login(Client(), f"guess{number}@example.org", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.1")
    refused = _admin_login(Client(), organizer.email, PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.1")
    assert REFUSED in refused.content.decode()
    client = Client()
    other = _admin_login(client, organizer.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "203.0.113.1", "10.0.0.5"),
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "198.51.100.7, 203.0.113.1", "203.0.113.1"),
        (2, "198.51.100.7, 203.0.113.1, 10.0.0.9", "203.0.113.1"),
        # Fewer entries than trusted proxies, or garbage: the connecting address, never a 500.
        (2, "203.0.113.1", "10.0.0.5"),
        (1, "not-an-address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_takes_the_address_the_trusted_proxy_saw(settings, count, forwarded_for, expected):
    from itprosig.client_ip import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
