"""A visitor on a phone finds MITPro from the home page and reads a meeting with two speakers and their
photos; a past meeting shows its slides and how many came, without RSVP or calendar links; a cancelled
one offers no RSVP, calendar or check-in link. In English and French, at 390x844 and 1366x900, in
Chromium, with the home and the meeting page in each state checked by the Nu HTML checker and axe.
Screenshots are kept under test-results/.
"""

import datetime
import io
import json
import pathlib
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from chapters.models import ChapterRole
from meetings.models import Meeting
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    RSVPFactory,
    TopicFactory,
    VenueFactory,
)
from tests.support.page_checks import AXE_JS, VNU_JAR, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]
ROOT = pathlib.Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-results" / "member-pages"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}
WORDS = {
    "en": {"came": "5 attended", "held": "Held on", "cancelled": "This meeting was cancelled."},
    "fr": {
        "came": "5 présents",
        "held": "Tenue le",
        "cancelled": "Cette rencontre a été annulée.",
    },
}


def photo(name, colour):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 800), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def network(media_root):
    # A long meeting list across chapters, so "chapters first on a phone" is worth something.
    for n, (name, city) in enumerate(
        [("IT Pro Toronto", "Toronto"), ("TWSUG", "Toronto"), ("OVUG", "Ottawa")]
    ):
        chapter = ChapterFactory(name=name, slug=f"chapter-{n}", city=city)
        for week in range(1, 5):
            MeetingFactory(chapter=chapter, starts_at=timezone.now() + datetime.timedelta(days=7 * week + n))
    mitpro = ChapterFactory(name="MITPro", slug="mitpro", city="Montréal", region="QC")
    ChapterRoleFactory(chapter=mitpro, role=ChapterRole.Role.ORGANIZER, user__display_name="Mireille Hôte")
    venue = VenueFactory(chapter=mitpro, name="Salle 100", address="1000 rue Sherbrooke Ouest\nMontréal QC")
    start = (timezone.now() + datetime.timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    upcoming = MeetingFactory(
        chapter=mitpro,
        venue=venue,
        title="PowerShell night",
        title_fr="Soirée PowerShell",
        description="Two talks on scripting the datacentre.",
        description_fr="Deux présentations sur l’automatisation du centre de données.",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )
    upcoming.topics.add(TopicFactory(name="PowerShell", slug="powershell"))
    for position, (speaker, colour) in enumerate(
        [("Robin Exemple", (200, 60, 60)), ("Sam Example", (60, 60, 200))]
    ):
        item = AgendaItemFactory(
            meeting=upcoming,
            position=position,
            title=f"Talk by {speaker}",
            speaker=speaker,
            speaker_bio=f"{speaker} automates everything.",
        )
        item.speaker_photo = photo(f"{speaker.split()[0].lower()}.jpg", colour)
        item.save()
    held_start = timezone.now() - datetime.timedelta(days=30)
    past = MeetingFactory(
        chapter=mitpro, venue=venue, title="Hyper-V night", starts_at=held_start, guest_count=2,
        ends_at=held_start + datetime.timedelta(hours=3),
    )  # fmt: skip
    AgendaItemFactory(meeting=past, title="Replicas", resources_url="https://slides.example.org/replicas")
    for _n in range(3):
        RSVPFactory(meeting=past, checked_in_at=held_start + datetime.timedelta(minutes=5))
    cancelled = MeetingFactory(
        chapter=mitpro, venue=venue, title="Storage night", status=Meeting.Status.CANCELLED,
        cancellation_reason="The room is being renovated.", starts_at=start + datetime.timedelta(days=30),
        ends_at=start + datetime.timedelta(days=30, hours=3),
    )  # fmt: skip
    full = MeetingFactory(
        chapter=mitpro, venue=venue, title="Small workshop", capacity=1,
        starts_at=start + datetime.timedelta(days=60), ends_at=start + datetime.timedelta(days=60, hours=2),
    )  # fmt: skip
    RSVPFactory(meeting=full)
    return {"upcoming": upcoming, "past": past, "cancelled": cancelled, "full": full}


class Pages:
    """Run axe on each page, keep its HTML for one run of the Nu checker, and a screenshot."""

    def __init__(self, folder, language):
        self.folder, self.language, self.saved, self.axe = folder, language, {}, {}
        SHOTS.mkdir(parents=True, exist_ok=True)

    def check(self, page, label):
        file = self.folder / f"page{len(self.saved)}.html"
        file.write_text(page.content())
        self.saved[str(file)] = label
        page.screenshot(path=str(SHOTS / f"{self.language}-{label.replace(' ', '-')}.png"), full_page=True)
        found = axe_violations(page)
        if found:
            self.axe[label] = found

    def nu_errors(self):
        run = subprocess.run(
            [
                "java",
                "-Xss4m",
                "-jar",
                str(VNU_JAR),
                "--errors-only",
                "--format",
                "json",
                "--stdout",
                *self.saved,
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        problems = {}
        for message in json.loads(run.stdout or '{"messages": []}')["messages"]:
            label = self.saved.get(message.get("url", "").removeprefix("file:"), message.get("url"))
            problems.setdefault(label, []).append(f"line {message.get('lastLine')}: {message.get('message')}")
        return problems


def serve_media(context, media_root):
    """Answer /media/ from the test's folder: the app serves uploads only in DEBUG."""

    def fulfil(route):
        relative = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        file = media_root / relative
        if file.is_file():
            route.fulfill(path=str(file))
        else:
            route.fulfill(status=404, body="")

    context.route("**/media/**", fulfil)


def assert_images_sized(page):
    for img in page.locator("main img").all():
        for attribute in ("width", "height", "alt"):
            assert img.get_attribute(attribute) is not None, (attribute, img.evaluate("e => e.outerHTML"))


def test_member_pages_find_mitpro_and_read_each_meeting_state(
    browser, live_server, network, media_root, tmp_path
):
    # Both languages in one test: pytest-playwright empties test-results/ when a test starts, and
    # the screenshots of both are kept.
    for language in ("en", "fr"):
        folder = tmp_path / language
        folder.mkdir()
        _read_member_pages(browser, live_server, network, media_root, language, folder)


def _read_member_pages(browser, live_server, network, media_root, language, tmp_path):
    base = live_server.url + ("/fr" if language == "fr" else "")
    words = WORDS[language]
    pages = Pages(tmp_path, language)

    # On a phone: the home page, then MITPro in the chapter list, then its next meeting.
    phone_context = browser.new_context(**PHONE)
    serve_media(phone_context, media_root)
    phone = phone_context.new_page()
    phone.goto(base + "/")
    chapters = phone.locator("#home-chapters")
    assert chapters.bounding_box()["y"] < phone.locator("#upcoming-heading").bounding_box()["y"]
    pages.check(phone, "home phone")
    taps = 0
    phone.locator("#home-chapters").get_by_role("link", name="MITPro").tap()
    taps += 1
    phone.wait_for_url("**/chapters/mitpro/")
    title = network["upcoming"].title_fr if language == "fr" else network["upcoming"].title
    phone.get_by_role("link", name=title).first.tap()
    taps += 1
    phone.wait_for_url(f"**{network['upcoming'].get_absolute_url()}")
    assert taps <= 3
    assert phone.locator("h1").inner_text().startswith(title)
    photos = phone.locator(".speaker img")
    assert photos.count() == 2
    for n in range(2):
        photos.nth(n).scroll_into_view_if_needed()
        assert photos.nth(n).evaluate("img => img.complete && img.naturalWidth > 0")
    assert phone.get_by_text("Robin Exemple automates everything.").is_visible()
    assert_images_sized(phone)
    pages.check(phone, "meeting upcoming phone")

    laptop_context = browser.new_context(**LAPTOP)
    serve_media(laptop_context, media_root)
    laptop = laptop_context.new_page()
    laptop.goto(base + "/")
    pages.check(laptop, "home laptop")
    laptop.goto(base + network["upcoming"].get_absolute_url())
    assert laptop.locator("a[href$='event.ics']").count() == 1
    assert_images_sized(laptop)
    pages.check(laptop, "meeting upcoming laptop")

    # Past: slides and how many came, no RSVP and no calendar.
    past = network["past"]
    for page, label in ((laptop, "laptop"), (phone, "phone")):
        page.goto(base + past.get_absolute_url())
        assert page.get_by_text(words["came"]).is_visible()
        assert page.locator("a[href='https://slides.example.org/replicas']").is_visible()
        assert words["held"] in page.locator("main").inner_text()
        assert (
            page.locator(
                "form[action$='/rsvp/'], a[href*='/accounts/login/?next'], a[href$='event.ics']"
            ).count()
            == 0
        )
        assert page.locator("a[href*='calendar.google.com']").count() == 0
        pages.check(page, f"meeting past {label}")

    # Cancelled: the reason, and nothing to answer, add or check in.
    laptop.goto(base + network["cancelled"].get_absolute_url())
    assert laptop.get_by_text(words["cancelled"]).is_visible()
    assert laptop.get_by_text("The room is being renovated.").is_visible()
    assert laptop.locator("form[action$='/rsvp/'], a[href$='event.ics'], a[href*='/checkin/']").count() == 0
    assert laptop.locator("a[href*='calendar.google.com']").count() == 0
    pages.check(laptop, "meeting cancelled laptop")

    laptop.goto(base + network["full"].get_absolute_url())
    assert laptop.locator(".badge.text-bg-warning").count() == 1
    pages.check(laptop, "meeting full laptop")

    assert pages.axe == {}
    assert pages.nu_errors() == {}
