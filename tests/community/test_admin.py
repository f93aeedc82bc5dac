"""The community program in the admin: organizers act on their chapter only, sponsors never see comments."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import MeetingNote, Poll, VolunteerSignup
from community.selectors import feedback_by_topic
from meetings.models import RSVP
from members.mail.models import OutboxMessage
from tests.factories import AgendaItemFactory, MeetingFactory, MemberFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signup(door, member):
    return services.volunteer_signup_create(role=door, member=member)


def _confirm(client, signup):
    return client.post(
        reverse("admin:community_volunteersignup_changelist"),
        {"action": "confirm", ACTION_CHECKBOX_NAME: [signup.pk]},
        follow=True,
    )


def test_admin_organizer_confirms_a_signup_and_the_volunteer_is_emailed(client, organizer, signup):
    client.force_login(organizer)

    response = _confirm(client, signup)

    assert "1 sign-up confirmed." in response.content.decode()
    signup.refresh_from_db()
    assert signup.state == VolunteerSignup.State.CONFIRMED
    assert OutboxMessage.objects.filter(kind="volunteer_confirmed", member=signup.member).count() == 1


def test_admin_another_chapters_organizer_cannot_see_or_confirm_a_signup(client, other_organizer, signup):
    client.force_login(other_organizer)

    listing = client.get(reverse("admin:community_volunteersignup_changelist")).content.decode()
    change = client.get(reverse("admin:community_volunteersignup_change", args=[signup.pk]))
    _confirm(client, signup)

    assert f"/{signup.pk}/change/" not in listing
    assert change.status_code == 302  # "no such object" sends back to the admin home
    signup.refresh_from_db()
    assert signup.state == VolunteerSignup.State.PENDING
    assert not OutboxMessage.objects.exists()


def test_admin_organizer_cannot_add_a_volunteer_signup(client, organizer):
    client.force_login(organizer)

    assert client.get(reverse("admin:community_volunteersignup_add")).status_code == 403


def test_admin_poll_for_another_chapter_is_refused(client, organizer, other_organizer):
    other_chapter = other_organizer.chapter_roles.get().chapter
    client.force_login(organizer)
    now = timezone.now()

    response = client.post(
        reverse("admin:community_poll_add"),
        {
            "chapter": other_chapter.pk,
            "question": "Sneaky?",
            "opens_at_0": now.strftime("%Y-%m-%d"),
            "opens_at_1": "10:00:00",
            "closes_at_0": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%d"),
            "closes_at_1": "10:00:00",
            "results": "after_voting",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "chapter" in response.context["adminform"].form.errors
    assert not Poll.objects.exists()


def test_admin_poll_page_tallies_votes_and_other_answers(client, organizer, chapter, member):
    from .conftest import make_poll

    poll = make_poll(chapter, allow_other=True)
    services.poll_vote(poll=poll, member=member, choice_ids=[], other="Chat rooms")
    client.force_login(organizer)

    page = client.get(reverse("admin:community_poll_change", args=[poll.pk])).content.decode()

    assert "<li>Other: 1</li>" in page
    assert "<li>Chat rooms</li>" in page


def test_admin_meeting_note_records_its_author_and_publication(client, organizer, meeting):
    client.force_login(organizer)

    client.post(
        reverse("admin:community_meetingnote_add"),
        {"meeting": meeting.pk, "body": "Full room", "state": "published"},
    )

    note = MeetingNote.objects.get()
    assert note.author == organizer
    assert note.published_at is not None


def test_admin_meeting_note_for_another_chapters_meeting_is_refused(client, other_organizer, meeting):
    client.force_login(other_organizer)

    response = client.post(
        reverse("admin:community_meetingnote_add"),
        {"meeting": meeting.pk, "body": "Not mine", "state": "published"},
    )

    assert response.status_code == 200
    assert "meeting" in response.context["adminform"].form.errors
    assert not MeetingNote.objects.exists()


# Feedback results.


@pytest.fixture
def answered(chapter):
    end = timezone.now() - datetime.timedelta(days=2)
    meeting = MeetingFactory(chapter=chapter, starts_at=end - datetime.timedelta(hours=3), ends_at=end)
    meeting.topics.add(TopicFactory(name="PowerShell"))
    talks = [
        AgendaItemFactory(meeting=meeting, title=title, position=n)
        for n, title in enumerate(["Snacks", "DSC"])
    ]
    for rating, comment in ((5, "Ada loved it"), (3, "")):
        person = MemberFactory(display_name=f"Rater {rating}")
        RSVP.objects.create(meeting=meeting, member=person, status="going", checked_in_at=meeting.starts_at)
        services.feedback_submit(
            meeting=meeting, member=person, ratings={talks[0].pk: rating, talks[1].pk: 4}, comment=comment
        )
    return meeting


def test_admin_feedback_results_show_averages_and_comments_to_the_organizer(client, organizer, answered):
    client.force_login(organizer)

    page = client.get(reverse("admin:community_feedback_results", args=[answered.pk])).content.decode()

    assert "<td>Snacks</td><td>Alex Example</td><td>2</td><td>4.00</td>" in page
    assert "<td>DSC</td><td>Alex Example</td><td>2</td><td>4.00</td>" in page
    assert "Ada loved it" in page
    assert "Rater 5" in page


def test_admin_feedback_results_refused_to_another_chapters_organizer(client, other_organizer, answered):
    client.force_login(other_organizer)

    response = client.get(reverse("admin:community_feedback_results", args=[answered.pk]))

    assert response.status_code == 403
    assert "Ada loved it" not in response.content.decode()


def test_feedback_by_topic_gives_numbers_only(chapter, answered):
    today = timezone.localdate()
    rows = feedback_by_topic(chapter, (today - datetime.timedelta(days=30), today))

    assert rows == [
        {"topic": "PowerShell", "slug": rows[0]["slug"], "respondents": 2, "ratings": 4, "average": 4.0}
    ]
    assert "Ada" not in repr(rows)


def test_feedback_by_topic_outside_the_period_is_empty(chapter, answered):
    long_ago = datetime.date(2020, 1, 1)

    assert feedback_by_topic(chapter, (long_ago, long_ago + datetime.timedelta(days=30))) == []


# Every community admin page for every role: organizers of the chapter only (and superusers).

MODELS = ["volunteerrole", "volunteersignup", "poll", "feedbackresponse", "meetingnote"]


@pytest.fixture
def one_of_each(chapter, door, member, organizer, answered):
    from community.models import FeedbackResponse

    from .conftest import make_poll

    return {
        "volunteerrole": door,
        "volunteersignup": services.volunteer_signup_create(role=door, member=member),
        "poll": make_poll(chapter),
        "feedbackresponse": FeedbackResponse.objects.filter(meeting=answered).first(),
        "meetingnote": MeetingNote.objects.create(meeting=door.meeting, body="Note", author=organizer),
    }


def _people(role, organizer, other_organizer, member):
    from chapters.models import ChapterRole
    from tests.factories import ChapterRoleFactory, SponsorLiaisonFactory, SponsorshipFactory

    chapter = organizer.chapter_roles.get().chapter
    if role == "volunteer":
        return ChapterRoleFactory(chapter=chapter, role=ChapterRole.Role.VOLUNTEER).user
    if role == "liaison":
        return SponsorLiaisonFactory(sponsor=SponsorshipFactory(chapter=chapter).sponsor).user
    if role == "superuser":
        return MemberFactory(is_superuser=True, is_staff=True)
    return {"organizer": organizer, "other_organizer": other_organizer, "member": member, "anonymous": None}[
        role
    ]


# (list shows the row, add page, change page, delete page) per role.
EXPECTED = {
    "organizer": {
        "volunteerrole": ("shown", 200, "edit", 200),
        "volunteersignup": ("shown", 403, "view", 200),
        "poll": ("shown", 200, "edit", 200),
        "feedbackresponse": ("shown", 403, "view", 200),
        "meetingnote": ("shown", 200, "edit", 200),
    },
    "other_organizer": dict.fromkeys(MODELS, ("hidden", "any", "missing", "missing")),
}
for _name in MODELS:
    EXPECTED.setdefault("superuser", {})[_name] = EXPECTED["organizer"][_name]


def _list(client, name, obj):
    response = client.get(reverse(f"admin:community_{name}_changelist"))
    if response.status_code == 302:
        return "login" if "/admin/login/" in response["Location"] else "missing"
    assert response.status_code == 200
    return "shown" if f"/{obj.pk}/change/" in response.content.decode() else "hidden"


def _change(client, name, obj):
    response = client.get(reverse(f"admin:community_{name}_change", args=[obj.pk]))
    if response.status_code == 302:
        return "login" if "/admin/login/" in response["Location"] else "missing"
    assert response.status_code == 200
    return "edit" if 'name="_save"' in response.content.decode() else "view"


def _delete(client, name, obj):
    response = client.get(reverse(f"admin:community_{name}_delete", args=[obj.pk]))
    if response.status_code == 302:
        return "login" if "/admin/login/" in response["Location"] else "missing"
    return response.status_code


@pytest.mark.parametrize(
    "role", ["anonymous", "member", "volunteer", "liaison", "other_organizer", "organizer", "superuser"]
)
def test_admin_community_permission_matrix(client, one_of_each, organizer, other_organizer, member, role):
    user = _people(role, organizer, other_organizer, member)
    if user is not None:
        client.force_login(user)
    for name in MODELS:
        obj = one_of_each[name]
        seen = (
            _list(client, name, obj),
            client.get(reverse(f"admin:community_{name}_add")).status_code,
            _change(client, name, obj),
            _delete(client, name, obj),
        )
        if role in EXPECTED:
            expected = EXPECTED[role][name]
            if expected[1] == "any":
                seen = (seen[0], "any", *seen[2:])
            assert seen == expected, (role, name)
        else:
            # Members, volunteers and liaisons have no admin: every page sends them to log in.
            assert seen == ("login", 302, "login", "login"), (role, name)
