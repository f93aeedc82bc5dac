"""Proposal states, one-step scheduling, tours, and who may do what, at the service level."""

import datetime

import pytest
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from members.mail.models import OutboxMessage
from speakers import services
from speakers.models import CallForSpeakers, Proposal, SpeakerProfile, TourStop
from speakers.services import Decision, TalkRefused
from tests.factories import MeetingFactory

from .conftest import submit

pytestmark = pytest.mark.django_db


def test_proposal_submit_records_it_and_tells_the_chapters_organizers(world):
    proposal = submit(world)
    assert proposal.state == Proposal.State.SUBMITTED
    assert list(OutboxMessage.objects.filter(kind="talk_submitted").values_list("to_email", flat=True)) == [
        "organizer@example.org"
    ]


def test_proposal_submit_unverified_member_refused_and_nothing_saved(world):
    with pytest.raises(TalkRefused, match="confirm your email"):
        submit(world, member=world["unverified"])
    assert not Proposal.objects.exists()


def test_proposal_submit_to_a_closed_call_refused(world):
    now = timezone.now()
    call = CallForSpeakers.objects.create(
        chapter=world["toronto"],
        title="Spring talks",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
    )
    with pytest.raises(TalkRefused, match="closed"):
        submit(world, call=call)
    assert not Proposal.objects.exists()


def test_proposal_submit_to_another_chapters_call_refused(world):
    now = timezone.now()
    call = CallForSpeakers.objects.create(
        chapter=world["montreal"], title="Appel", opens_at=now, closes_at=now + datetime.timedelta(days=9)
    )
    with pytest.raises(TalkRefused):
        submit(world, call=call)


def test_proposal_review_changes_then_edit_resubmits(world):
    proposal = submit(world)
    services.proposal_review(
        proposal=proposal, by=world["organizer"], decision=Decision.CHANGES, message="Shorter, please."
    )
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.CHANGES_REQUESTED
    assert proposal.review_message == "Shorter, please."
    services.proposal_update(
        proposal=proposal, member=world["speaker"], title="Remoting in 15 minutes", kind="short"
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.title, proposal.kind) == ("submitted", "Remoting in 15 minutes", "short")


def test_proposal_review_changes_without_message_refused(world):
    proposal = submit(world)
    with pytest.raises(TalkRefused, match="changes"):
        services.proposal_review(
            proposal=proposal, by=world["organizer"], decision=Decision.CHANGES, message=" "
        )
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


def test_proposal_review_by_another_chapters_organizer_refused(world):
    proposal = submit(world)
    with pytest.raises(TalkRefused, match="organizers"):
        services.proposal_review(proposal=proposal, by=world["other_organizer"], decision=Decision.ACCEPT)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    assert not OutboxMessage.objects.filter(kind="talk_reviewed").exists()


def test_proposal_review_twice_refused(world):
    proposal = submit(world)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.DECLINE)
    with pytest.raises(TalkRefused, match="only a submitted proposal"):
        services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.DECLINED


def test_proposal_schedule_puts_the_talk_on_the_agenda_in_one_step(world):
    proposal = submit(world)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT)
    services.proposal_schedule(proposal=proposal, meeting=world["meeting"], by=world["organizer"])
    proposal.refresh_from_db()
    item = proposal.agenda_item
    assert proposal.state == Proposal.State.SCHEDULED
    assert (item.meeting, item.title, item.speaker, item.kind) == (
        world["meeting"],
        "PowerShell remoting in practice",
        "Avery Speaker",
        "talk",
    )
    assert item.speaker_bio == "Runs the servers of a mid-size firm."
    assert OutboxMessage.objects.filter(kind="talk_scheduled", to_email="speaker@example.org").count() == 1


def test_proposal_schedule_not_accepted_refused(world):
    proposal = submit(world)
    with pytest.raises(TalkRefused, match="accept it before"):
        services.proposal_schedule(proposal=proposal, meeting=world["meeting"], by=world["organizer"])
    assert not AgendaItem.objects.exists()


def test_proposal_schedule_on_another_chapters_meeting_refused(world):
    proposal = submit(world)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT)
    with pytest.raises(TalkRefused, match="this chapter's meetings"):
        services.proposal_schedule(proposal=proposal, meeting=world["mtl_meeting"], by=world["organizer"])
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED
    assert not AgendaItem.objects.exists()


