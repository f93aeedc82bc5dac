"""Proposals in the admin: scoped by chapter, decided by actions, placed on a meeting in one step."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem
from members.mail.models import OutboxMessage
from speakers import services
from speakers.models import CallForSpeakers, Proposal
from speakers.services import Decision
from tests.factories import MeetingFactory

from .conftest import PASSWORD, submit

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:speakers_proposal_changelist"


def _login(client, member):
    assert client.login(email=member.email, password=PASSWORD)


def _act(client, action, proposal, **data):
    return client.post(
        reverse(CHANGELIST), {"action": action, ACTION_CHECKBOX_NAME: [proposal.pk], **data}, follow=True
    )


def test_admin_proposal_list_shows_only_the_organizers_chapters(client, world):
    ours = submit(world, title="Toronto idea")
    theirs = submit(world, chapter=world["montreal"], title="Idée pour Montréal")
    _login(client, world["organizer"])
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "Toronto idea" in html and "Idée pour Montréal" not in html
    assert client.get(reverse("admin:speakers_proposal_change", args=[ours.pk])).status_code == 200
    response = client.get(reverse("admin:speakers_proposal_change", args=[theirs.pk]))
    assert response.status_code == 302  # "does not exist", as for any unknown id


@pytest.mark.parametrize("role", ["speaker", "unverified"])
def test_admin_proposals_closed_to_members(client, world, role):
    submit(world)
    client.force_login(world[role])
    assert client.get(reverse(CHANGELIST)).status_code == 302


def test_admin_other_organizer_cannot_decide_by_posting_an_id(client, world):
    proposal = submit(world)
    _login(client, world["other_organizer"])
    _act(client, "accept_proposals", proposal, confirmed="yes", message="Sure")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    assert not OutboxMessage.objects.filter(kind="talk_reviewed").exists()


def test_admin_request_changes_asks_for_a_message_first(client, world):
    proposal = submit(world)
    _login(client, world["organizer"])
    response = _act(client, "request_changes", proposal)
    assert 'name="message"' in response.content.decode()
    response = _act(client, "request_changes", proposal, confirmed="yes", message="")
    assert "Say which changes you would like" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


def test_admin_accept_queues_and_sends_the_speaker_an_email(
    client, world, locmem_mail, django_capture_on_commit_callbacks
):
    proposal = submit(world)
    _login(client, world["organizer"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, "accept_proposals", proposal, confirmed="yes", message="See you in March!")
    assert "1 proposal answered" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED
    row = OutboxMessage.objects.get(kind="talk_reviewed")
    assert row.to_email == "speaker@example.org"
    (message,) = [m for m in mail.outbox if "speaker@example.org" in m.to]
    assert message.subject == "Your talk “PowerShell remoting in practice” is accepted"
    assert "See you in March!" in message.body
    assert "/me/talks/" in message.body


def test_admin_review_email_in_the_speakers_language(
    client, world, locmem_mail, django_capture_on_commit_callbacks
):
    world["speaker"].preferred_language = "fr"
    world["speaker"].save()
    proposal = submit(world)
    _login(client, world["organizer"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, "decline_proposals", proposal, confirmed="yes", message="")
    (message,) = [m for m in mail.outbox if "speaker@example.org" in m.to]
    assert message.subject == "À propos de votre proposition « PowerShell remoting in practice »"
    assert "/fr/me/talks/" in message.body


def _accepted(world):
    proposal = submit(world)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT)
    return proposal


def test_admin_place_on_meeting_offers_the_chapters_upcoming_meetings(client, world):
    proposal = _accepted(world)
    MeetingFactory(
        chapter=world["toronto"],
        title="Held last month",
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )
    _login(client, world["organizer"])
    html = _act(client, "place_on_meeting", proposal).content.decode()
    assert "Hyper-V night" in html
    assert "Held last month" not in html and "Soirée PowerShell" not in html


def test_admin_place_on_meeting_out_of_scope_meeting_refused(client, world):
    proposal = _accepted(world)
    _login(client, world["organizer"])
    response = _act(client, "place_on_meeting", proposal, confirmed="yes", meeting=world["mtl_meeting"].pk)
    assert "Select a valid choice" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("bad", ["abc", "1.5", ""])
def test_admin_place_on_meeting_bad_id_refused_without_500(client, world, bad):
    proposal = _accepted(world)
    _login(client, world["organizer"])
    response = _act(client, "place_on_meeting", proposal, confirmed="yes", meeting=bad)
    assert response.status_code == 200
    assert not AgendaItem.objects.exists()


def test_admin_place_on_meeting_in_one_step(client, world):
    proposal = _accepted(world)
    _login(client, world["organizer"])
    response = _act(client, "place_on_meeting", proposal, confirmed="yes", meeting=world["meeting"].pk)
    assert "1 talk placed on" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SCHEDULED
    assert proposal.agenda_item.meeting == world["meeting"]


def test_admin_change_page_has_the_decision_buttons(client, world):
    proposal = submit(world)
    _login(client, world["organizer"])
    html = client.get(reverse("admin:speakers_proposal_change", args=[proposal.pk])).content.decode()
    for label in ("Accept", "Request changes", "Decline", "Place on a meeting"):
        assert f'class="button">{label}</button>' in html
    assert 'name="_save"' not in html  # the speaker's text is not the organizer's to edit


def test_admin_call_for_speakers_refuses_another_chapters_meeting(client, world):
    _login(client, world["organizer"])
    now = timezone.localtime()
    response = client.post(
        reverse("admin:speakers_callforspeakers_add"),
        {
            "chapter": world["toronto"].pk,
            "title": "Spring talks",
            "meeting": world["mtl_meeting"].pk,
            "opens_at_0": now.strftime("%Y-%m-%d"),
            "opens_at_1": "09:00:00",
            "closes_at_0": (now + datetime.timedelta(days=20)).strftime("%Y-%m-%d"),
            "closes_at_1": "09:00:00",
        },
    )
    assert response.status_code == 200
    assert not CallForSpeakers.objects.exists()


def test_admin_call_for_speakers_for_another_chapter_refused(client, world):
    _login(client, world["organizer"])
    now = timezone.localtime()
    response = client.post(
        reverse("admin:speakers_callforspeakers_add"),
        {
            "chapter": world["montreal"].pk,
            "title": "Appel",
            "opens_at_0": now.strftime("%Y-%m-%d"),
            "opens_at_1": "09:00:00",
            "closes_at_0": (now + datetime.timedelta(days=20)).strftime("%Y-%m-%d"),
            "closes_at_1": "09:00:00",
        },
    )
    assert response.status_code == 200
    assert not CallForSpeakers.objects.exists()


@pytest.mark.parametrize("model", ["speakerprofile", "tour"])
def test_admin_speaker_profiles_and_tours_are_for_superusers_only(client, world, model):
    _login(client, world["organizer"])
    assert client.get(reverse(f"admin:speakers_{model}_changelist")).status_code == 403
