"""The community services: each refusal says why and changes nothing."""

import datetime

import pytest
from django.utils import timezone

from community import services
from community.models import (
    FeedbackResponse,
    MeetingNote,
    Poll,
    TalkRating,
    VolunteerRole,
    VolunteerSignup,
    Vote,
)
from community.services import CommunityRefused
from meetings.models import RSVP, Meeting
from members.mail.models import OutboxMessage
from tests.factories import AgendaItemFactory, MeetingFactory, MemberFactory

from .conftest import make_poll

pytestmark = pytest.mark.django_db


# Volunteers.


def test_volunteer_signup_create_takes_a_place(door, member):
    signup = services.volunteer_signup_create(role=door, member=member, thank_publicly=True)

    assert signup.state == VolunteerSignup.State.PENDING
    assert signup.thank_publicly is True


def test_volunteer_signup_create_twice_keeps_one_place(door, member):
    services.volunteer_signup_create(role=door, member=member)
    services.volunteer_signup_create(role=door, member=member, thank_publicly=True)

    assert VolunteerSignup.objects.filter(role=door).count() == 1
    assert VolunteerSignup.objects.get(role=door).thank_publicly is True


def test_volunteer_signup_create_past_the_places_is_refused(door, chapter):
    for _ in range(door.places):
        services.volunteer_signup_create(role=door, member=MemberFactory())
    late = MemberFactory()

    with pytest.raises(CommunityRefused) as refused:
        services.volunteer_signup_create(role=door, member=late)

    assert refused.value.code == "full"
    assert not VolunteerSignup.objects.filter(member=late).exists()
    assert VolunteerSignup.objects.filter(role=door).count() == door.places


def test_volunteer_signup_withdraw_frees_the_place(door, member):
    for _ in range(door.places - 1):
        services.volunteer_signup_create(role=door, member=MemberFactory())
    services.volunteer_signup_create(role=door, member=member)
    services.volunteer_signup_withdraw(role=door, member=member)

    services.volunteer_signup_create(role=door, member=MemberFactory())

    assert VolunteerSignup.objects.filter(role=door, state__in=services.ACTIVE_SIGNUPS).count() == door.places


@pytest.mark.parametrize("change", ["cancelled", "started"])
def test_volunteer_signup_create_for_a_closed_meeting_is_refused(door, member, change):
    if change == "cancelled":
        Meeting.objects.filter(pk=door.meeting_id).update(status=Meeting.Status.CANCELLED)
    else:
        Meeting.objects.filter(pk=door.meeting_id).update(
            starts_at=timezone.now() - datetime.timedelta(minutes=5)
        )

    with pytest.raises(CommunityRefused) as refused:
        services.volunteer_signup_create(role=door, member=member)

    assert refused.value.code == "meeting_closed"
    assert not VolunteerSignup.objects.exists()


def test_volunteer_signup_confirm_by_organizer_emails_the_volunteer(door, member, organizer):
    signup = services.volunteer_signup_create(role=door, member=member)

    services.volunteer_signup_confirm(signup=signup, by=organizer)

    signup.refresh_from_db()
    assert signup.state == VolunteerSignup.State.CONFIRMED
    assert OutboxMessage.objects.filter(member=member, kind="volunteer_confirmed").count() == 1


def test_volunteer_signup_confirm_by_another_chapters_organizer_is_refused(door, member, other_organizer):
    signup = services.volunteer_signup_create(role=door, member=member)

    with pytest.raises(CommunityRefused) as refused:
        services.volunteer_signup_confirm(signup=signup, by=other_organizer)

    assert refused.value.code == "not_organizer"
    signup.refresh_from_db()
    assert signup.state == VolunteerSignup.State.PENDING
    assert not OutboxMessage.objects.exists()


def test_volunteer_reminders_send_once_to_confirmed_volunteers(chapter, organizer):
    soon = MeetingFactory(chapter=chapter, starts_at=timezone.now() + datetime.timedelta(hours=20))
    role = VolunteerRole.objects.create(meeting=soon, kind=VolunteerRole.Kind.SETUP, places=3)
    confirmed, pending = MemberFactory(), MemberFactory()
    services.volunteer_signup_confirm(
        signup=services.volunteer_signup_create(role=role, member=confirmed), by=organizer
    )
    services.volunteer_signup_create(role=role, member=pending)

    first = services.volunteer_reminders_send()
    second = services.volunteer_reminders_send()

    assert (first, second) == (1, 0)
    reminders = OutboxMessage.objects.filter(kind="volunteer_reminder")
    assert [m.member_id for m in reminders] == [confirmed.pk]


