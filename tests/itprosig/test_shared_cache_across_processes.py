"""Two gunicorn processes sharing one Redis cache: a change made through one is on the other's next page.

Both servers run the production settings against the test's database and a Redis database of this
test's own. Each page is first read through both (so each process holds its copy), then a member
RSVPs and an organizer renames the meeting through server A, with a real login and CSRF token; the
very next read of each page through server B must show the change, to an anonymous visitor and to
the logged-in member. A per-process cache (locmemcache://) fails this test: B keeps its stale copy.
"""

import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
import redis
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from tests.factories import ChapterFactory, ChapterRoleFactory, MeetingFactory, MemberFactory, RSVPFactory
from tests.support.html_forms import read_form, without_templates
from tests.support.servers import WebServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# A Redis database no other part of the suite or the benchmark (12 and 13) uses; flushed by the test.
CACHE_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "correct-horse-battery"
TITLE, NEW_TITLE = "Hyper-V in production", "Storage Spaces Direct at scale"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: a cookie jar shared by both servers (they are one site), redirects not followed."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers, answer.read().decode(errors="replace")

    def get(self, url):
        status, _headers, html = self.request(url)
        assert status == 200, f"GET {url} answered {status}:\n{html[:2000]}"
        return html

    def post(self, url, data):
        """POST a form; return where the answer redirects to (a refused form answers 200 or 4xx)."""
        status, headers, html = self.request(url, data)
        assert status == 302, f"POST {url} answered {status}:\n{html[:2000]}"
        return headers["Location"]

    def log_in(self, server, email):
        page = self.get(server.url + reverse("account_login"))
        location = self.post(
            server.url + reverse("account_login"),
            {"csrfmiddlewaretoken": csrf_token(page), "login": email, "password": PASSWORD},
        )
        assert location == reverse("members:me"), f"the login went to {location}"


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _account(email, name):
    """A member who may log in with PASSWORD, hashed as production hashes it."""
    hasher = PBKDF2PasswordHasher()
    member = MemberFactory(email=email, display_name=name)
    member.password = hasher.encode(PASSWORD, hasher.salt())
    member.save(update_fields=["password"])
    EmailAddress.objects.create(user=member, email=email, verified=True, primary=True)
    return member


@pytest.fixture
def servers(transactional_db):
    redis.Redis.from_url(CACHE_URL).flushdb()
    pair = [WebServer(name="a", cache_url=CACHE_URL), WebServer(name="b", cache_url=CACHE_URL)]
    try:
        for server in pair:
            server.start()
        for server in pair:
            server.wait_until_ready()
        yield pair
    finally:
        for server in pair:
            server.stop()
        redis.Redis.from_url(CACHE_URL).flushdb()


@pytest.fixture
def toronto(transactional_db):
    chapter = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    meeting = MeetingFactory(chapter=chapter, title=TITLE, capacity=30)
    for n in range(2):
        RSVPFactory(meeting=meeting, member=MemberFactory(email=f"going{n}@example.org"))
    ChapterRoleFactory(chapter=chapter, user=_account("organizer@example.org", "Olivia Organizer"))
    _account("member@example.org", "Max Member")
    return chapter, meeting


def _my_rsvp(html):
    """The member's own answer on a meeting page ("" when they have not answered)."""
    found = re.search(r'<p class="[^"]*" id="my-rsvp">\s*(.*?)\s*</p>', html, re.S)
    return found.group(1) if found else ""


def test_a_change_made_through_one_process_is_on_the_others_next_page(servers, toronto):
    a, b = servers
    chapter, meeting = toronto
    chapter_path, meeting_path = chapter.get_absolute_url(), meeting.get_absolute_url()
    visitor, member, organizer = Browser(), Browser(), Browser()
    with ThreadPoolExecutor(2) as pool:
        # Logins are the slow part (production's password hashing): one on each server at once.
        logins = [
            pool.submit(member.log_in, a, "member@example.org"),
            pool.submit(organizer.log_in, b, "organizer@example.org"),
        ]
        for login in logins:
            login.result()

    # Every page read through both processes, so each holds its own copy.
    for server in (a, b):
        for path in (chapter_path, meeting_path):
            page = visitor.get(server.url + path)
            assert TITLE in page and "2 going" in page
        page = member.get(server.url + meeting_path)
        assert "2 going" in page and _my_rsvp(page) == ""
        assert TITLE not in member.get(server.url + "/me/")

    # The member says they are going, through A's form.
    form_page = member.get(a.url + meeting_path)
    member.post(
        a.url + reverse("meetings:rsvp", args=[chapter.slug, meeting.pk]),
        {"csrfmiddlewaretoken": csrf_token(form_page), "answer": "going"},
    )

    for path in (chapter_path, meeting_path):
        page = visitor.get(b.url + path)
        assert "3 going" in page and "2 going" not in page, f"B kept its copy of {path}"
    page = member.get(b.url + meeting_path)
    assert _my_rsvp(page) == "You are going." and "3 going" in page
    assert TITLE in member.get(b.url + "/me/"), "B kept its copy of /me/"

    # The organizer renames the meeting in A's admin.
    change_url = a.url + reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = without_templates(read_form(organizer.get(change_url), "meeting_form"))
    form["title"] = [NEW_TITLE]
    assert organizer.post(change_url, form) == reverse("admin:meetings_meeting_changelist")

    for path in (chapter_path, meeting_path):
        page = visitor.get(b.url + path)
        assert NEW_TITLE in page and TITLE not in page, f"B kept its copy of {path}"
    page = member.get(b.url + meeting_path)
    assert NEW_TITLE in page and TITLE not in page
    assert _my_rsvp(page) == "You are going."
    page = member.get(b.url + "/me/")
    assert NEW_TITLE in page and TITLE not in page, "B kept its copy of /me/"
