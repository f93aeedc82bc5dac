"""A volunteer checks three members in on a phone; the report counts them, and its chart matches its table."""

import base64
import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from chapters.models import ChapterRole
from meetings.models import RSVP
from tests.factories import ChapterFactory, ChapterRoleFactory, MeetingFactory, MemberFactory, RSVPFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
ARRIVING = ["Grace Hopper", "Alan Turing", "Katherine Johnson"]
ABSENT = ["Edsger Dijkstra", "Barbara Liskov"]


def _account(email, name):
    user = MemberFactory(email=email, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def tonight():
    chapter = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    start = timezone.now() - datetime.timedelta(minutes=20)
    meeting = MeetingFactory(
        chapter=chapter,
        title="PowerShell Snacks night",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )
    for name in ARRIVING + ABSENT:
        RSVPFactory(meeting=meeting, member__display_name=name)
    volunteer = _account("volunteer.toronto@example.org", "Vera Volunteer")
    ChapterRoleFactory(user=volunteer, chapter=chapter, role=ChapterRole.Role.VOLUNTEER)
    organizer = _account("organizer.toronto@example.org", "Theo Organizer")
    ChapterRoleFactory(user=organizer, chapter=chapter, role=ChapterRole.Role.ORGANIZER)
    return meeting


def _log_in(page, base, email, next_path):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"{base}{next_path}")


def _chart_values(page, table):
    """Return the values a pygal chart image carries, decoded from its data: URI."""
    src = page.locator(f'img.report-chart[data-table="{table}"]').get_attribute("src")
    svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
    return [int(float(v)) for v in re.findall(r'<desc class="value">([^<]*)</desc>', svg)]


def test_attend_volunteer_checks_in_three_on_a_phone_and_report_counts_them(browser, live_server, tonight):
    base = live_server.url
    door = f"/checkin/{tonight.pk}/"
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    _log_in(page, base, "volunteer.toronto@example.org", door)
    expect(page.get_by_role("heading", name="PowerShell Snacks night")).to_be_visible()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    totals = page.locator("[data-checkin-totals]")
    for count, name in enumerate(ARRIVING, start=1):
        # Narrow the list as a volunteer would, then tap the member's button.
        page.get_by_label("Find a member by name or email").fill(name.split()[0])
        row = page.locator("#checkin-list li", has_text=name)
        expect(page.locator("#checkin-list li:visible")).to_have_count(1)
        row.get_by_role("button", name=f"Check in {name}").tap()
        expect(page.get_by_role("status").filter(has_text=f"{name} is checked in.")).to_be_visible()
        expect(page.locator("#checkin-list li", has_text=name).get_by_role("button")).to_have_text(
            re.compile("Undo check-in")
        )
        expect(totals.locator('[data-total="checked_in"]')).to_have_text(str(count))
    expect(totals.locator('[data-total="still_expected"]')).to_have_text(str(len(ABSENT)))

    # The taps were saved, not just drawn: a fresh load shows the same.
    page.reload()
    expect(totals.locator('[data-total="present"]')).to_have_text("3")
    checked = set(
        RSVP.objects.filter(meeting=tonight, checked_in_at__isnull=False).values_list(
            "member__display_name", flat=True
        )
    )
    assert checked == set(ARRIVING)
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    report = f"/reports/chapters/{tonight.chapter.slug}/"
    _log_in(page, base, "organizer.toronto@example.org", report)
    expect(page.locator('[data-figure="attendance"]')).to_have_text("3")
    expect(page.locator('[data-figure="meetings_held"]')).to_have_text("1")
    expect(page.locator('[data-figure="unique_attendees"]')).to_have_text("3")

    row = page.locator('table[data-table="meetings"] tbody tr', has_text="PowerShell Snacks night")
    cells = row.locator("td").all_inner_texts()
    # Going, waitlisted, checked in, guests, attendance, no-shows.
    assert cells[1:] == ["5", "0", "3", "0", "3", "2"]
    table_attendance = [
        int(text)
        for text in page.locator('table[data-table="meetings"] tbody tr td:nth-child(7)').all_inner_texts()
    ]
    assert _chart_values(page, "meetings") == table_attendance == [3]

    attendees = page.locator('table[data-table="attendees"] tbody').inner_text()
    for name in ARRIVING:
        assert name in attendees
    for name in ABSENT:
        assert name not in attendees
    desk.close()