# Polls.


def test_poll_vote_records_one_vote(poll, member):
    choice = poll.choices.first()

    vote, created = services.poll_vote(poll=poll, member=member, choice_ids=[choice.pk])

    assert created is True
    assert list(vote.choices.all()) == [choice]


def test_poll_vote_twice_changes_the_one_vote(poll, member):
    first, second = poll.choices.all()
    services.poll_vote(poll=poll, member=member, choice_ids=[first.pk])

    vote, created = services.poll_vote(poll=poll, member=member, choice_ids=[second.pk])

    assert created is False
    assert Vote.objects.filter(poll=poll).count() == 1
    assert list(vote.choices.all()) == [second]


def test_poll_vote_after_close_is_refused(poll, member):
    choice = poll.choices.first()
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(CommunityRefused) as refused:
        services.poll_vote(poll=poll, member=member, choice_ids=[choice.pk])

    assert refused.value.code == "poll_closed"
    assert not Vote.objects.exists()


def test_poll_vote_change_after_close_keeps_the_vote(poll, member):
    first, second = poll.choices.all()
    services.poll_vote(poll=poll, member=member, choice_ids=[first.pk])
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(CommunityRefused):
        services.poll_vote(poll=poll, member=member, choice_ids=[second.pk])

    assert list(Vote.objects.get(poll=poll).choices.all()) == [first]


def test_poll_vote_by_non_member_is_refused(poll):
    outsider = MemberFactory()

    with pytest.raises(CommunityRefused) as refused:
        services.poll_vote(poll=poll, member=outsider, choice_ids=[poll.choices.first().pk])

    assert refused.value.code == "not_member"
    assert not Vote.objects.exists()


def test_poll_vote_with_another_polls_choice_is_refused(poll, member, chapter):
    other_poll = make_poll(chapter, choices=("Yes", "No"))

    with pytest.raises(CommunityRefused) as refused:
        services.poll_vote(poll=poll, member=member, choice_ids=[other_poll.choices.first().pk])

    assert refused.value.code == "bad_choice"
    assert not Vote.objects.exists()


def test_poll_vote_two_answers_on_single_choice_poll_is_refused(poll, member):
    with pytest.raises(CommunityRefused) as refused:
        services.poll_vote(poll=poll, member=member, choice_ids=[c.pk for c in poll.choices.all()])

    assert refused.value.code == "one_choice"


def test_poll_vote_multiple_choice_with_other(chapter, member):
    poll = make_poll(chapter, choices=("PowerShell", "Azure", "Security"), multiple=True, allow_other=True)
    ids = [c.pk for c in poll.choices.all()[:2]]

    vote, _created = services.poll_vote(poll=poll, member=member, choice_ids=ids, other="Home labs\r\nBcc: x")

    assert sorted(c.pk for c in vote.choices.all()) == sorted(ids)
    assert vote.other == "Home labs Bcc: x"


def test_poll_vote_other_when_not_offered_is_refused(poll, member):
    with pytest.raises(CommunityRefused) as refused:
        services.poll_vote(poll=poll, member=member, choice_ids=[], other="Chat rooms")

    assert refused.value.code == "no_other"


def test_poll_vote_before_opening_is_refused(chapter, member):
    poll = make_poll(chapter, opens_at=timezone.now() + datetime.timedelta(days=1))

    with pytest.raises(CommunityRefused) as refused:
        services.poll_vote(poll=poll, member=member, choice_ids=[poll.choices.first().pk])

    assert refused.value.code == "poll_not_open"


# Feedback.


def _held_meeting(chapter, *, ended_hours_ago=30):
    end = timezone.now() - datetime.timedelta(hours=ended_hours_ago)
    meeting = MeetingFactory(chapter=chapter, starts_at=end - datetime.timedelta(hours=3), ends_at=end)
    talks = [AgendaItemFactory(meeting=meeting, position=n) for n in range(2)]
    return meeting, talks


