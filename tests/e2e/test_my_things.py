"""A member RSVPs in the browser, finds the QR ticket on /me/, subscribes the personal calendar feed
and retires its address. In English and French, at 390x844 and 1366x900, in Chromium; /me/ checked by
the Nu HTML checker and axe. Screenshots are kept under test-results/my-things/.
"""

import pathlib

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from icalendar import Calendar

from tests.factories import MeetingFactory
from tests.support.page_checks import AXE_JS, VNU_JAR, NuChecker, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]
ROOT = pathlib.Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-results" / "my-things"
DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1366, "height": 900}},
}
WORDS = {
    "en": {"prefix": "", "ticket": "My ticket (QR code for the door)", "going": "Going"},
    "fr": {"prefix": "/fr", "ticket": "Mon billet (code QR pour l’entrée)", "going": "Participera"},
}


@pytest.fixture(scope="module")
def nu_checker():
    checker = NuChecker()
    yield checker
    checker.stop()


@pytest.fixture
def site(settings, live_server):
    cache.clear()
    settings.SITE_URL = live_server.url
    return live_server


def _logged_in_context(browser, member, site, device):
    client = Client()
    client.force_login(member)
    context = browser.new_context(**DEVICES[device])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site.url}])
    return context


def _feed_titles(browser, url):
    # A calendar app has no session: fetch the feed from a context that never logged in.
    context = browser.new_context()
    response = context.request.get(url)
    status, body = response.status, response.body()
    context.close()
    if status != 200:
        return status, set()
    return status, {str(event["SUMMARY"]) for event in Calendar.from_ical(body).walk("VEVENT")}


@pytest.mark.parametrize("device", ["phone", "laptop"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_member_sees_qr_ticket_and_subscribes_then_retires_the_feed(
    site, browser, nu_checker, verified_member, language, device
):
    words = WORDS[language]
    base = site.url + words["prefix"]
    verified_member.preferred_language = language
    verified_member.save()
    meeting = MeetingFactory(title=f"Identity night {language} {device}")
    context = _logged_in_context(browser, verified_member, site, device)
    page = context.new_page()

    # RSVP on the meeting page.
    page.goto(base + meeting.get_absolute_url().removeprefix("/fr"))
    page.locator("form[action$='/rsvp/'] button[value=going]").click()
    page.wait_for_load_state()

    # The ticket on /me/.
    page.goto(f"{base}/me/")
    assert meeting.title in page.content()
    assert page.get_by_text(words["going"], exact=True).first.is_visible()
    page.get_by_text(words["ticket"]).click()
    ticket = page.locator(f"img[alt*='{meeting.title}']")
    assert ticket.is_visible()
    assert ticket.evaluate("img => img.naturalWidth") > 100
    assert page.evaluate("document.documentElement.scrollWidth") <= DEVICES[device]["viewport"]["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{language}-{device}-me.png"), full_page=True)
    problems = [f"nu: {error}" for error in nu_checker.errors(page.content().encode())]
    problems += axe_violations(page)
    assert problems == []

    # The personal feed: it parses and holds the RSVPed meeting.
    old_url = page.locator("#calendar-feed-url").input_value()
    status, titles = _feed_titles(browser, old_url)
    assert status == 200
    assert titles == {f"{meeting.chapter.name}: {meeting.title}"}

    # A new address: the old one answers 404, the new one works.
    page.locator("form[action$='/me/calendar/new-address/'] button").click()
    page.wait_for_load_state()
    new_url = page.locator("#calendar-feed-url").input_value()
    assert new_url != old_url
    assert _feed_titles(browser, old_url)[0] == 404
    assert _feed_titles(browser, new_url) == (200, {f"{meeting.chapter.name}: {meeting.title}"})
    page.screenshot(path=str(SHOTS / f"{language}-{device}-new-address.png"), full_page=True)

    # The profile's time-zone picker: the chapters' zones first, then regions; a valid, accessible page.
    page.goto(f"{base}/me/profile/")
    groups = page.locator("select[name=time_zone] optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert (
        len(groups) > 5
        and page.locator("select[name=time_zone] optgroup")
        .first.locator(f"option[value='{meeting.chapter.time_zone}']")
        .count()
        == 1
    )
    problems = [f"nu: {error}" for error in nu_checker.errors(page.content().encode())]
    problems += axe_violations(page)
    assert problems == []
    context.close()