def test_proposal_schedule_on_a_past_or_cancelled_meeting_refused(world):
    proposal = submit(world)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT)
    past = MeetingFactory(chapter=world["toronto"], starts_at=timezone.now() - datetime.timedelta(days=3))
    cancelled = MeetingFactory(chapter=world["toronto"], status=Meeting.Status.CANCELLED)
    for meeting in (past, cancelled):
        with pytest.raises(TalkRefused, match="still to come"):
            services.proposal_schedule(proposal=proposal, meeting=meeting, by=world["organizer"])
    assert not AgendaItem.objects.exists()


def test_proposal_withdraw_once_scheduled_refused(world):
    proposal = submit(world)
    services.proposal_review(proposal=proposal, by=world["organizer"], decision=Decision.ACCEPT)
    services.proposal_schedule(proposal=proposal, meeting=world["meeting"], by=world["organizer"])
    with pytest.raises(TalkRefused, match="agenda"):
        services.proposal_withdraw(proposal=proposal, member=world["speaker"])


def test_proposal_withdraw_by_someone_else_refused(world):
    proposal = submit(world)
    with pytest.raises(TalkRefused, match="not yours"):
        services.proposal_withdraw(proposal=proposal, member=world["organizer"])
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


def test_speaker_profile_consent_time_recorded_and_cleared(world):
    profile = services.speaker_profile_save(member=world["speaker"], bio="Hi", is_public=True)
    assert profile.slug == "avery-speaker"
    assert profile.public_consent_at is not None
    profile = services.speaker_profile_save(member=world["speaker"], bio="Hi", is_public=False)
    assert (profile.is_public, profile.public_consent_at) == (False, None)
    assert SpeakerProfile.objects.count() == 1


def _tour(world, **overrides):
    today = timezone.localdate()
    fields = {
        "speaker": world["speaker"],
        "title": "Virtualization Reality",
        "abstract": "What virtualization means in practice.",
        "kind": "talk",
        "duration_minutes": 90,
        "available_from": today,
        "available_to": today + datetime.timedelta(days=90),
    }
    fields.update(overrides)
    return services.tour_create(**fields)


def test_tour_request_then_accept_places_the_talk_on_that_meeting(world):
    tour = _tour(world)
    stop = services.tour_request(tour=tour, meeting=world["mtl_meeting"], by=world["other_organizer"])
    assert OutboxMessage.objects.filter(kind="tour_requested", to_email="speaker@example.org").exists()
    services.tour_stop_answer(stop=stop, member=world["speaker"], accept=True)
    stop.refresh_from_db()
    assert stop.state == TourStop.State.ACCEPTED
    item = stop.proposal.agenda_item
    assert (item.meeting, item.title, item.duration_minutes) == (
        world["mtl_meeting"],
        "Virtualization Reality",
        90,
    )
    assert stop.proposal.state == Proposal.State.SCHEDULED
    assert OutboxMessage.objects.filter(
        kind="tour_answered", to_email="organizer.mitpro@example.org"
    ).exists()


def test_tour_request_for_another_chapters_meeting_refused(world):
    tour = _tour(world)
    with pytest.raises(TalkRefused, match="organizers"):
        services.tour_request(tour=tour, meeting=world["meeting"], by=world["other_organizer"])
    assert not TourStop.objects.exists()


def test_tour_request_twice_by_one_chapter_refused(world):
    tour = _tour(world)
    services.tour_request(tour=tour, meeting=world["mtl_meeting"], by=world["other_organizer"])
    with pytest.raises(TalkRefused, match="already asked"):
        services.tour_request(tour=tour, meeting=world["mtl_meeting"], by=world["other_organizer"])
    assert TourStop.objects.count() == 1


def test_tour_request_outside_the_speakers_dates_refused(world):
    tour = _tour(world, available_to=timezone.localdate() + datetime.timedelta(days=5))
    with pytest.raises(TalkRefused, match="available from"):
        services.tour_request(tour=tour, meeting=world["mtl_meeting"], by=world["other_organizer"])


def test_tour_stop_answer_by_another_member_refused(world):
    tour = _tour(world)
    stop = services.tour_request(tour=tour, meeting=world["mtl_meeting"], by=world["other_organizer"])
    with pytest.raises(TalkRefused, match="another speaker"):
        services.tour_stop_answer(stop=stop, member=world["organizer"], accept=True)
    stop.refresh_from_db()
    assert stop.state == TourStop.State.REQUESTED
    assert not AgendaItem.objects.exists()
