"""The organizer's month in Chromium, in English and French, on a laptop and a phone.

An organizer creates next month's meeting with two talks from the form prefilled from last month's,
publishes and announces it (each member who opted in gets exactly one email with the .ics, through
a real SMTP server), a member RSVPs, the organizer messages the people going, duplicates the
meeting, publishes the copy and cancels it with a reason that the member reads in the mail. The
meeting editor and its pages pass the Nu checker and axe (WCAG 2.1 AA).
"""

import datetime
import json
import subprocess

import icalendar
import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import RSVP, Meeting
from tests.factories import (
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
)
from tests.support.page_checks import AXE_JS, VNU_JAR, axe_violations
from tests.support.servers import wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]
PASSWORD = "correct-horse-battery"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# "Create a meeting with two talks and publish" may take at most this many interactions.
MAX_INTERACTIONS = 12
WORDS = {
    "en": {"going": "I’m going", "new": "New meeting: ", "cancelled": "Cancelled: ", "reason": "The reason:"},
    "fr": {
        "going": "Je serai là",
        "new": "Nouvelle rencontre : ",
        "cancelled": "Annulée : ",
        "reason": "La raison :",
    },
}


class Pages:
    """Run axe on each page as it is shown; keep its HTML for one run of the Nu checker at the end."""

    def __init__(self, folder):
        self.folder, self.saved, self.axe = folder, {}, {}

    def check(self, page, label, *, served=True):
        # Nu reads the HTML as served (what a GET of the page returns); axe the page as scripts
        # left it. The admin's scripts add markup Nu would flag in any Django admin (Select2's
        # list inside a span, autocomplete on the formsets' hidden counters).
        file = self.folder / f"page{len(self.saved)}.html"
        html = page.context.request.get(page.url).text() if served else page.content()
        file.write_text(html)
        self.saved[str(file)] = label
        found = axe_violations(page)
        if found:
            self.axe[label] = found

    def nu_errors(self):
        command = ["java", "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        run = subprocess.run(
            [*command, *self.saved], capture_output=True, text=True, timeout=600, check=False
        )
        problems = {}
        for message in json.loads(run.stdout or '{"messages": []}')["messages"]:
            label = self.saved.get(message.get("url", "").removeprefix("file:"), message.get("url"))
            problems.setdefault(label, []).append(f"line {message.get('lastLine')}: {message.get('message')}")
        return problems


