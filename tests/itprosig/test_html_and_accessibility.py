"""Every public and member page, over the demo data, is valid HTML and passes axe's WCAG 2.1 AA rules.

Runs seed_demo into the test database, serves it with live_server, visits each page in English and
in French in Chromium, and sends the served HTML to the W3C Nu checker. axe-core runs on every
English page and on the French page of each kind (the French pages share the English templates, so
only the text differs; running axe on all of them doubles the time and finds nothing new).
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from chapters.models import Chapter
from meetings.models import Meeting, Topic
from tests.support.page_checks import AXE_JS, VNU_JAR, NuChecker, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]

DEMO_PASSWORD = "itpro-demo-2026"
DEMO_MEMBER = "member@example.org"


@pytest.fixture(scope="module")
def nu_checker():
    checker = NuChecker()
    yield checker
    checker.stop()


def _public_paths():
    now = timezone.now()
    paths = [
        "/",
        "/chapters/",
        "/topics/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]
    paths.append("/chapters/no-such-chapter/")
    for chapter in Chapter.objects.order_by("slug"):
        paths.append(chapter.get_absolute_url())
        meetings = Meeting.objects.filter(chapter=chapter).exclude(status=Meeting.Status.DRAFT)
        upcoming = meetings.filter(starts_at__gt=now).order_by("starts_at").first()
        held = meetings.filter(ends_at__lt=now).order_by("-starts_at").first()
        for meeting in (upcoming, held):
            if meeting is not None:
                paths.append(meeting.get_absolute_url())
        if meetings.filter(ends_at__lt=now).count() > 12:
            paths.append(chapter.get_absolute_url() + "?page=2")
    cancelled = Meeting.objects.filter(status=Meeting.Status.CANCELLED).first()
    if cancelled:
        paths.append(cancelled.get_absolute_url())
    paths += [topic.get_absolute_url() for topic in Topic.objects.order_by("slug")]
    return paths


def _member_paths():
    member_chapters = Chapter.objects.filter(memberships__member__email=DEMO_MEMBER)
    upcoming = (
        Meeting.objects.filter(
            chapter__in=member_chapters, status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    paths = [
        "/",
        "/me/",
        "/me/profile/",
        "/me/delete/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/logout/",
        upcoming.get_absolute_url(),
        upcoming.chapter.get_absolute_url(),
    ]
    paths += [c.get_absolute_url() for c in Chapter.objects.exclude(pk__in=member_chapters).order_by("slug")]
    # Email preferences, linked from /me/, once the mail part provides them.
    preferences = _reverse_or_none("mail:preferences")
    if preferences:
        paths.append(preferences)
    return paths


def _reverse_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _kind(path):
    """Return which template a path renders: /chapters/x/meetings/3/ -> /chapters/*/meetings/*/."""
    parts = path.split("?")[0].split("/")
    named = {"chapters", "topics", "meetings"}
    kind = "/".join("*" if n and parts[n - 1] in named and part else part for n, part in enumerate(parts))
    return kind + ("?" if "?" in path else "")


def _check(page, base_url, paths, nu_checker):
    problems = {}
    french_kinds_checked = set()
    for path in paths:
        for prefix in ("", "/fr"):
            url = base_url + prefix + path
            response = page.goto(url)
            assert response is not None and response.status in (200, 404), (
                f"{url}: {response and response.status}"
            )
            found = [f"nu: {e}" for e in nu_checker.errors(response.body())]
            if not prefix or _kind(path) not in french_kinds_checked:
                found += [f"axe: {v}" for v in axe_violations(page)]
                if prefix:
                    french_kinds_checked.add(_kind(path))
            if found:
                problems[prefix + path] = found
    return problems


@pytest.fixture
def demo_data():
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    cache.clear()


def test_public_pages_are_valid_and_accessible(demo_data, live_server, browser, nu_checker):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    problems = _check(page, live_server.url, _public_paths(), nu_checker)
    context.close()
    assert problems == {}, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_member_pages_are_valid_and_accessible(demo_data, live_server, browser, nu_checker):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", DEMO_MEMBER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url("**/me/")
    problems = _check(page, live_server.url, _member_paths(), nu_checker)
    context.close()
    assert problems == {}, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_signup_and_confirmation_pages_are_valid_and_accessible(live_server, browser, nu_checker):
    problems = {}
    for prefix in ("", "/fr"):
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        email = f"a11y{prefix.strip('/')}@example.org"
        page.goto(f"{live_server.url}{prefix}/accounts/signup/")
        page.fill("input[name=display_name]", "Alex Access")
        page.fill("input[name=email]", email)
        page.fill("input[name=password1]", "Heroes-Happen-Here-2008")
        page.fill("input[name=password2]", "Heroes-Happen-Here-2008")
        with page.expect_response(lambda r: r.url.endswith("/accounts/confirm-email/")) as sent:
            page.locator("form.account-form button[type=submit]").click()
        page.wait_for_load_state()
        found = [f"nu: {e}" for e in nu_checker.errors(sent.value.body())] + axe_violations(page)
        if found:
            problems[f"{prefix} verification sent"] = found

        (message,) = [m for m in mail.outbox if email in m.to]
        link = re.search(r"https?://\S+?(/\S*confirm-email/\S+/)", message.body).group(1)
        response = page.goto(live_server.url + link)
        found = [f"nu: {e}" for e in nu_checker.errors(response.body())] + axe_violations(page)
        if found:
            problems[f"{prefix} confirm email"] = found
        context.close()
    assert problems == {}, "\n".join(f"{path}: {found}" for path, found in problems.items())
