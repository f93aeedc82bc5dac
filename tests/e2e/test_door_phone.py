"""The door on a phone (390x844), in English and French: search, check in, the result beside the form
and still there after a reload, a hint when nobody matches, two people of the same name told apart;
then the organizer's RSVP list on the same phone. Both pages pass the Nu checker and axe."""

import datetime
import json
import subprocess

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from chapters.models import ChapterRole
from meetings.models import RSVP
from members.models import Member
from tests.factories import ChapterFactory, ChapterRoleFactory, MeetingFactory, MemberFactory, RSVPFactory
from tests.support.page_checks import AXE_JS, VNU_JAR, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]
PASSWORD = "correct-horse-battery"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WORDS = {
    "en": {
        "search": "Find a member by name or email",
        "search_button": "Search",
        "check_in": "Check in Grace Hopper",
        "checked_in": "Grace Hopper is checked in.",
        "no_match": "Nobody on the list matches “Zelda”.",
        "rsvp_heading": "RSVPs: Intune night",
    },
    "fr": {
        "search": "Trouver un membre par nom ou courriel",
        "search_button": "Rechercher",
        "check_in": "Enregistrer l’arrivée de Grace Hopper",
        "checked_in": "Grace Hopper est arrivé·e",
        "no_match": "Personne sur la liste ne correspond à « Zelda ».",
        "rsvp_heading": "Réponses : Intune night",
    },
}


def _account(email, name, language="en"):
    user = MemberFactory(email=email, display_name=name, preferred_language=language)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def tonight():
    chapter = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    # To the minute, as organizers enter them.
    start = (timezone.now() - datetime.timedelta(minutes=20)).replace(second=0, microsecond=0)
    meeting = MeetingFactory(
        chapter=chapter, title="Intune night", starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    RSVPFactory(meeting=meeting, member__display_name="Grace Hopper", member__email="grace@example.org")
    RSVPFactory(meeting=meeting, member__display_name="Sam Lee", member__email="samuel@corp.example")
    RSVPFactory(meeting=meeting, member__display_name="Sam Lee", member__email="slee@home.example")
    RSVPFactory(
        meeting=meeting, member__display_name="Wes Waiting", status="waitlisted", waitlisted_at=timezone.now()
    )
    ChapterRoleFactory(
        user=_account("volunteer@example.org", "Vera Volunteer"),
        chapter=chapter,
        role=ChapterRole.Role.VOLUNTEER,
    )
    ChapterRoleFactory(user=_account("organizer@example.org", "Theo Organizer"), chapter=chapter)
    return meeting


@pytest.fixture
def organizer_speaks(tonight, language):
    # The admin speaks the organizer's preferred language.
    Member.objects.filter(email="organizer@example.org").update(preferred_language=language)


def _log_in(page, base, prefix, email, next_path):
    page.goto(f"{base}{prefix}/accounts/login/?next={next_path}")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"{base}{next_path}")


def _keep(page, saved, folder):
    file = folder / f"page{len(saved)}.html"
    file.write_text(page.content())
    saved[str(file)] = page.url
    return axe_violations(page)


def _nu_errors(saved):
    run = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *saved],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    problems = []
    for message in json.loads(run.stdout or '{"messages": []}')["messages"]:
        url = saved.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        problems.append(f"{url} line {message.get('lastLine')}: {message['message']}")
    return problems


