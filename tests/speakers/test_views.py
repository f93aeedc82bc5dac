"""The member's pages: proposing, following, editing; public profiles and tours; privacy."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from speakers import services
from speakers.models import CallForSpeakers, Proposal, Tour
from speakers.services import Decision
from tests.factories import AgendaItemFactory, MeetingFactory, TopicFactory
from tests.support.queries import assert_constant_queries, page_queries

from .conftest import submit

pytestmark = pytest.mark.django_db

FORM = {
    "title": "PowerShell remoting in practice",
    "kind": "short",
    "level": "introductory",
    "abstract": "Manage many servers at once.",
    "speaker_bio": "Sysadmin.",
}


def _propose_url(world):
    return reverse("speakers:propose", kwargs={"slug": world["toronto"].slug})


def test_propose_page_anonymous_sees_why_and_a_login_link(client, world):
    response = client.get(_propose_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Log in or create a free account to propose a talk." in html
    assert 'name="title"' not in html


def test_propose_post_anonymous_refused_with_message(client, world):
    response = client.post(_propose_url(world), FORM, follow=True)
    assert "Log in or create a free account to propose a talk." in response.content.decode()
    assert not Proposal.objects.exists()


def test_propose_post_unverified_refused_with_message(client, world):
    client.force_login(world["unverified"])
    response = client.post(_propose_url(world), FORM, follow=True)
    assert "Please confirm your email address before you propose a talk" in response.content.decode()
    assert not Proposal.objects.exists()


def test_propose_post_verified_member_lands_on_my_talks(client, world):
    client.force_login(world["speaker"])
    month = timezone.localdate().strftime("%Y-%m")
    response = client.post(_propose_url(world), {**FORM, "preferred_months": [month]}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("speakers:my_talks")
    assert "Your proposal is with the organizers of IT Pro Toronto" in html
    assert "PowerShell remoting in practice" in html
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.preferred_months, proposal.speaker) == (
        "short",
        [month],
        world["speaker"],
    )


def test_propose_post_without_title_shows_the_error_and_saves_nothing(client, world):
    client.force_login(world["speaker"])
    response = client.post(_propose_url(world), {**FORM, "title": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Proposal.objects.exists()


def test_propose_unknown_chapter_404(client, world):
    assert client.get(reverse("speakers:propose", kwargs={"slug": "nowhere"})).status_code == 404


def test_my_talks_anonymous_sent_to_login(client, world):
    response = client.get(reverse("speakers:my_talks"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_talks_lists_only_my_proposals(client, world):
    submit(world)
    submit(world, member=world["organizer"], title="Organizer's own idea")
    client.force_login(world["speaker"])
    html = client.get(reverse("speakers:my_talks")).content.decode()
    assert "PowerShell remoting in practice" in html
    assert "Organizer&#x27;s own idea" not in html and "Organizer's own idea" not in html


def test_proposal_edit_of_someone_elses_proposal_404(client, world):
    proposal = submit(world)
    client.force_login(world["other_organizer"])
    url = reverse("speakers:proposal_edit", kwargs={"pk": proposal.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {**FORM, "title": "Hijacked"}).status_code == 404
    withdraw = reverse("speakers:proposal_withdraw", kwargs={"pk": proposal.pk})
    assert client.post(withdraw).status_code == 404
    proposal.refresh_from_db()
    assert (proposal.title, proposal.state) == ("PowerShell remoting in practice", "submitted")


def test_proposal_edit_after_a_decision_refused_with_message(client, world):
    proposal = submit(world)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.DECLINE)
    client.force_login(world["speaker"])
    url = reverse("speakers:proposal_edit", kwargs={"pk": proposal.pk})
    response = client.post(url, {**FORM, "title": "Changed"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "PowerShell remoting in practice"


def test_proposal_withdraw_by_the_speaker(client, world):
    proposal = submit(world)
    client.force_login(world["speaker"])
    response = client.post(reverse("speakers:proposal_withdraw", kwargs={"pk": proposal.pk}), follow=True)
    assert "is withdrawn" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.WITHDRAWN


def test_speaker_profile_without_consent_is_404(client, world):
    profile = services.speaker_profile_save(member=world["speaker"], bio="Private bio", is_public=False)
    assert client.get(profile.get_absolute_url()).status_code == 404


def test_speaker_profile_of_a_closed_account_is_404(client, world):
    profile = services.speaker_profile_save(member=world["speaker"], bio="Bio", is_public=True)
    world["speaker"].is_active = False
    world["speaker"].save()
    assert client.get(profile.get_absolute_url()).status_code == 404


def _scheduled_talk(world, meeting=None, **overrides):
    proposal = submit(world, **overrides)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT)
    return services.proposal_schedule(
        proposal=proposal, meeting=meeting or world["meeting"], by=world["organizer"]
    )


def test_speaker_profile_lists_talks_with_meeting_and_slides_links(client, world):
    proposal = _scheduled_talk(world)
    proposal.agenda_item.resources_url = "https://slides.example.org/remoting"
    proposal.agenda_item.save()
    profile = services.speaker_profile_save(member=world["speaker"], bio="Runs **servers**.", is_public=True)
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "Avery Speaker" in html
    assert "<strong>servers</strong>" in html
    assert world["meeting"].get_absolute_url() in html
    assert "https://slides.example.org/remoting" in html


def test_meeting_page_links_the_speaker_only_with_consent(client, world, django_capture_on_commit_callbacks):
    _scheduled_talk(world)
    url = world["meeting"].get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.speaker_profile_save(member=world["speaker"], bio="", is_public=False)
    assert profile.get_absolute_url() not in client.get(url).content.decode()
    # The cached anonymous page is dropped when the speaker consents.
    with django_capture_on_commit_callbacks(execute=True):
        services.speaker_profile_save(member=world["speaker"], bio="", is_public=True)
    html = client.get(url).content.decode()
    assert f'with <a href="{profile.get_absolute_url()}" class="speaker-link">Avery Speaker</a>' in html


def test_proposals_never_appear_on_public_pages(client, world):
    submit(world, title="A secret proposal")
    for url in (
        world["toronto"].get_absolute_url(),
        world["meeting"].get_absolute_url(),
        reverse("speakers:tours"),
    ):
        assert "A secret proposal" not in client.get(url).content.decode()


def test_tour_page_lists_the_stops(client, world):
    today = timezone.localdate()
    tour = services.tour_create(
        speaker=world["speaker"],
        title="Virtualization Reality",
        abstract="Abstract",
        kind="talk",
        duration_minutes=90,
        available_from=today,
        available_to=today + datetime.timedelta(days=60),
    )
    stop = services.tour_request(tour=tour, meeting=world["mtl_meeting"], by=world["other_organizer"])
    services.tour_stop_answer(stop=stop, member=world["speaker"], accept=True)
    html = client.get(tour.get_absolute_url()).content.decode()
    assert "MITPro" in html
    assert "Accepted" in html
    assert world["mtl_meeting"].get_absolute_url() in html


def test_tour_request_by_an_organizer_through_the_page(client, world):
    today = timezone.localdate()
    tour = services.tour_create(
        speaker=world["speaker"],
        title="Virtualization Reality",
        abstract="Abstract",
        kind="talk",
        duration_minutes=90,
        available_from=today,
        available_to=today + datetime.timedelta(days=60),
    )
    client.force_login(world["other_organizer"])
    page = client.get(tour.get_absolute_url()).content.decode()
    assert "Soirée PowerShell" in page and "Hyper-V night" not in page
    url = reverse("speakers:tour_request", kwargs={"pk": tour.pk})
    # Another chapter's meeting id is refused like any unknown choice.
    response = client.post(url, {"meeting": world["meeting"].pk}, follow=True)
    assert "Choose one of your chapter" in response.content.decode()
    assert not tour.stops.exists()
    response = client.post(url, {"meeting": world["mtl_meeting"].pk}, follow=True)
    assert "Request sent" in response.content.decode()
    assert tour.stops.get().chapter == world["montreal"]


def test_tour_stop_answer_by_the_speaker_on_my_talks(client, world):
    today = timezone.localdate()
    tour = services.tour_create(
        speaker=world["speaker"],
        title="Virtualization Reality",
        abstract="Abstract",
        kind="talk",
        duration_minutes=90,
        available_from=today,
        available_to=today + datetime.timedelta(days=60),
    )
    stop = services.tour_request(tour=tour, meeting=world["mtl_meeting"], by=world["other_organizer"])
    client.force_login(world["organizer"])
    answer = reverse("speakers:stop_answer", kwargs={"pk": stop.pk})
    assert client.post(answer, {"answer": "accept"}).status_code == 404
    client.force_login(world["speaker"])
    response = client.post(answer, {"answer": "maybe"}, follow=True)
    assert "Choose accept or decline." in response.content.decode()
    response = client.post(answer, {"answer": "decline"}, follow=True)
    assert "Declined" in response.content.decode()
    stop.refresh_from_db()
    assert stop.state == "declined"


def test_french_pages_render_in_french(client, world):
    client.force_login(world["speaker"])
    submit(world)
    html = client.get("/fr/me/talks/").content.decode()
    assert "Mes propositions de présentation" in html
    assert "Soumise" in html
    html = client.get(f"/fr/chapters/{world['toronto'].slug}/talks/propose/").content.decode()
    assert "Proposer une présentation" in html
    assert "Envoyer ma proposition" in html


# Every talk page runs a fixed number of queries, cold, whatever the number of proposals, talks, tours,
# stops and calls, and at most MAX_QUERIES; read by a visitor, a member, the speaker or an organizer.


def _speaker_with_things(world, count):
    """Give the speaker `count` more proposals, talks given, tours (each asked by MITPro) and calls."""
    today = timezone.localdate()
    start = Proposal.objects.count()
    for n in range(start, start + count):
        call = CallForSpeakers.objects.create(
            chapter=world["toronto"],
            title=f"Call {n}",
            meeting=world["meeting"],
            topic=TopicFactory(),
            opens_at=timezone.now() - datetime.timedelta(days=1),
            closes_at=timezone.now() + datetime.timedelta(days=10 + n),
        )
        submit(world, title=f"Idea {n}", call=call)
        meeting = MeetingFactory(
            chapter=world["toronto"], starts_at=timezone.now() + datetime.timedelta(days=20 + n)
        )
        _scheduled_talk(world, meeting=meeting, title=f"Talk {n}")
        tour = services.tour_create(
            speaker=world["speaker"],
            title=f"Tour {n}",
            abstract="Abstract",
            kind="talk",
            duration_minutes=60,
            available_from=today,
            available_to=today + datetime.timedelta(days=60),
        )
        mtl = MeetingFactory(
            chapter=world["montreal"], starts_at=timezone.now() + datetime.timedelta(days=25 + n)
        )
        services.tour_request(tour=tour, meeting=mtl, by=world["other_organizer"])
    AgendaItemFactory(meeting=world["meeting"])
    services.speaker_profile_save(member=world["speaker"], bio="Bio", is_public=True)


def _talk_page(world, page):
    speaker = world["speaker"]
    if page == "propose":
        return _propose_url(world)
    if page == "proposal_edit":
        proposal = Proposal.objects.filter(speaker=speaker, state=Proposal.State.SUBMITTED).latest("pk")
        return reverse("speakers:proposal_edit", kwargs={"pk": proposal.pk})
    if page == "my_talks":
        return reverse("speakers:my_talks")
    if page == "profile_edit":
        return reverse("speakers:profile_edit")
    if page == "profile":
        return speaker.speaker_profile.get_absolute_url()
    if page == "tours":
        return reverse("speakers:tours")
    return Tour.objects.filter(speaker=speaker).latest("pk").get_absolute_url()


@pytest.mark.parametrize(
    ("page", "reader"),
    [
        ("propose", None),
        ("propose", "speaker"),
        ("proposal_edit", "speaker"),
        ("my_talks", "speaker"),
        ("profile_edit", "speaker"),
        ("profile", None),
        ("profile", "organizer"),
        ("tours", None),
        ("tours", "speaker"),
        ("tour", None),
        ("tour", "speaker"),
        ("tour", "other_organizer"),
    ],
)
def test_talk_page_queries_do_not_grow(client, world, page, reader):
    if reader is not None:
        client.force_login(world[reader])
    _speaker_with_things(world, 1)
    few = page_queries(client, _talk_page(world, page))
    _speaker_with_things(world, 6)
    many = page_queries(client, _talk_page(world, page))
    assert_constant_queries(few, many)
