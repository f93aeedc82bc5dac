"""The community program in Chromium, in English and in French.

A member volunteers for the door and, once an organizer confirms, the chapter page thanks them; a
poll answered by three members shows the right counts; a day after a meeting an attendee gets the
feedback email (a real SMTP server, aiosmtpd) and answers through its link. Every community page
visited is checked by the Nu HTML checker and axe (WCAG 2.1 AA).
"""

import datetime
import json
import re
import subprocess

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from community.models import FeedbackResponse, MeetingNote, Poll, PollChoice, VolunteerRole, VolunteerSignup
from community.services import feedback_requests_send
from meetings.models import RSVP
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    SponsorLiaisonFactory,
    SponsorshipFactory,
    TopicFactory,
)
from tests.support.page_checks import AXE_JS, VNU_JAR, axe_violations
from tests.support.servers import wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (VNU_JAR.exists() and AXE_JS.exists()), reason="npm test tools not installed"),
]
PASSWORD = "correct-horse-battery"
WORDS = {
    "en": {
        "volunteer": "Volunteer at this meeting",
        "consent": "You may thank me by name on the chapter page",
        "sign_up": "Sign up: Door (tickets and check-in)",
        "signed_up": "You signed up as Door (tickets and check-in)",
        "thanks": "Thank you, volunteers",
        "vote": "Vote",
        "voted": "Thank you for voting.",
        "in_person": "In person",
        "online": "Online",
        "subject": "How was Hyper-V night?",
        "send": "Send my feedback",
        "sent": "Thank you for your feedback!",
        "invalid": "This feedback link is not valid.",
    },
    "fr": {
        "volunteer": "Être bénévole à cette rencontre",
        "consent": "Vous pouvez me remercier par mon nom sur la page de la section",
        "sign_up": "M’inscrire : Accueil (billets et enregistrement des arrivées)",
        "signed_up": "Vous êtes inscrit·e comme Accueil (billets et enregistrement des arrivées)",
        "thanks": "Merci à nos bénévoles",
        "vote": "Voter",
        "voted": "Merci d’avoir voté.",
        "in_person": "En personne",
        "online": "En ligne",
        "subject": "Comment était Hyper-V night ?",
        "send": "Envoyer mon avis",
        "sent": "Merci pour votre avis !",
        "invalid": "Ce lien de rétroaction n’est pas valide.",
    },
}


class Pages:
    """Run axe on each page as it is shown; keep its HTML for one run of the Nu checker at the end."""

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
        command = ["java", "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        run = subprocess.run(
            [*command, *self.saved], capture_output=True, text=True, timeout=600, check=False
        )
        problems = {}
        for message in json.loads(run.stdout or '{"messages": []}')["messages"]:
            label = self.saved.get(message.get("url", "").removeprefix("file:"), message.get("url"))
            problems.setdefault(label, []).append(f"line {message.get('lastLine')}: {message.get('message')}")
        return problems


def _member(email, name, chapter, language):
    member = MemberFactory(email=email, display_name=name, preferred_language=language)
    EmailAddress.objects.create(user=member, email=email, verified=True, primary=True)
    MembershipFactory(member=member, chapter=chapter)
    return member


@pytest.fixture
def network(request):
    language = request.node.callspec.params["language"]
    words = WORDS[language]
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    organizer = MemberFactory(email="organizer@example.org", display_name="Theo Organizer")
    EmailAddress.objects.create(user=organizer, email=organizer.email, verified=True, primary=True)
    ChapterRoleFactory(user=organizer, chapter=toronto)
    people = [_member(f"m{n}@example.org", f"Member {n}", toronto, language) for n in range(3)]
    # Meetings start on the minute, as organizers set them (pages print their times to the second).
    now = timezone.now().replace(second=0, microsecond=0)
    upcoming = MeetingFactory(
        chapter=toronto, title="Cloud night", starts_at=now + datetime.timedelta(days=14)
    )
    door = VolunteerRole.objects.create(meeting=upcoming, kind=VolunteerRole.Kind.DOOR, places=2)
    VolunteerRole.objects.create(meeting=upcoming, kind=VolunteerRole.Kind.BOOTH, places=1)
    poll = Poll.objects.create(
        chapter=toronto,
        question="In person or online?",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
    )
    for position, label in enumerate((words["in_person"], words["online"])):
        PollChoice.objects.create(poll=poll, label=label, position=position)
    end = now - datetime.timedelta(hours=30)
    held = MeetingFactory(
        chapter=toronto, title="Hyper-V night", starts_at=end - datetime.timedelta(hours=3), ends_at=end
    )
    held.topics.add(TopicFactory(name="Virtualization", slug="virtualization"))
    AgendaItemFactory(meeting=held, title="Hyper-V replicas", speaker="Ada Admin", position=0)
    AgendaItemFactory(meeting=held, title="PowerShell snack", speaker="Sam Shell", position=1)
    RSVP.objects.create(meeting=held, member=people[0], status="going", checked_in_at=held.starts_at)
    MeetingNote.objects.create(meeting=held, body="A **full room**.", state="published", author=organizer)
    sponsorship = SponsorshipFactory(chapter=toronto, starts_on=datetime.date(2020, 1, 1))
    liaison = SponsorLiaisonFactory(
        user=MemberFactory(email="liaison@example.org"), sponsor=sponsorship.sponsor
    )
    EmailAddress.objects.create(user=liaison.user, email=liaison.user.email, verified=True, primary=True)
    return {
        "chapter": toronto,
        "people": people,
        "upcoming": upcoming,
        "door": door,
        "poll": poll,
        "held": held,
    }