class Counter:
    """Count what the organizer does: each fill, click or page opened is one interaction."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def goto(self, url):
        self.count += 1
        self.page.goto(url)

    def fill(self, selector, value):
        self.count += 1
        self.page.locator(selector).fill(value)

    def click(self, selector):
        self.count += 1
        self.page.locator(selector).click()
        self.page.wait_for_load_state()


def _person(email, name, language, **extra):
    person = MemberFactory(email=email, display_name=name, preferred_language=language, **extra)
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    return person


@pytest.fixture
def chapter(request):
    language = request.node.callspec.params["language"]
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    organizer = _person("organizer@example.org", "Theo Organizer", language)
    ChapterRoleFactory(user=organizer, chapter=toronto)
    # Last month's meeting: the new one is prefilled from it.
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=20)
    MeetingFactory(
        chapter=toronto, title="Last month", starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    for n in range(2):
        member = _person(f"m{n}@example.org", f"Member {n}", language)
        MembershipFactory(
            member=member,
            chapter=toronto,
            announcements_subscribed=True,
            announcements_consent_at=timezone.now(),
        )
    MembershipFactory(member=_person("quiet@example.org", "Quiet", language), chapter=toronto)
    return toronto


def _log_in(context, base, prefix, email):
    page = context.new_page()
    page.goto(f"{base}{prefix}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_organizer_plans_announces_messages_duplicates_and_cancels(
    browser, live_server, chapter, smtp, language, viewport, tmp_path
):
    base, prefix, words = live_server.url, "/fr" if language == "fr" else "", WORDS[language]
    pages = Pages(tmp_path)
    size = VIEWPORTS[viewport]
    context = browser.new_context(viewport=size, is_mobile=viewport == "phone")
    admin = _log_in(context, base, prefix, "organizer@example.org")

    # Create next month's meeting with two talks from the prefilled form, then publish and announce.
    organizer = Counter(admin)
    organizer.goto(f"{base}{prefix}/admin/meetings/meeting/add/")
    pages.check(admin, "meeting editor, new")
    assert admin.locator("#id_venue").input_value()  # prefilled from last month
    organizer.fill("#id_title", "Azure Arc night")
    talks = [("Arc for servers", "Ana Admin"), ("Arc data services", "Ben Builder")]
    for index, (title, speaker) in enumerate(talks):
        organizer.fill(f"#id_agenda_items-{index}-title", title)
        organizer.fill(f"#id_agenda_items-{index}-speaker", speaker)
        organizer.fill(f"#id_agenda_items-{index}-speaker_bio", f"{speaker} runs hybrid servers.")
        organizer.fill(f"#id_agenda_items-{index}-slides_url", f"https://slides.example.org/{index}")
    organizer.click("input[name=_publish]")
    pages.check(admin, "publish and announce")
    expect(admin.locator("#announce-count")).to_contain_text("2")
    expect(admin.locator("#preview-ics")).to_contain_text("BEGIN:VCALENDAR", use_inner_text=False)
    organizer.click("button[name=announce][value=yes]")
    assert organizer.count <= MAX_INTERACTIONS, organizer.count
    # Recorded: open the form, title, four fields per talk, save and publish, announce.
    assert organizer.count == 12
    meeting = Meeting.objects.get(title="Azure Arc night")
    assert meeting.status == Meeting.Status.SCHEDULED
    assert list(meeting.agenda_items.values_list("title", "speaker_bio")) == [
        ("Arc for servers", "Ana Admin runs hybrid servers."),
        ("Arc data services", "Ben Builder runs hybrid servers."),
    ]
    assert (
        meeting.local_starts_at.weekday()
        == chapter.meetings.get(title="Last month").local_starts_at.weekday()
    )
    pages.check(admin, "meeting editor, published")
    # No sideways scrolling on a phone.
    assert admin.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    def announcements(address):
        return [m for m in smtp.inbox.to(address) if m["Subject"].startswith(words["new"])]

    for address in ("m0@example.org", "m1@example.org"):
        (message,) = wait_for(
            lambda a=address: announcements(a), timeout=30, message=f"announcement to {address}"
        )
        (ics,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        event = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
        assert "Azure Arc night" in str(event["SUMMARY"])
    assert not smtp.inbox.to("quiet@example.org")

    # A member RSVPs.
    member = _log_in(browser.new_context(viewport=size), base, prefix, "m0@example.org")
    member.goto(f"{base}{prefix}/chapters/{chapter.slug}/meetings/{meeting.pk}/")
    member.get_by_role("button", name=words["going"]).click()
    member.wait_for_load_state()
    assert RSVP.objects.get(meeting=meeting, member__email="m0@example.org").status == RSVP.Status.GOING

    # The organizer messages the people going, after a preview.
    admin.goto(f"{base}{prefix}/admin/meetings/meeting/{meeting.pk}/message/")
    admin.locator("#id_message").fill("Room changed to 204.")
    admin.locator("button[name=preview]").click()
    expect(admin.locator("#message-count")).to_contain_text("1")
    pages.check(admin, "message the people going, preview", served=False)
    admin.locator("button[name=send]").click()

    def the_message():
        return [m for m in smtp.inbox.to("m0@example.org") if "Room changed to 204." in _text(m)]

    wait_for(the_message, timeout=30, message="the message to people going")
    assert not [m for m in smtp.inbox.to("m1@example.org") if "Room changed to 204." in _text(m)]

    # Duplicate: the button opens the copy, its title marked for editing.
    admin.locator(f"form[action$='/{meeting.pk}/duplicate/'] button").click()
    admin.wait_for_load_state()
    copy = Meeting.objects.exclude(pk=meeting.pk).get(title__startswith="Azure Arc night (")
    assert admin.locator("#id_title").input_value() == copy.title
    pages.check(admin, "meeting editor, the copy")

    # Publish the copy without announcing; the member RSVPs; cancel it with a reason.
    admin.goto(f"{base}{prefix}/admin/meetings/meeting/{copy.pk}/publish/")
    admin.locator("button[name=announce][value=no]").click()
    admin.wait_for_load_state()
    member.goto(f"{base}{prefix}/chapters/{chapter.slug}/meetings/{copy.pk}/")
    member.get_by_role("button", name=words["going"]).click()
    member.wait_for_load_state()
    admin.goto(f"{base}{prefix}/admin/meetings/meeting/{copy.pk}/cancel/")
    pages.check(admin, "cancel with a reason")
    admin.locator("#id_reason").fill("The room is closed for repairs.")
    admin.locator("form button.default").click()
    admin.wait_for_load_state()

    def cancellation():
        return [m for m in smtp.inbox.to("m0@example.org") if m["Subject"].startswith(words["cancelled"])]

    (message,) = wait_for(cancellation, timeout=30, message="the cancellation")
    assert f"{words['reason']} The room is closed for repairs." in _text(message)
    # Announced once: the duplicate and its cancellation announced nothing more.
    assert len(announcements("m1@example.org")) == 1

    assert pages.axe == {}
    errors = pages.nu_errors()
    assert errors == {}, "\n".join(
        f"{label}: {problem}" for label, found in errors.items() for problem in found
    )


def _text(message):
    return message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("language", ["en"])
def test_editor_end_follows_start_and_agenda_times_and_order_follow_the_page(
    browser, live_server, chapter, language
):
    admin = _log_in(
        browser.new_context(viewport=VIEWPORTS["laptop"]), live_server.url, "", "organizer@example.org"
    )
    admin.goto(f"{live_server.url}/admin/meetings/meeting/add/")
    # Last month's meeting lasted two hours: the end keeps that length when the start moves.
    admin.locator("#id_starts_at_1").fill("19:00")
    admin.locator("#id_starts_at_1").dispatch_event("change")
    expect(admin.locator("#id_ends_at_1")).to_have_value("21:00")
    assert admin.locator("#id_ends_at_0").input_value() == admin.locator("#id_starts_at_0").input_value()
    # Start times computed from the meeting's start and the durations before each item.
    admin.locator("#id_agenda_items-0-title").fill("First")
    admin.locator("#id_agenda_items-0-duration_minutes").fill("30")
    admin.locator("#id_agenda_items-1-title").fill("Second")
    expect(admin.locator("#id_agenda_items-0-starts_at")).to_have_attribute("placeholder", "19:00")
    expect(admin.locator("#id_agenda_items-1-starts_at")).to_have_attribute("placeholder", "19:30")
    # "Move up" on the second item puts it first; positions follow the page, nothing is typed.
    admin.locator("#agenda_items-1 .agenda-move[data-step='-1']").click()
    expect(admin.locator("#agenda_items-1 input[name$='-position']")).to_have_value("1")
    expect(admin.locator("#agenda_items-0 input[name$='-position']")).to_have_value("2")
    expect(admin.locator("#id_agenda_items-1-starts_at")).to_have_attribute("placeholder", "19:00")
    admin.locator("#id_title").fill("Reordered")
    admin.locator("input[name=_save]").click()
    admin.wait_for_load_state()
    meeting = Meeting.objects.get(title="Reordered")
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Second", "First"]
