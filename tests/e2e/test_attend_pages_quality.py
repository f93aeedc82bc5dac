"""Check-in and report pages over the demo data: valid HTML (Nu checker) and axe's WCAG 2.1 AA rules."""

import json
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetings.checkin.links import checkin_path
from meetings.models import RSVP, Meeting
from tests.support.page_checks import AXE_JS, VNU_JAR, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]
PASSWORD = "itpro-demo-2026"


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)
    held = (
        Meeting.objects.filter(
            chapter__slug="it-pro-toronto", status="scheduled", starts_at__lt=timezone.now()
        )
        .order_by("-starts_at")
        .first()
    )
    return {"held": held, "rsvp": RSVP.objects.filter(meeting=held, status="going").first()}


def _log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()


def _visit(page, base, paths, saved, folder):
    """Open each page, run axe on it, keep its HTML for the Nu checker; return axe's findings."""
    problems = {}
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        file = folder / f"page{len(saved)}.html"
        file.write_bytes(response.body())
        saved[str(file)] = path
        found = axe_violations(page)
        if found:
            problems[path] = found
    return problems


def _nu_errors(saved):
    """Check every saved page with one run of the Nu checker (one JVM start, however busy the machine)."""
    run = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *saved],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    problems = {}
    for message in json.loads(run.stdout or '{"messages": []}')["messages"]:
        path = saved.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        problems.setdefault(path, []).append(f"line {message.get('lastLine')}: {message.get('message')}")
    return problems


def test_attend_pages_are_valid_and_accessible(browser, live_server, demo, tmp_path):
    held = demo["held"]
    saved = {}
    volunteer = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = volunteer.new_page()
    _log_in(page, live_server.url, "volunteer.toronto@example.org")
    door = [
        f"/checkin/{held.pk}/",
        f"/checkin/{held.pk}/?q=a",
        checkin_path(demo["rsvp"]),
        f"/fr/checkin/{held.pk}/",
    ]
    problems = _visit(page, live_server.url, door, saved, tmp_path)
    volunteer.close()

    for email in ("organizer.toronto@example.org", "liaison@example.org"):
        context = browser.new_context()
        page = context.new_page()
        _log_in(page, live_server.url, email)
        paths = [
            "/reports/",
            "/reports/chapters/it-pro-toronto/",
            f"/reports/meetings/{held.pk}/",
            "/reports/network/",
            "/fr/reports/chapters/it-pro-toronto/",
        ]
        found = _visit(page, live_server.url, paths, saved, tmp_path)
        problems.update({f"{email} {path}": v for path, v in found.items()})
        context.close()

    # The member's own view of the code (here logged out, as from the email on a phone).
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    problems.update(
        _visit(visitor.new_page(), live_server.url, [checkin_path(demo["rsvp"])], saved, tmp_path)
    )
    visitor.close()

    assert problems == {}, "axe"
    assert _nu_errors(saved) == {}, "Nu checker"