def _log_in(context, base, prefix, email):
    page = context.new_page()
    page.goto(f"{base}{prefix}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_community_volunteer_poll_and_feedback(browser, live_server, network, smtp, language, tmp_path):
    base, prefix, words = live_server.url, "/fr" if language == "fr" else "", WORDS[language]
    chapter, people, upcoming, poll = (
        network["chapter"],
        network["people"],
        network["upcoming"],
        network["poll"],
    )
    pages = Pages(tmp_path)

    # A member volunteers for the door, from the meeting page, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = _log_in(phone, base, prefix, people[0].email)
    page.goto(f"{base}{prefix}/chapters/{chapter.slug}/meetings/{upcoming.pk}/")
    page.get_by_role("link", name=words["volunteer"]).click()
    pages.check(page, "volunteer page (phone)")
    door_card = page.locator("section.card").filter(has=page.get_by_role("button", name=words["sign_up"]))
    door_card.get_by_label(words["consent"]).check()
    door_card.get_by_role("button", name=words["sign_up"]).click()
    expect(page.locator(".alert-success")).to_contain_text(words["signed_up"])
    pages.check(page, "volunteer page after signing up (phone)")
    page.goto(f"{base}{prefix}/me/volunteering/")
    pages.check(page, "my volunteering (phone)")

    # The organizer confirms the sign-up in the admin; the chapter page thanks the volunteer.
    desk = browser.new_context(viewport={"width": 1366, "height": 900})
    admin = _log_in(desk, base, "", "organizer@example.org")
    admin.goto(f"{base}/admin/community/volunteersignup/")
    admin.locator("input[name=_selected_action]").first.check()
    admin.locator("select[name=action]").select_option("confirm")
    admin.locator("button[name=index], input[name=index]").first.click()
    expect(admin.locator(".messagelist")).to_contain_text("1")
    assert VolunteerSignup.objects.get(role=network["door"]).state == "confirmed"
    visitor = browser.new_context().new_page()
    visitor.goto(f"{base}{prefix}/chapters/{chapter.slug}/")
    expect(visitor.locator("#volunteers-thanks")).to_contain_text(words["thanks"])
    expect(visitor.locator("#volunteers-thanks")).to_contain_text("Member 0")
    pages.check(visitor, "chapter page with thanks and polls")

    # Three members answer the poll: two in person, one online.
    for person, answer in zip(people, (words["in_person"], words["in_person"], words["online"]), strict=True):
        context = browser.new_context()
        voter = _log_in(context, base, prefix, person.email)
        voter.goto(f"{base}{prefix}/chapters/{chapter.slug}/polls/{poll.pk}/")
        if person == people[0]:
            pages.check(voter, "poll before voting")
        voter.get_by_label(answer, exact=True).check()
        voter.get_by_role("button", name=words["vote"], exact=True).click()
        expect(voter.locator(".alert-success")).to_have_text(words["voted"])
        context.close()
    last = _log_in(browser.new_context(), base, prefix, people[2].email)
    last.goto(f"{base}{prefix}/chapters/{chapter.slug}/polls/{poll.pk}/")
    table = last.locator("#poll-results")
    expect(table.locator("tr", has_text=words["in_person"]).locator("td")).to_have_text("2")
    expect(table.locator("tr", has_text=words["online"]).locator("td")).to_have_text("1")
    expect(last.locator("img[src^='data:image/svg+xml']")).to_be_visible()
    pages.check(last, "poll results")

    # A day after the meeting, the attendee gets the feedback email and answers through its link.
    assert feedback_requests_send() == 1

    def feedback_emails():
        return [m for m in smtp.inbox.to(people[0].email) if m["Subject"].startswith(words["subject"])]

    (message,) = wait_for(feedback_emails, timeout=30, message="the feedback email")
    # The volunteer's confirmation came through the same outbox, in the member's language.
    assert len(smtp.inbox.to(people[0].email)) == 2
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/\S*community/feedback/\S+/)", text).group(1)
    assert link.startswith(f"{prefix}/community/feedback/")
    page.goto(base + link)
    pages.check(page, "feedback form (phone)")
    for talk in ("Hyper-V replicas", "PowerShell snack"):
        page.locator("fieldset", has_text=talk).get_by_label("5", exact=True).check()
    page.locator("textarea[name=comment]").fill("Loved the replica demo")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".alert-success")).to_have_text(words["sent"])
    response = FeedbackResponse.objects.get(meeting=network["held"], member=people[0])
    assert sorted(response.ratings.values_list("rating", flat=True)) == [5, 5]
    assert response.comment == "Loved the replica demo"
    page.goto(f"{base}{prefix}/community/feedback/forged-link/")
    expect(page.locator(".alert-warning")).to_contain_text(words["invalid"])
    pages.check(page, "feedback link refused (phone)")

    # The sponsor's liaison reads the published note beside the meeting.
    reader = _log_in(browser.new_context(), base, prefix, "liaison@example.org")
    reader.goto(f"{base}{prefix}/community/notes/{network['held'].pk}/")
    expect(reader.locator("article")).to_contain_text("full room")
    # Beside it, the feedback as numbers: one member answered, two ratings of 5; no comment, no name.
    row = reader.locator("#feedback-by-topic tbody tr", has_text="Virtualization")
    expect(row.locator("td")).to_have_text(["1", "2", "5.00" if language == "en" else "5,00"])
    assert "Loved the replica demo" not in reader.content()
    assert "Member 0" not in reader.content()
    pages.check(reader, "notes for sponsors")

    assert pages.axe == {}
    assert pages.nu_errors() == {}
