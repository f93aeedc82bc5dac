"""The community pages as members, organizers and sponsors' liaisons use them; bad input never 500s."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import FeedbackResponse, MeetingNote, Poll, VolunteerRole, VolunteerSignup, Vote
from community.tokens import feedback_token
from meetings.models import RSVP, Meeting
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    SponsorLiaisonFactory,
    SponsorshipFactory,
    TopicFactory,
)

from .conftest import make_poll, verified

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def _volunteer_url(meeting):
    return reverse("community:volunteer", kwargs={"slug": meeting.chapter.slug, "pk": meeting.pk})


# Volunteers.


def test_volunteer_page_needs_login(client, door):
    response = client.get(_volunteer_url(door.meeting))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_volunteer_sign_up_for_the_door(client, door, member):
    client.force_login(member)

    response = client.post(
        _volunteer_url(door.meeting),
        {"role": door.pk, "action": "sign_up", "thank_publicly": "on"},
        follow=True,
    )

    assert "You signed up as Door (tickets and check-in)" in " ".join(_messages(response))
    signup = VolunteerSignup.objects.get(role=door, member=member)
    assert signup.thank_publicly is True
    assert "You signed up; an organizer will confirm your place." in response.content.decode()


def test_volunteer_sign_up_past_the_places_says_so(client, door, member):
    for _ in range(door.places):
        services.volunteer_signup_create(role=door, member=MemberFactory())
    client.force_login(member)

    response = client.post(_volunteer_url(door.meeting), {"role": door.pk, "action": "sign_up"}, follow=True)

    assert "All places for this role are taken" in " ".join(_messages(response))
    assert not VolunteerSignup.objects.filter(member=member).exists()


@pytest.mark.parametrize("role", ["abc", "", "-1", "99999999", "1.5"])
def test_volunteer_post_with_a_bad_role_says_so(client, door, member, role):
    client.force_login(member)

    response = client.post(_volunteer_url(door.meeting), {"role": role, "action": "sign_up"}, follow=True)

    assert response.status_code == 200
    assert "Choose one of this meeting’s volunteer roles." in _messages(response)
    assert not VolunteerSignup.objects.exists()


def test_volunteer_post_with_another_meetings_role_is_refused(client, door, member, chapter):
    other = VolunteerRole.objects.create(meeting=MeetingFactory(chapter=chapter), kind="booth", places=3)
    client.force_login(member)

    response = client.post(_volunteer_url(door.meeting), {"role": other.pk, "action": "sign_up"}, follow=True)

    assert "Choose one of this meeting’s volunteer roles." in _messages(response)
    assert not VolunteerSignup.objects.exists()


def test_volunteer_post_with_unverified_email_is_refused(client, door):
    member = MemberFactory()
    client.force_login(member)

    response = client.post(_volunteer_url(door.meeting), {"role": door.pk, "action": "sign_up"}, follow=True)

    assert "confirm your email address" in " ".join(_messages(response))
    assert not VolunteerSignup.objects.exists()


def test_volunteer_page_of_a_draft_meeting_is_404_for_members(client, door, member):
    Meeting.objects.filter(pk=door.meeting_id).update(status=Meeting.Status.DRAFT)
    client.force_login(member)

    assert client.get(_volunteer_url(door.meeting)).status_code == 404


def test_meeting_page_links_to_volunteering_only_when_roles_exist(
    client, meeting, django_capture_on_commit_callbacks
):
    url = _volunteer_url(meeting)
    assert url not in client.get(meeting.get_absolute_url()).content.decode()

    # The anonymous page was cached; adding a role must drop it once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        VolunteerRole.objects.create(meeting=meeting, kind="door", places=1)

    assert url in client.get(meeting.get_absolute_url()).content.decode()


def test_chapter_page_thanks_confirmed_volunteers_who_agreed(client, door, organizer, chapter):
    agreed = MemberFactory(display_name="Vera Volunteer")
    shy = MemberFactory(display_name="Sam Shy")
    unconfirmed = MemberFactory(display_name="Pat Pending")
    for person, consent in ((agreed, True), (shy, False)):
        signup = services.volunteer_signup_create(role=door, member=person, thank_publicly=consent)
        services.volunteer_signup_confirm(signup=signup, by=organizer)
    door.places = 3
    door.save()
    services.volunteer_signup_create(role=door, member=unconfirmed, thank_publicly=True)

    page = client.get(chapter.get_absolute_url()).content.decode()

    assert "Thank you, volunteers" in page
    assert "Vera Volunteer" in page
    assert "Sam Shy" not in page
    assert "Pat Pending" not in page


def test_my_volunteering_counts_contributions(client, chapter, organizer):
    member = verified(MemberFactory(display_name="Alex Example"))
    held = MeetingFactory(chapter=chapter)
    role = VolunteerRole.objects.create(meeting=held, kind="booth", places=2)
    services.volunteer_signup_confirm(
        signup=services.volunteer_signup_create(role=role, member=member), by=organizer
    )
    past = timezone.now() - datetime.timedelta(days=40)
    Meeting.objects.filter(pk=held.pk).update(starts_at=past, ends_at=past + datetime.timedelta(hours=2))
    AgendaItemFactory(meeting=held, speaker="Alex Example")
    client.force_login(member)

    page = client.get(reverse("community:my_volunteering")).content.decode()

    assert '<dt class="col-sm-5">Meetings volunteered at</dt><dd class="col-sm-7">1</dd>' in page
    assert '<dt class="col-sm-5">Talks given</dt><dd class="col-sm-7">1</dd>' in page
    assert str(past.year) in page


# Polls.


def test_chapter_page_lists_open_polls(client, poll, chapter):
    assert poll.get_absolute_url() in client.get(chapter.get_absolute_url()).content.decode()


def test_poll_vote_then_results_show_counts(client, poll, member):
    online = poll.choices.get(label="Online")
    client.force_login(member)
    before = client.get(poll.get_absolute_url()).content.decode()
    assert "Results are shown once you have voted." in before

    response = client.post(poll.get_absolute_url(), {"choice": online.pk}, follow=True)

    page = response.content.decode()
    assert "Thank you for voting." in _messages(response)
    assert '<th scope="row" class="fw-normal">Online</th><td class="text-end">1</td>' in page
    assert '<th scope="row" class="fw-normal">In person</th><td class="text-end">0</td>' in page
    assert "data:image/svg+xml;base64," in page


def test_poll_vote_twice_changes_the_vote(client, poll, member):
    in_person, online = poll.choices.all()
    client.force_login(member)
    client.post(poll.get_absolute_url(), {"choice": in_person.pk})

    response = client.post(poll.get_absolute_url(), {"choice": online.pk}, follow=True)

    assert "Your vote was changed." in _messages(response)
    assert Vote.objects.filter(poll=poll).count() == 1
    assert list(Vote.objects.get(poll=poll).choices.all()) == [online]


def test_poll_vote_after_close_says_so(client, poll, member):
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(member)

    response = client.post(poll.get_absolute_url(), {"choice": poll.choices.first().pk}, follow=True)

    assert "This poll is closed; votes can no longer be cast or changed." in _messages(response)
    assert not Vote.objects.exists()


def test_poll_vote_by_a_non_member_says_so(client, poll):
    outsider = verified(MemberFactory())
    client.force_login(outsider)

    response = client.post(poll.get_absolute_url(), {"choice": poll.choices.first().pk}, follow=True)

    assert "Only members of this chapter may vote. Join the chapter first." in _messages(response)
    assert not Vote.objects.exists()


def test_poll_vote_anonymous_is_sent_to_log_in(client, poll):
    response = client.post(poll.get_absolute_url(), {"choice": poll.choices.first().pk})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize("choice", ["abc", "99999999", "1.5", "\x00"])
def test_poll_vote_with_a_bad_choice_is_a_clear_400(client, poll, member, choice):
    client.force_login(member)

    response = client.post(poll.get_absolute_url(), {"choice": choice})

    assert response.status_code == 400
    assert "Your answer could not be read; please try again." in response.content.decode()
    assert not Vote.objects.exists()


def test_poll_results_after_closing_stay_hidden_until_closed(client, chapter, member):
    poll = make_poll(chapter, results=Poll.Results.AFTER_CLOSING)
    client.force_login(member)
    client.post(poll.get_absolute_url(), {"choice": poll.choices.first().pk})

    page = client.get(poll.get_absolute_url()).content.decode()

    assert "Results are shown once the poll closes." in page
    assert 'id="poll-results"' not in page


def test_poll_of_another_chapter_under_this_slug_is_404(client, poll, member):
    other = make_poll(MembershipFactory().chapter)

    url = reverse("community:poll", kwargs={"slug": poll.chapter.slug, "pk": other.pk})

    assert client.get(url).status_code == 404


# Feedback.


@pytest.fixture
def held(chapter, member):
    end = timezone.now() - datetime.timedelta(hours=30)
    meeting = MeetingFactory(chapter=chapter, starts_at=end - datetime.timedelta(hours=3), ends_at=end)
    talks = [AgendaItemFactory(meeting=meeting, title=f"Talk {n}", position=n) for n in range(2)]
    RSVP.objects.create(
        meeting=meeting, member=member, status=RSVP.Status.GOING, checked_in_at=meeting.starts_at
    )
    return meeting, talks


def _feedback_url(meeting, member):
    return reverse(
        "community:feedback", kwargs={"token": feedback_token(meeting_id=meeting.pk, member_id=member.pk)}
    )


def test_feedback_link_shows_the_talks_and_records_answers(client, held, member):
    meeting, talks = held
    url = _feedback_url(meeting, member)
    assert "Talk 1" in client.get(url).content.decode()

    response = client.post(
        url, {f"talk_{talks[0].pk}": "5", f"talk_{talks[1].pk}": "4", "comment": "Loved it"}, follow=True
    )

    assert "Thank you for your feedback!" in _messages(response)
    feedback = FeedbackResponse.objects.get(meeting=meeting, member=member)
    assert feedback.comment == "Loved it"
    assert sorted(feedback.ratings.values_list("rating", flat=True)) == [4, 5]


def test_feedback_link_reused_updates_the_one_response(client, held, member):
    meeting, talks = held
    url = _feedback_url(meeting, member)
    client.post(url, {f"talk_{talks[0].pk}": "2"})

    response = client.post(url, {f"talk_{talks[0].pk}": "4"}, follow=True)

    assert "Your feedback was updated." in _messages(response)
    assert FeedbackResponse.objects.filter(meeting=meeting).count() == 1


def test_feedback_link_reused_after_closing_is_refused(client, held, member):
    meeting, talks = held
    url = _feedback_url(meeting, member)
    long_ago = timezone.now() - datetime.timedelta(days=20)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=long_ago, ends_at=long_ago + datetime.timedelta(hours=2)
    )

    assert "Feedback for this meeting is closed." in client.get(url).content.decode()
    response = client.post(url, {f"talk_{talks[0].pk}": "5"}, follow=True)

    assert "Feedback for this meeting is closed." in _messages(response)
    assert not FeedbackResponse.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "WzEsMl0:1abc:deadbeef",
        signing.dumps([1, 2], salt="itprosig.members.unsubscribe"),
        signing.dumps(["1", "2"], salt="itprosig.community.feedback"),
    ],
    # Signed values hold the time they were made: named ids keep every xdist worker's collection equal.
    ids=["garbage", "bad-signature", "unsubscribe-token", "ids-as-text"],
)
def test_feedback_forged_link_is_refused_clearly(client, held, token):
    url = reverse("community:feedback", kwargs={"token": token})

    for response in (client.get(url), client.post(url, {"comment": "x"})):
        assert response.status_code == 400
        assert "This feedback link is not valid." in response.content.decode()
    assert not FeedbackResponse.objects.exists()


def test_feedback_link_altered_to_another_meeting_is_refused(client, held, member):
    meeting, _talks = held
    token = feedback_token(meeting_id=meeting.pk, member_id=member.pk)
    value, signature = token.rsplit(":", 1)
    other = MeetingFactory(chapter=meeting.chapter)
    altered = signing.b64_encode(f"[{other.pk},{member.pk}]".encode()).decode() + ":" + value.split(":", 1)[1]

    response = client.get(reverse("community:feedback", kwargs={"token": f"{altered}:{signature}"}))

    assert response.status_code == 400
    assert "This feedback link is not valid." in response.content.decode()


def test_feedback_link_of_another_member_while_logged_in_is_refused(client, held, member):
    meeting, talks = held
    someone_else = verified(MemberFactory())
    client.force_login(someone_else)

    response = client.post(_feedback_url(meeting, member), {f"talk_{talks[0].pk}": "1"})

    assert response.status_code == 400
    assert "belongs to another member" in response.content.decode()
    assert not FeedbackResponse.objects.exists()


def test_feedback_with_a_bad_rating_says_so(client, held, member):
    meeting, talks = held

    response = client.post(_feedback_url(meeting, member), {f"talk_{talks[0].pk}": "9"})

    assert response.status_code == 400
    assert "Please correct the answers marked below." in response.content.decode()
    assert not FeedbackResponse.objects.exists()


# Notes for sponsors.


@pytest.fixture
def notes(meeting, organizer):
    published = MeetingNote.objects.create(
        meeting=meeting, body="**Full room**, great questions", state="published", author=organizer
    )
    draft = MeetingNote.objects.create(meeting=meeting, body="Still writing this", state="draft")
    return published, draft


def _notes_url(meeting):
    return reverse("community:notes", kwargs={"pk": meeting.pk})


def test_notes_liaison_in_the_sponsorship_reads_published_notes_only(client, meeting, notes):
    sponsorship = SponsorshipFactory(chapter=meeting.chapter, starts_on=datetime.date(2020, 1, 1))
    liaison = SponsorLiaisonFactory(sponsor=sponsorship.sponsor).user
    client.force_login(liaison)

    page = client.get(_notes_url(meeting)).content.decode()

    assert "<strong>Full room</strong>, great questions" in page
    assert "Still writing this" not in page


def test_notes_liaison_outside_the_sponsorship_is_refused(client, meeting, notes):
    sponsorship = SponsorshipFactory(
        chapter=meeting.chapter, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31)
    )
    client.force_login(SponsorLiaisonFactory(sponsor=sponsorship.sponsor).user)

    response = client.get(_notes_url(meeting))

    assert response.status_code == 403
    assert "Full room" not in response.content.decode()


@pytest.mark.parametrize("who", ["member", "other_organizer"])
def test_notes_are_refused_to_members_and_other_chapters(client, meeting, notes, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(_notes_url(meeting)).status_code == 403


def test_notes_organizer_sees_drafts_too(client, meeting, notes, organizer):
    client.force_login(organizer)

    page = client.get(_notes_url(meeting)).content.decode()

    assert "Still writing this" in page
    assert "Draft: sponsors do not see it yet" in page


@pytest.mark.parametrize("path", ["/community/notes/abc/", "/community/notes/99999999/"])
def test_notes_bad_ids_are_404(client, organizer, path):
    client.force_login(organizer)

    assert client.get(path).status_code == 404


# French.


def test_poll_page_in_french(client, poll, member):
    client.force_login(member)

    page = client.get("/fr" + poll.get_absolute_url()).content.decode()

    assert "Voter" in page
    assert 'lang="fr"' in page


def test_poll_results_of_a_closed_poll_stay_with_the_chapters_members(client, poll, member):
    services.poll_vote(poll=poll, member=member, choice_ids=[poll.choices.first().pk])
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))

    anonymous = client.get(poll.get_absolute_url()).content.decode()
    client.force_login(member)
    as_member = client.get(poll.get_absolute_url()).content.decode()

    assert 'id="poll-results"' not in anonymous
    assert "Results are shown to the members of" in anonymous
    assert '<td class="text-end">1</td>' in as_member


def test_my_volunteering_withdraws_consent_to_be_thanked(client, door, member, organizer, chapter):
    signup = services.volunteer_signup_create(role=door, member=member, thank_publicly=True)
    services.volunteer_signup_confirm(signup=signup, by=organizer)
    client.force_login(member)

    response = client.post(reverse("community:my_volunteering"), {"signup": signup.pk}, follow=True)

    assert "Saved: the chapter page will not show your name." in _messages(response)
    signup.refresh_from_db()
    assert signup.thank_publicly is False
    client.logout()
    assert member.display_name not in client.get(chapter.get_absolute_url()).content.decode()


@pytest.mark.parametrize("signup_id", ["abc", "", "99999999"])
def test_my_volunteering_bad_or_foreign_signup_changes_nothing(client, door, member, signup_id):
    someone = services.volunteer_signup_create(role=door, member=MemberFactory(), thank_publicly=True)
    client.force_login(member)

    response = client.post(
        reverse("community:my_volunteering"),
        {"signup": signup_id or someone.pk, "thank_publicly": ""},
        follow=True,
    )

    assert response.status_code == 200
    assert _messages(response)[0] in (
        "Your choice could not be read; please try again.",
        "That sign-up was not found among yours.",
    )
    someone.refresh_from_db()
    assert someone.thank_publicly is True


def test_notes_page_shows_liaisons_feedback_numbers_never_comments(client, meeting, notes, organizer):
    topic = TopicFactory(name="Virtualization")
    meeting.topics.add(topic)
    talk = AgendaItemFactory(meeting=meeting)
    past = timezone.now() - datetime.timedelta(days=2)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=past, ends_at=past + datetime.timedelta(hours=2))
    meeting.refresh_from_db()
    for rating in (5, 4):
        person = MemberFactory(display_name=f"Rater {rating}")
        RSVP.objects.create(meeting=meeting, member=person, status="going", checked_in_at=meeting.starts_at)
        services.feedback_submit(
            meeting=meeting, member=person, ratings={talk.pk: rating}, comment="Secret words"
        )
    sponsorship = SponsorshipFactory(chapter=meeting.chapter, starts_on=datetime.date(2020, 1, 1))
    client.force_login(SponsorLiaisonFactory(sponsor=sponsorship.sponsor).user)

    page = client.get(_notes_url(meeting)).content.decode()

    assert '<th scope="row" class="fw-normal">Virtualization</th><td class="text-end">2</td>' in page
    assert "4.50" in page
    assert "Secret words" not in page
    assert "Rater" not in page


def test_a_new_poll_shows_at_once_on_the_cached_chapter_page(
    client, chapter, django_capture_on_commit_callbacks
):
    assert "Where should we meet next?" not in client.get(chapter.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_poll(chapter, question="Where should we meet next?")
    assert "Where should we meet next?" in client.get(chapter.get_absolute_url()).content.decode()
