"""The organizer's home in Chromium, English and French, on a laptop and a phone.

Each variant must show what is missing, fit the screen without sideways scrolling, pass axe's
WCAG 2.1 AA rules, and be valid HTML for the W3C Nu checker. Screenshots go to
test-results/organizer-home/.
"""

import datetime
import json
import pathlib
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chapters.models import ChapterRole
from meetings.models import RSVP, AgendaItem, Meeting
from members.newsletters.models import Delivery, Newsletter
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    VenueFactory,
)
from tests.support.page_checks import AXE_JS, VNU_JAR, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]
PASSWORD = "correct-horse-battery"
SHOTS = pathlib.Path(__file__).resolve().parents[2] / "test-results" / "organizer-home"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
HEADINGS = {"": "Your chapters", "/fr": "Vos sections"}
SEATS = {"": "3 going · 1 waitlisted · 3 seats", "/fr": "3 participeront · 1 en liste d’attente · 3 places"}
MISSING = {
    "": ["No venue", "No agenda", "talk without a speaker bio", "Not published"],
    "/fr": ["Aucun lieu", "Aucun programme", "sans biographie", "Non publiée"],
}

CUT_OFF = """(selector) => [...document.querySelectorAll(selector)]
    .filter((e) => !e.closest(".visually-hidden") && e.getBoundingClientRect().right > window.innerWidth + 1)
    .map((e) => e.tagName + "." + e.className + ": " + (e.textContent || "").trim().slice(0, 40))"""


@pytest.fixture
def month():
    """IT Pro Toronto's month: tonight's meeting, one with every gap, a draft, a newsletter going out."""
    now = timezone.now()
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto", time_zone="America/Toronto")
    # In 20 minutes, or 40 minutes ago when that would be after midnight in Toronto (tomorrow's).
    tonight_starts = now + datetime.timedelta(minutes=20)
    if timezone.localdate(tonight_starts, toronto.tzinfo) != timezone.localdate(now, toronto.tzinfo):
        tonight_starts -= datetime.timedelta(hours=1)
    venue = VenueFactory(chapter=toronto, name="King-Street-Conference-Centre,Room-204-(north-tower)-Toronto")
    organizer = MemberFactory(email="organizer.toronto@example.org", display_name="Theo Organizer")
    ChapterRoleFactory(user=organizer, chapter=toronto, role=ChapterRole.Role.ORGANIZER)
    tonight = MeetingFactory(
        chapter=toronto,
        venue=venue,
        title="Hyper-V in production: clusters, storage and live migration",
        starts_at=tonight_starts,
        capacity=3,
    )
    AgendaItemFactory(meeting=tonight, speaker="Avery Example", speaker_bio="Runs clusters.")
    for _ in range(3):
        RSVPFactory(meeting=tonight)
    RSVPFactory(meeting=tonight, status=RSVP.Status.WAITLISTED, waitlisted_at=now)
    MeetingFactory(
        chapter=toronto,
        venue=None,
        title="Where and what, to be decided",
        starts_at=now + datetime.timedelta(days=10),
    )
    draft = MeetingFactory(
        chapter=toronto,
        venue=venue,
        title="PowerShell snack night",
        status=Meeting.Status.DRAFT,
        starts_at=now + datetime.timedelta(days=12),
    )
    AgendaItemFactory(meeting=draft, kind=AgendaItem.Kind.SHORT, speaker_bio="")
    newsletter = Newsletter.objects.create(
        chapter=toronto,
        subject="December: https://itprotoronto.example.org/newsletters/december2026holidaypartyandmore",
        body="Hello.",
        status="sending",
        recipient_count=4,
    )
    Delivery.objects.bulk_create(
        Delivery(newsletter=newsletter, member=MemberFactory(), status=status)
        for status in ("sent", "sent", "sent", "pending")
    )
    return {"organizer": organizer, "tonight": tonight}


def _log_in(page, base):
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Email address").fill("organizer.toronto@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _nu_errors(saved):
    """Check every saved page with one run of the Nu checker."""
    run = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *saved],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    problems = {}
    for message in json.loads(run.stdout or '{"messages": []}')["messages"]:
        name = saved.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        problems.setdefault(name, []).append(f"line {message.get('lastLine')}: {message.get('message')}")
    return problems


def test_organizer_home_fits_laptop_and_phone_in_english_and_french(browser, live_server, month, tmp_path):
    base = live_server.url
    saved, axe_problems, too_wide = {}, {}, {}
    door = f"/checkin/{month['tonight'].pk}/"
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, is_mobile=device == "phone")
        page = context.new_page()
        _log_in(page, base)
        for prefix, heading in HEADINGS.items():
            name = f"{device}{prefix or '/en'}"
            response = page.goto(f"{base}{prefix}/admin/")
            assert response.status == 200, name
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            home = page.locator(".organizer-home")
            for gap in MISSING[prefix]:
                expect(home).to_contain_text(gap)
            expect(home).to_contain_text(SEATS[prefix])
            expect(page.locator(f'a[href="{prefix}{door}"]')).to_be_visible()
            expect(page.locator("progress.home-progress")).to_have_attribute("value", "3")

            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / f"{name.replace('/', '-')}.png", full_page=True)
            widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                too_wide[name] = widths
            # Nothing of the home sticks out past the screen's edge, even where a box would clip it.
            cut = page.evaluate(CUT_OFF, ".organizer-home *")
            if cut:
                too_wide[name + " cut off"] = cut
            found = axe_violations(page)
            if found:
                axe_problems[name] = found
            file = tmp_path / f"{device}{prefix.replace('/', '-') or '-en'}.html"
            file.write_bytes(response.body())
            saved[str(file)] = name
        context.close()

    assert too_wide == {}, f"pages wider than the screen (scrollWidth, innerWidth): {too_wide}"
    assert axe_problems == {}
    assert _nu_errors(saved) == {}


def test_admin_lists_and_meeting_editor_fit_a_phone(browser, live_server, month):
    """The admin stylesheet keeps the meeting list, the RSVP list and the editor within 390 px."""
    base = live_server.url
    meeting = month["tonight"]
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True)
    page = context.new_page()
    _log_in(page, base)
    too_wide = {}
    for prefix in HEADINGS:
        for path in (
            "/admin/meetings/meeting/",
            f"/admin/meetings/rsvp/?meeting__id__exact={meeting.pk}",
            f"/admin/meetings/meeting/{meeting.pk}/change/",
            "/admin/meetings/meeting/add/",
        ):
            response = page.goto(f"{base}{prefix}{path}")
            assert response.status == 200, prefix + path
            widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                too_wide[prefix + path] = widths
    context.close()
    assert too_wide == {}, f"pages wider than the screen (scrollWidth, innerWidth): {too_wide}"