def _attended(meeting, member):
    return RSVP.objects.create(
        meeting=meeting, member=member, status=RSVP.Status.GOING, checked_in_at=meeting.starts_at
    )


def test_feedback_requests_send_to_attendees_once(chapter):
    meeting, _talks = _held_meeting(chapter)
    came, stayed_home = MemberFactory(), MemberFactory()
    _attended(meeting, came)
    RSVP.objects.create(meeting=meeting, member=stayed_home, status=RSVP.Status.GOING)

    assert services.feedback_requests_send() == 1
    assert services.feedback_requests_send() == 0
    assert list(
        OutboxMessage.objects.filter(kind="feedback_request").values_list("member_id", flat=True)
    ) == [came.pk]


def test_feedback_requests_send_waits_a_day_after_the_meeting(chapter):
    meeting, _talks = _held_meeting(chapter, ended_hours_ago=3)
    _attended(meeting, MemberFactory())

    assert services.feedback_requests_send() == 0


def test_feedback_submit_records_ratings_and_comment(chapter, member):
    meeting, talks = _held_meeting(chapter)
    _attended(meeting, member)

    response, created = services.feedback_submit(
        meeting=meeting, member=member, ratings={talks[0].pk: 5, talks[1].pk: 3}, comment="Great demos"
    )

    assert created is True
    assert dict(response.ratings.values_list("agenda_item_id", "rating")) == {talks[0].pk: 5, talks[1].pk: 3}


def test_feedback_submit_again_replaces_the_one_response(chapter, member):
    meeting, talks = _held_meeting(chapter)
    _attended(meeting, member)
    services.feedback_submit(meeting=meeting, member=member, ratings={talks[0].pk: 2})

    services.feedback_submit(meeting=meeting, member=member, ratings={talks[0].pk: 4}, comment="Better")

    assert FeedbackResponse.objects.filter(meeting=meeting, member=member).count() == 1
    assert list(TalkRating.objects.values_list("rating", flat=True)) == [4]


def test_feedback_submit_after_closing_is_refused(chapter, member):
    meeting, talks = _held_meeting(chapter, ended_hours_ago=24 * 15)
    _attended(meeting, member)

    with pytest.raises(CommunityRefused) as refused:
        services.feedback_submit(meeting=meeting, member=member, ratings={talks[0].pk: 5})

    assert refused.value.code == "feedback_closed"
    assert not FeedbackResponse.objects.exists()


@pytest.mark.parametrize("rating", [0, 6])
def test_feedback_submit_rating_out_of_range_is_refused(chapter, member, rating):
    meeting, talks = _held_meeting(chapter)
    _attended(meeting, member)

    with pytest.raises(CommunityRefused):
        services.feedback_submit(meeting=meeting, member=member, ratings={talks[0].pk: rating})

    assert not FeedbackResponse.objects.exists()


def test_feedback_submit_for_another_meetings_talk_is_refused(chapter, member):
    meeting, _talks = _held_meeting(chapter)
    _other, other_talks = _held_meeting(chapter)
    _attended(meeting, member)

    with pytest.raises(CommunityRefused) as refused:
        services.feedback_submit(meeting=meeting, member=member, ratings={other_talks[0].pk: 5})

    assert refused.value.code == "bad_rating"
    assert not FeedbackResponse.objects.exists()


def test_feedback_submit_by_someone_who_did_not_attend_is_refused(chapter, member):
    meeting, talks = _held_meeting(chapter)

    with pytest.raises(CommunityRefused) as refused:
        services.feedback_submit(meeting=meeting, member=member, ratings={talks[0].pk: 5})

    assert refused.value.code == "not_attendee"


# Notes.


def test_meeting_note_save_by_another_chapters_organizer_is_refused(meeting, other_organizer):
    note = MeetingNote(meeting=meeting, body="Great turnout", state=MeetingNote.State.PUBLISHED)

    with pytest.raises(CommunityRefused):
        services.meeting_note_save(note=note, by=other_organizer)

    assert not MeetingNote.objects.exists()


def test_meeting_note_save_published_stamps_author_and_time(meeting, organizer):
    note = MeetingNote(meeting=meeting, body="Great turnout", state=MeetingNote.State.PUBLISHED)

    services.meeting_note_save(note=note, by=organizer)

    note.refresh_from_db()
    assert note.author == organizer
    assert note.published_at is not None
