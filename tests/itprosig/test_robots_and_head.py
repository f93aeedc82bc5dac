"""What crawlers and browsers read besides the page: /robots.txt, the language alternates, the icon."""

import re
from urllib.robotparser import RobotFileParser

import pytest
from django.contrib.staticfiles import finders

from tests.factories import ChapterFactory

pytestmark = pytest.mark.django_db


def _robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser


def test_robots_txt_lets_crawlers_read_public_pages_in_every_language(client):
    chapter = ChapterFactory()
    robots = _robots(client)
    for path in ("/", f"/chapters/{chapter.slug}/", "/topics/", "/fr/", f"/fr/chapters/{chapter.slug}/"):
        assert robots.can_fetch("*", path), path


def test_robots_txt_keeps_crawlers_out_of_private_pages_in_every_language(client):
    robots = _robots(client)
    for path in ("/admin/", "/fr/admin/", "/accounts/login/", "/fr/accounts/signup/", "/me/", "/fr/me/",
                 "/reports/", "/checkin/"):  # fmt: skip
        assert not robots.can_fetch("*", path), path


def _alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_pages_name_their_languages_by_absolute_address(client):
    chapter = ChapterFactory()
    english = client.get(f"/chapters/{chapter.slug}/").content.decode()
    french = client.get(f"/fr/chapters/{chapter.slug}/").content.decode()
    addresses = {
        "en": f"http://testserver/chapters/{chapter.slug}/",
        "fr": f"http://testserver/fr/chapters/{chapter.slug}/",
    }
    assert _alternates(english) == addresses
    assert _alternates(french) == addresses


def test_pages_link_an_icon_that_exists(client):
    html = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert icon is not None
    assert finders.find(icon.group(1)) is not None