@pytest.mark.parametrize("language", ["en", "fr"])
def test_door_phone_search_check_in_reload_no_match_and_same_names(
    browser, live_server, tonight, organizer_speaks, tmp_path, language
):
    words = WORDS[language]
    prefix = "/fr" if language == "fr" else ""
    base = live_server.url
    door = f"{prefix}/checkin/{tonight.pk}/"
    saved, axe = {}, {}
    phone = browser.new_context(**PHONE, locale="fr-CA" if language == "fr" else "en-CA")
    page = phone.new_page()
    _log_in(page, base, prefix, "volunteer@example.org", door)

    # Search, then check in with one tap.
    page.get_by_label(words["search"]).fill("Grace")
    page.get_by_role("button", name=words["search_button"], exact=True).tap()
    row = page.locator("#checkin-list li", has_text="Grace Hopper")
    row.get_by_role("button", name=words["check_in"]).tap()
    status = page.locator("#checkin-status")
    expect(status).to_contain_text(words["checked_in"])
    # Beside the form, in view: the volunteer need not scroll to read it.
    box = status.bounding_box()
    assert box is not None and 0 <= box["y"] < 844
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Still there after a reload.
    page.reload()
    expect(page.locator("#checkin-status")).to_contain_text(words["checked_in"])
    assert RSVP.objects.get(member__display_name="Grace Hopper").checked_in_at is not None
    axe["door after check-in"] = _keep(page, saved, tmp_path)

    # Nobody by that name: a hint, not an empty page.
    page.get_by_label(words["search"]).fill("Zelda")
    page.get_by_role("button", name=words["search_button"], exact=True).tap()
    expect(page.locator("#checkin-no-match")).to_contain_text(words["no_match"])
    axe["door no match"] = _keep(page, saved, tmp_path)

    # Two Sam Lee: each row says whose address it is.
    page.goto(f"{base}{door}?q=Sam")
    sams = page.locator("#checkin-list li", has_text="Sam Lee")
    expect(sams).to_have_count(2)
    hints = sorted(sams.locator(".checkin-who").all_inner_texts())
    assert hints == ["sam…@corp.example", "sle…@home.example"]
    phone.close()

    # The organizer's RSVP list, on the same phone.
    phone = browser.new_context(**PHONE, locale="fr-CA" if language == "fr" else "en-CA")
    page = phone.new_page()
    rsvps = f"{prefix}/admin/meetings/walkinguest/rsvps/{tonight.pk}/"
    _log_in(page, base, prefix, "organizer@example.org", rsvps)
    expect(page.locator("h1")).to_have_text(words["rsvp_heading"])
    expect(page.locator('[data-total="going"]')).to_have_text("3")
    expect(page.locator('[data-total="checked_in"]')).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe["rsvp list"] = _keep(page, saved, tmp_path)
    phone.close()

    assert {name: found for name, found in axe.items() if found} == {}
    assert _nu_errors(saved) == []


# The phone's camera and the browser's QR reader, stood in for: a canvas stream as the camera, and a
# BarcodeDetector that "sees" the ticket URL the test puts in window.__ticket.
FAKE_CAMERA = """
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code"]; }
  async detect() { return window.__ticket ? [{ rawValue: window.__ticket }] : []; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.getContext("2d").fillRect(0, 0, 10, 10);
  return canvas.captureStream();
};
"""


def test_door_phone_scan_opens_the_scanned_members_check_in(browser, live_server, tonight):
    from meetings.checkin.links import checkin_url

    grace = RSVP.objects.get(member__display_name="Grace Hopper")
    base = live_server.url
    door = f"/checkin/{tonight.pk}/"
    phone = browser.new_context(**PHONE)
    phone.add_init_script(FAKE_CAMERA)
    page = phone.new_page()
    _log_in(page, base, "", "volunteer@example.org", door)
    # A code that is not a ticket of this meeting is named as such, and nothing opens.
    page.get_by_role("button", name="Scan a ticket").tap()
    page.evaluate("window.__ticket = 'https://elsewhere.example/'")
    expect(page.locator("[data-scanner-status]")).to_have_text("This code is not a ticket for this meeting.")
    # The ticket holds the site's public address; the page opens its path on the site it is on.
    page.evaluate(f"window.__ticket = {checkin_url(grace)!r}")
    page.wait_for_url(f"{base}/checkin/{tonight.pk}/r/**")
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    page.get_by_role("button", name="Check in Grace Hopper").tap()
    expect(page.locator("#checkin-status")).to_contain_text("Grace Hopper is checked in.")
    phone.close()


def test_door_phone_without_a_qr_reader_shows_no_scan_button(browser, live_server, tonight):
    phone = browser.new_context(**PHONE)
    phone.add_init_script("delete window.BarcodeDetector;")
    page = phone.new_page()
    _log_in(page, live_server.url, "", "volunteer@example.org", f"/checkin/{tonight.pk}/")
    expect(page.get_by_label("Find a member by name or email")).to_be_visible()
    expect(page.get_by_role("button", name="Scan a ticket")).to_be_hidden()
    phone.close()
