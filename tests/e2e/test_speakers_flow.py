"""A member proposes a talk; the organizer accepts it and places it on next month's meeting; the
meeting page links the speaker's profile, which lists the talk. In English and in French, in
Chromium, with every talks page checked by the Nu HTML checker and axe (WCAG 2.1 AA).
"""

import datetime
import json
import subprocess

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from chapters.models import ChapterRole
from speakers import services
from speakers.models import Proposal
from tests.factories import ChapterFactory, ChapterRoleFactory, MeetingFactory, MemberFactory
from tests.support.page_checks import AXE_JS, VNU_JAR, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]
PASSWORD = "correct-horse-battery"
TITLE = {"en": "PowerShell remoting in practice", "fr": "PowerShell à distance en pratique"}
WORDS = {
    "en": {
        "propose": "Propose a talk",
        "send": "Send my proposal",
        "save": "Save",
        "profile_saved": "saved and public",
        "with": "with",
    },
    "fr": {
        "propose": "Proposer une présentation",
        "send": "Envoyer ma proposition",
        "save": "Enregistrer",
        "profile_saved": "enregistré et public",
        "with": "avec",
    },
}


@pytest.fixture
def network():
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    mitpro = ChapterFactory(name="MITPro", slug="mitpro", city="Montréal")
    # On the hour, as organizers schedule meetings.
    next_month = (timezone.now() + datetime.timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(chapter=toronto, title="Hyper-V night", starts_at=next_month)
    MeetingFactory(chapter=mitpro, title="Soirée PowerShell", starts_at=next_month)
    organizer = MemberFactory(email="organizer.toronto@example.org", display_name="Theo Organizer")
    ChapterRoleFactory(user=organizer, chapter=toronto, role=ChapterRole.Role.ORGANIZER)
    speaker = MemberFactory(email="avery@example.org", display_name="Avery Speaker")
    for member in (organizer, speaker):
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    # A tour on offer, so the tour pages have something to show and the organizer a form to fill.
    today = timezone.localdate()
    tour = services.tour_create(
        speaker=speaker,
        title="Virtualization Reality",
        abstract="What virtualization means in practice.",
        kind="talk",
        duration_minutes=90,
        available_from=today,
        available_to=today + datetime.timedelta(days=90),
    )
    return {"toronto": toronto, "meeting": meeting, "tour": tour}


def _log_in(page, base, prefix, email):
    page.goto(f"{base}{prefix}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()


class Pages:
    """Open pages, run axe on each, keep their HTML for one run of the Nu checker."""

    def __init__(self, folder):
        self.folder, self.saved, self.axe = folder, {}, {}

    def check(self, page, label):
        file = self.folder / f"page{len(self.saved)}.html"
        file.write_text(page.content())
        self.saved[str(file)] = label
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


@pytest.mark.parametrize("language", ["en", "fr"])
def test_speakers_propose_accept_place_and_link_the_profile(
    browser, live_server, network, language, tmp_path
):
    base, prefix, words, title = (
        live_server.url,
        "/fr" if language == "fr" else "",
        WORDS[language],
        TITLE[language],
    )
    toronto, meeting, tour = network["toronto"], network["meeting"], network["tour"]
    pages = Pages(tmp_path)
    propose_url = f"{base}{prefix}/chapters/{toronto.slug}/talks/propose/"

    # A visitor who is not logged in is told why there is no form.
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    visitor.goto(propose_url)
    expect(visitor.locator("#propose-refusal")).to_be_visible()
    pages.check(visitor, "propose, anonymous (phone)")
    visitor.goto(f"{base}{prefix}/tours/")
    pages.check(visitor, "tour list")
    visitor.goto(f"{base}{prefix}/chapters/{toronto.slug}/")
    visitor.get_by_role("link", name=words["propose"]).click()
    expect(visitor.locator("#propose-refusal")).to_be_visible()

    # The member proposes a talk and makes their speaker profile public.
    member = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    _log_in(member, base, prefix, "avery@example.org")
    member.goto(propose_url)
    pages.check(member, "propose")
    member.locator("#id_title").fill(title)
    member.locator("#id_kind").select_option("talk")
    member.locator("#id_level").select_option("intermediate")
    member.locator("#id_abstract").fill("How we manage **200 servers** from one console.")
    member.locator("input[name=preferred_months]").first.check()
    member.locator("#id_speaker_bio").fill("Runs the servers of a mid-size firm.")
    member.get_by_role("button", name=words["send"]).click()
    expect(member.locator("#my-proposals")).to_contain_text(title)
    pages.check(member, "my talks")
    proposal = Proposal.objects.get(title=title)
    member.goto(f"{base}{prefix}/me/talks/{proposal.pk}/edit/")
    pages.check(member, "edit proposal")
    member.goto(f"{base}{prefix}/me/talks/tours/new/")
    pages.check(member, "new tour")
    member.goto(f"{base}{prefix}/me/talks/profile/")
    pages.check(member, "speaker profile form")
    member.locator("#id_bio").fill("Sysadmin and **PowerShell** fan.")
    member.locator("#id_is_public").check()
    member.get_by_role("button", name=words["save"], exact=True).click()
    expect(member.locator(".alert")).to_contain_text(words["profile_saved"])

    # The organizer accepts it in the admin, then places it on next month's meeting.
    organizer = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    _log_in(organizer, base, prefix, "organizer.toronto@example.org")
    organizer.goto(f"{base}{prefix}/tours/{tour.pk}/")
    expect(organizer.locator("select[name=meeting]")).to_be_visible()
    pages.check(organizer, "tour page with the request form")
    change_url = f"{base}/admin/speakers/proposal/{proposal.pk}/change/"
    organizer.goto(change_url)
    organizer.locator("form.proposal-action:has(input[value=accept_proposals]) button").click()
    organizer.locator("textarea[name=message]").fill("Welcome aboard!")
    organizer.locator(".submit-row input[type=submit]").click()
    expect(organizer.locator(".messagelist")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED
    organizer.goto(change_url)
    organizer.locator("form.proposal-action:has(input[value=place_on_meeting]) button").click()
    organizer.locator("select[name=meeting]").select_option(str(meeting.pk))
    organizer.locator(".submit-row input[type=submit]").click()
    expect(organizer.locator(".messagelist")).to_contain_text("Hyper-V night")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SCHEDULED
    assert proposal.agenda_item.meeting == meeting

    # The meeting page shows the talk with the speaker's profile link; the profile lists the talk.
    visitor.goto(f"{base}{prefix}/chapters/{toronto.slug}/meetings/{meeting.pk}/")
    expect(visitor.locator("#agenda-heading + ol")).to_contain_text(title)
    link = visitor.locator("a.speaker-link", has_text="Avery Speaker")
    expect(link).to_be_visible()
    pages.check(visitor, "meeting page with the speaker's link (phone)")
    assert words["with"] in visitor.locator("li", has=link).inner_text()
    link.click()
    expect(visitor.locator("h1")).to_have_text("Avery Speaker")
    expect(visitor.locator("#speaker-talks")).to_contain_text(title)
    expect(visitor.locator("#speaker-talks")).to_contain_text("Hyper-V night")
    pages.check(visitor, "speaker profile (phone)")
    visitor.goto(f"{base}{prefix}/tours/{tour.pk}/")
    pages.check(visitor, "tour page")

    assert pages.axe == {}
    assert pages.nu_errors() == {}
