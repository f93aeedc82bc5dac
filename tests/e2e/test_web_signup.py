"""A new visitor signs up, confirms their email, joins TWSUG, RSVPs and takes the meeting home as .ics.

The same journey runs in English and in French, in Chromium through Playwright.
"""

import re

import pytest
from django.core import mail
from icalendar import Calendar

from chapters.models import Chapter
from meetings.calendar import event_uid
from meetings.models import RSVP
from members.models import Member, Membership
from tests.factories import ChapterFactory, MeetingFactory, RSVPFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kitchener-Waterloo-2008!"

WORDS = {
    "en": {
        "prefix": "",
        "going_button": "I’m going",
        "going": "You are going",
        "spots": r"(\d+) spots? left",
    },
    "fr": {
        "prefix": "/fr",
        "going_button": "Je serai là",
        "going": "Vous participerez",
        "spots": r"(\d+) places? libres?",
    },
}


@pytest.fixture
def twsug():
    chapter = ChapterFactory(name="Toronto Windows Server User Group (TWSUG)", slug="twsug")
    meeting = MeetingFactory(chapter=chapter, title="Windows Server 2008 R2 in practice", capacity=25)
    for _ in range(5):
        RSVPFactory(meeting=meeting)
    MeetingFactory(
        chapter=chapter,
        title="A later meeting",
        starts_at=meeting.starts_at.replace(year=meeting.starts_at.year + 1),
        ends_at=meeting.ends_at.replace(year=meeting.ends_at.year + 1),
    )
    return chapter, meeting


def _spots_left(page, pattern):
    return int(re.search(pattern, page.locator("#seat-counts").inner_text()).group(1))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_signup_verify_join_rsvp_and_download_ics(live_server, page, twsug, language, tmp_path):
    words = WORDS[language]
    chapter, meeting = twsug
    email = f"new.visitor.{language}@example.org"
    base = live_server.url + words["prefix"]

    # Sign up from the chapter page.
    page.goto(f"{base}/chapters/twsug/")
    page.locator("nav a[href$='/accounts/signup/']").click()
    page.fill("input[name=display_name]", "New Visitor")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert not Member.objects.get(email=email).emailaddress_set.filter(verified=True).exists()

    # The confirmation email carries the link, in the visitor's language.
    (message,) = [m for m in mail.outbox if email in m.to]
    link = re.search(r"https?://\S+/confirm-email/\S+/", message.body).group(0)
    assert ("/fr/" in link) == (language == "fr")
    # The browser that signed up confirms on opening the link: no second click.
    page.goto(live_server.url + link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    page.wait_for_url("**/me/")
    assert Member.objects.get(email=email).emailaddress_set.filter(verified=True).exists()

    # Join TWSUG.
    page.goto(f"{base}/chapters/twsug/")
    page.locator("form[action$='/chapters/twsug/join/'] button[type=submit]").click()
    assert Membership.objects.filter(member__email=email, chapter__slug="twsug").exists()
    assert page.locator("form[action$='/chapters/twsug/leave/']").is_visible()

    # RSVP to the next meeting, which is the first one listed.
    page.locator("#upcoming-heading ~ ul a").first.click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    before = _spots_left(page, words["spots"])
    assert before == 20
    page.get_by_role("button", name=words["going_button"]).click()
    assert words["going"] in page.locator("#my-rsvp").inner_text()
    assert _spots_left(page, words["spots"]) == before - 1
    assert RSVP.objects.get(member__email=email, meeting=meeting).status == RSVP.Status.GOING

    # Take the meeting home as a calendar file.
    with page.expect_download() as download_info:
        page.locator("a[href$='/event.ics']").click()
    path = tmp_path / "meeting.ics"
    download_info.value.save_as(path)
    (event,) = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert str(event["UID"]) == event_uid(meeting)
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    assert Chapter.objects.get(slug="twsug").memberships.count() == 1
