"""The door's rules: it closes some hours after the meeting, walk-ins reveal nobody, garbage is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chapters.models import ChapterRole
from meetings.checkin.selectors import checkin_totals
from meetings.models import RSVP, CheckInChange, Meeting, WalkInGuest
from meetings.reports.selectors import meeting_report
from members.models import Membership
from tests.factories import (
    ChapterRoleFactory,
    MeetingFactory,
    MembershipFactory,
    RSVPFactory,
)

pytestmark = pytest.mark.django_db
FETCH = {"x-requested-with": "fetch"}


def _url(name, meeting, **kwargs):
    return reverse(f"checkin:{name}", kwargs={"meeting_id": meeting.pk, **kwargs})


def _ended(chapter, hours_ago):
    start = timezone.now() - datetime.timedelta(hours=hours_ago + 3)
    return MeetingFactory(chapter=chapter, starts_at=start, ends_at=start + datetime.timedelta(hours=3))


@pytest.fixture
def weeks_ago(chapter):
    """A meeting held three weeks ago: the door closed long since."""
    return _ended(chapter, 24 * 21)


def _door_posts(meeting, rsvp, checked_in):
    return [
        (_url("toggle", meeting, rsvp_id=rsvp.pk), {"action": "in"}),
        (_url("toggle", meeting, rsvp_id=checked_in.pk), {"action": "undo"}),
        (_url("walk_in", meeting), {"email": "new.face@example.org", "name": "New Face"}),
        (_url("guests", meeting), {"delta": "100"}),
    ]


def test_door_closed_weeks_later_volunteer_changes_nothing(client, weeks_ago, volunteer):
    rsvp = RSVPFactory(meeting=weeks_ago)
    checked_in = RSVPFactory(meeting=weeks_ago, checked_in_at=weeks_ago.starts_at)
    client.force_login(volunteer)
    for url, data in _door_posts(weeks_ago, rsvp, checked_in):
        response = client.post(url, data, headers=FETCH)
        assert response.status_code == 400, url
        assert "door closed" in response.json()["message"]
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None
    assert RSVP.objects.get(pk=checked_in.pk).checked_in_at is not None
    assert Meeting.objects.get(pk=weeks_ago.pk).guest_count == 0
    assert not WalkInGuest.objects.exists() and not CheckInChange.objects.exists()


def test_door_closed_page_tells_volunteer_and_hides_controls(client, weeks_ago, volunteer):
    RSVPFactory(meeting=weeks_ago, member__display_name="Ada Example")
    client.force_login(volunteer)
    page = client.get(_url("meeting", weeks_ago)).text
    assert "Ada Example" in page
    assert "The door closed" in page
    assert _url("toggle", weeks_ago, rsvp_id=1)[:-2] not in page  # no check-in buttons
    assert _url("walk_in", weeks_ago) not in page and _url("guests", weeks_ago) not in page


def test_door_closed_organizer_may_still_correct(client, weeks_ago, organizer):
    rsvp = RSVPFactory(meeting=weeks_ago)
    client.force_login(organizer)
    page = client.get(_url("meeting", weeks_ago)).text
    assert "As an organizer you can still correct" in page
    response = client.post(_url("toggle", weeks_ago, rsvp_id=rsvp.pk), {"action": "in"}, headers=FETCH)
    assert response.status_code == 200
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_by == organizer


@pytest.mark.parametrize(("hours", "status"), [(1, 400), (3, 200)])
def test_door_closes_the_configured_hours_after_the_meeting_ends(
    client, settings, chapter, volunteer, hours, status
):
    settings.CHECKIN_CLOSES_HOURS_AFTER = hours
    meeting = _ended(chapter, 2)
    rsvp = RSVPFactory(meeting=meeting)
    client.force_login(volunteer)
    response = client.post(_url("toggle", meeting, rsvp_id=rsvp.pk), {"action": "in"}, headers=FETCH)
    assert response.status_code == status
    assert (RSVP.objects.get(pk=rsvp.pk).checked_in_at is not None) == (status == 200)


def test_door_changes_record_who_and_when(client, tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight)
    MembershipFactory(chapter=tonight.chapter, member__email="walker@example.org")
    client.force_login(volunteer)
    client.post(_url("toggle", tonight, rsvp_id=rsvp.pk), {"action": "in"}, headers=FETCH)
    client.post(_url("toggle", tonight, rsvp_id=rsvp.pk), {"action": "undo"}, headers=FETCH)
    client.post(_url("walk_in", tonight), {"email": "walker@example.org"}, headers=FETCH)
    client.post(_url("walk_in", tonight), {"email": "guest@example.org", "name": "Gus Guest"}, headers=FETCH)
    client.post(_url("guests", tonight), {"delta": "2"}, headers=FETCH)
    changes = list(CheckInChange.objects.filter(meeting=tonight).order_by("at", "pk"))
    assert [c.action for c in changes] == ["check_in", "undo", "walk_in_member", "walk_in_guest", "guests"]
    assert all(c.by == volunteer and c.at is not None for c in changes)
    assert changes[0].rsvp == rsvp and changes[3].guest.email == "guest@example.org"
    assert changes[4].guests_delta == 2


def test_door_history_is_read_only_for_the_chapters_organizers(
    client, tonight, volunteer, organizer, other_chapter
):
    rsvp = RSVPFactory(meeting=tonight, member__display_name="Ada Example")
    client.force_login(volunteer)
    client.post(_url("toggle", tonight, rsvp_id=rsvp.pk), {"action": "in"}, headers=FETCH)
    change = CheckInChange.objects.get()
    client.force_login(organizer)
    listing = client.get(reverse("admin:meetings_checkinchange_changelist"))
    assert listing.status_code == 200 and "Vera Volunteer" in listing.text
    assert client.get(reverse("admin:meetings_checkinchange_add")).status_code == 403
    client.post(reverse("admin:meetings_checkinchange_delete", args=[change.pk]), {"post": "yes"})
    assert CheckInChange.objects.filter(pk=change.pk).exists()
    stranger = ChapterRoleFactory(chapter=other_chapter, role=ChapterRole.Role.ORGANIZER).user
    client.force_login(stranger)
    assert "Vera Volunteer" not in client.get(reverse("admin:meetings_checkinchange_changelist")).text


def test_door_page_links_organizers_to_its_history(client, tonight, volunteer, organizer):
    rsvp = RSVPFactory(meeting=tonight, member__display_name="Ada Example")
    other = MeetingFactory(chapter=tonight.chapter, starts_at=tonight.starts_at, ends_at=tonight.ends_at)
    client.force_login(volunteer)
    client.post(_url("toggle", tonight, rsvp_id=rsvp.pk), {"action": "in"}, headers=FETCH)
    client.post(_url("guests", other), {"delta": "3"}, headers=FETCH)
    assert "Every change at this door" not in client.get(_url("meeting", tonight)).text
    client.force_login(organizer)
    door = client.get(_url("meeting", tonight)).text
    history = reverse("admin:meetings_checkinchange_changelist") + f"?meeting__id__exact={tonight.pk}"
    assert history in door
    listing = client.get(history)
    assert listing.status_code == 200
    assert "Ada Example" in listing.text and other.title not in listing.text


def test_walk_in_member_of_another_chapter_is_a_guest_and_never_named(
    client, tonight, volunteer, other_chapter
):
    other = MembershipFactory(
        chapter=other_chapter, member__display_name="Olga Othergroup", member__email="olga@example.org"
    ).member
    client.force_login(volunteer)
    response = client.post(
        _url("walk_in", tonight), {"email": "OLGA@example.org", "name": "Visitor O."}, follow=True
    )
    assert response.status_code == 200
    assert "Olga" not in response.text and "Othergroup" not in response.text
    assert not Membership.objects.filter(member=other, chapter=tonight.chapter).exists()
    assert not RSVP.objects.filter(meeting=tonight).exists()
    assert checkin_totals(tonight)["guests"] == 1
    guest = WalkInGuest.objects.get(meeting=tonight)
    assert guest.name == "Visitor O." and guest.email == "olga@example.org"


def test_walk_in_unknown_and_other_chapter_addresses_get_the_same_answer(
    client, tonight, volunteer, other_chapter
):
    MembershipFactory(chapter=other_chapter, member__email="known@example.org")
    client.force_login(volunteer)
    answers = [
        client.post(_url("walk_in", tonight), {"email": email, "name": "X Y"}, headers=FETCH).json()[
            "message"
        ]
        for email in ("known@example.org", "unknown@example.org")
    ]
    assert answers[0].replace("known@", "unknown@") == answers[1]


def test_walk_ins_over_capacity_are_attended_never_going(client, chapter, volunteer):
    start = timezone.now() - datetime.timedelta(minutes=30)
    meeting = MeetingFactory(
        chapter=chapter, capacity=2, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    for rsvp in RSVPFactory.create_batch(2, meeting=meeting):
        client.force_login(volunteer)
        client.post(_url("toggle", meeting, rsvp_id=rsvp.pk), {"action": "in"}, headers=FETCH)
    MembershipFactory(chapter=chapter, member__email="member.walker@example.org")
    for data in (
        {"email": "member.walker@example.org"},
        {"email": "stranger@example.org", "name": "S. Tranger"},
    ):
        assert client.post(_url("walk_in", meeting), data, headers=FETCH).status_code == 200
    totals = checkin_totals(meeting)
    assert totals["going"] == 2 and totals["present"] == 4
    report = meeting_report(Meeting.objects.get(pk=meeting.pk))
    assert report.going == 2 and report.attendance == 4


def test_walk_in_guest_shows_in_reports_only_as_a_count(client, tonight, volunteer, organizer):
    client.force_login(volunteer)
    client.post(
        _url("walk_in", tonight), {"email": "gina.guest@example.org", "name": "Gina Guest"}, headers=FETCH
    )
    client.force_login(organizer)
    for url in (
        reverse("reports:meeting", kwargs={"pk": tonight.pk}),
        reverse("reports:meeting_csv", kwargs={"pk": tonight.pk, "table": "attendees"}),
        reverse("reports:meeting_csv", kwargs={"pk": tonight.pk, "table": "summary"}),
    ):
        body = client.get(url).content.decode()
        assert "Gina" not in body and "gina.guest" not in body, url


@pytest.mark.parametrize("query", ["%00", "a%00b", "%01", "x%1B%5B2J"])
def test_checkin_search_with_control_characters_is_a_clear_400(client, tonight, volunteer, query):
    RSVPFactory(meeting=tonight, member__display_name="Ada Example")
    client.force_login(volunteer)
    response = client.get(_url("meeting", tonight) + f"?q={query}")
    assert response.status_code == 400
    if "%00" not in query:  # a NUL is refused by the site before any view, on its own 400 page
        assert "cannot be searched" in response.text
        assert "Ada Example" in response.text  # the door list still works


def test_checkin_search_with_malformed_utf8_still_answers(client, tonight, volunteer):
    client.force_login(volunteer)
    assert client.get(_url("meeting", tonight) + "?q=%C0%AF").status_code == 200


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("walk_in", {"email": "ada\x00@example.org", "name": "Ada"}),
        ("walk_in", {"email": "nul@example.org", "name": "Nu\x00l"}),
        ("walk_in", {"email": "not an address", "name": "Ada"}),
        ("guests", {"delta": "1\x00"}),
        ("toggle", {"action": "in\x00"}),
    ],
)
def test_checkin_forms_with_garbage_are_refused_with_a_message(client, tonight, volunteer, name, data):
    rsvp = RSVPFactory(meeting=tonight)
    client.force_login(volunteer)
    kwargs = {"rsvp_id": rsvp.pk} if name == "toggle" else {}
    response = client.post(_url(name, tonight, **kwargs), data, headers=FETCH)
    assert response.status_code == 400
    assert response.json()["message"]
    assert not WalkInGuest.objects.exists() and Meeting.objects.get(pk=tonight.pk).guest_count == 0
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None


def test_checkin_next_with_nul_goes_back_to_the_list(client, tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight)
    client.force_login(volunteer)
    response = client.post(_url("toggle", tonight, rsvp_id=rsvp.pk), {"action": "in", "next": "/\x00evil"})
    assert response.status_code == 302 and response["Location"] == _url("meeting", tonight)
