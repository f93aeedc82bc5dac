import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.checkin.links import checkin_path
from meetings.models import RSVP, Meeting
from tests.factories import MeetingFactory, MembershipFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def _list(meeting, **query):
    url = reverse("checkin:meeting", kwargs={"meeting_id": meeting.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _toggle(meeting, rsvp):
    return reverse("checkin:toggle", kwargs={"meeting_id": meeting.pk, "rsvp_id": rsvp.pk})


def test_checkin_page_lists_going_and_waitlisted_members_by_name(client, tonight, volunteer):
    RSVPFactory(meeting=tonight, member__display_name="Zoe Going")
    RSVPFactory(
        meeting=tonight,
        member__display_name="Yann Waiting",
        status="waitlisted",
        waitlisted_at=timezone.now(),
    )
    RSVPFactory(meeting=tonight, member__display_name="Nora Notgoing", status="not_going")
    client.force_login(volunteer)
    page = client.get(_list(tonight)).text
    assert page.index("Yann Waiting") < page.index("Zoe Going")
    assert "Waitlisted" in page
    assert "Nora Notgoing" not in page


def test_checkin_page_search_narrows_the_list(client, tonight, volunteer):
    RSVPFactory(meeting=tonight, member__display_name="Grace Hopper")
    RSVPFactory(meeting=tonight, member__display_name="Alan Turing")
    client.force_login(volunteer)
    page = client.get(_list(tonight, q="hop")).text
    assert "Grace Hopper" in page and "Alan Turing" not in page


def test_checkin_page_anonymous_is_sent_to_login(client, tonight):
    response = client.get(_list(tonight))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["other_volunteer", "member"])
def test_checkin_page_without_role_here_is_forbidden(request, client, tonight, who):
    RSVPFactory(meeting=tonight, member__display_name="Private Person")
    client.force_login(request.getfixturevalue(who))
    response = client.get(_list(tonight))
    assert response.status_code == 403
    assert "Private Person" not in response.text


def test_checkin_page_missing_meeting_is_404(client, volunteer):
    client.force_login(volunteer)
    assert client.get(reverse("checkin:meeting", kwargs={"meeting_id": 999999})).status_code == 404


def test_check_in_without_javascript_redirects_back_with_message(client, tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight, member__display_name="Ada Example")
    client.force_login(volunteer)
    response = client.post(_toggle(tonight, rsvp), {"action": "in", "next": _list(tonight)}, follow=True)
    assert "Ada Example is checked in." in response.text
    assert "Undo check-in" in response.text
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is not None


def test_check_in_by_script_answers_json_with_totals(client, tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight)
    client.force_login(volunteer)
    response = client.post(_toggle(tonight, rsvp), {"action": "in"}, headers={"x-requested-with": "fetch"})
    body = response.json()
    assert body["ok"] and body["rsvp"] == {"id": rsvp.pk, "checked_in": True}
    assert body["totals"]["checked_in"] == 1 and body["totals"]["present"] == 1


def test_check_in_by_other_chapters_volunteer_is_forbidden_and_changes_nothing(
    client, tonight, other_volunteer
):
    rsvp = RSVPFactory(meeting=tonight)
    client.force_login(other_volunteer)
    assert client.post(_toggle(tonight, rsvp), {"action": "in"}).status_code == 403
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None


def test_check_in_rsvp_of_another_meeting_is_404(client, tonight, volunteer):
    elsewhere = RSVPFactory(meeting=MeetingFactory(chapter=tonight.chapter, starts_at=tonight.starts_at))
    client.force_login(volunteer)
    assert client.post(_toggle(tonight, elsewhere), {"action": "in"}).status_code == 404
    assert RSVP.objects.get(pk=elsewhere.pk).checked_in_at is None


def test_check_in_get_is_not_allowed(client, tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight)
    client.force_login(volunteer)
    assert client.get(_toggle(tonight, rsvp) + "?action=in").status_code == 405
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None


def test_check_in_unknown_action_is_a_clear_400(client, tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight)
    client.force_login(volunteer)
    response = client.post(
        _toggle(tonight, rsvp), {"action": "explode"}, headers={"x-requested-with": "fetch"}
    )
    assert response.status_code == 400 and response.json()["message"] == "Unknown action."


def test_check_in_too_early_shows_the_reason(client, chapter, volunteer):
    meeting = MeetingFactory(chapter=chapter, starts_at=timezone.now() + datetime.timedelta(days=5))
    rsvp = RSVPFactory(meeting=meeting)
    client.force_login(volunteer)
    page = client.get(_list(meeting)).text
    assert "Check-in opens 24 hours before the meeting starts" in page
    response = client.post(_toggle(meeting, rsvp), {"action": "in"}, follow=True)
    assert "Check-in opens 24 hours before the meeting starts." in response.text
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None


def test_walk_in_form_checks_in_chapter_member(client, tonight, volunteer, member):
    MembershipFactory(member=member, chapter=tonight.chapter)
    client.force_login(volunteer)
    url = reverse("checkin:walk_in", kwargs={"meeting_id": tonight.pk})
    response = client.post(url, {"email": "ada@example.org"}, follow=True)
    assert "ada@example.org is a member of this chapter and is checked in." in response.text
    assert RSVP.objects.get(meeting=tonight, member=member).checked_in_at is not None


def test_walk_in_form_unknown_email_counts_a_guest(client, tonight, volunteer):
    client.force_login(volunteer)
    url = reverse("checkin:walk_in", kwargs={"meeting_id": tonight.pk})
    response = client.post(url, {"email": "ghost@example.org", "name": "Casper"}, follow=True)
    assert "ghost@example.org is counted as a guest." in response.text
    assert not RSVP.objects.filter(meeting=tonight).exists()
    assert Meeting.objects.get(pk=tonight.pk).guest_count == 1


@pytest.mark.parametrize(("delta", "expected", "status"), [("1", 1, 200), ("abc", 0, 400), ("-1", 0, 400)])
def test_guests_form(client, tonight, volunteer, delta, expected, status):
    client.force_login(volunteer)
    url = reverse("checkin:guests", kwargs={"meeting_id": tonight.pk})
    response = client.post(url, {"delta": delta}, headers={"x-requested-with": "fetch"})
    assert response.status_code == status
    assert Meeting.objects.get(pk=tonight.pk).guest_count == expected


def test_totals_json_for_volunteer_only(client, tonight, volunteer, other_volunteer):
    RSVPFactory.create_batch(2, meeting=tonight)
    url = reverse("checkin:totals", kwargs={"meeting_id": tonight.pk})
    client.force_login(other_volunteer)
    assert client.get(url).status_code == 403
    client.force_login(volunteer)
    assert client.get(url).json()["totals"]["going"] == 2


def test_checkin_page_in_french(client, tonight, volunteer):
    RSVPFactory(meeting=tonight)
    client.force_login(volunteer)
    page = client.get("/fr" + _list(tonight)).text
    assert "Enregistrer" in page


def test_checkin_page_shows_times_in_chapter_time_zone(client, chapter, volunteer):
    chapter.time_zone = "America/Moncton"
    chapter.save()
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(chapter=chapter, starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    client.force_login(volunteer)
    page = client.get(_list(meeting)).text
    local = timezone.localtime(start, chapter.tzinfo)
    assert f'datetime="{local.isoformat()}"' in page


def test_forged_code_url_is_404_for_everyone(client, tonight, volunteer):
    url = reverse("checkin:rsvp", kwargs={"meeting_id": tonight.pk, "token": "1:forged"})
    assert client.get(url).status_code == 404
    client.force_login(volunteer)
    assert client.get(url).status_code == 404


def test_member_opening_their_own_code_sees_it_to_show_at_the_door(client, tonight, member):
    rsvp = RSVPFactory(meeting=tonight, member=member)
    client.force_login(member)
    page = client.get(checkin_path(rsvp))
    assert page.status_code == 200
    assert "Show this code to a volunteer at the door" in page.text
    assert "Ada Example" in page.text
    assert 'src="data:image/png;base64,' in page.text
    assert "Undo check-in" not in page.text and 'name="action"' not in page.text
    # Holding the link does not make one a volunteer.
    assert client.post(_toggle(tonight, rsvp), {"action": "in"}).status_code == 403
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None


def test_code_opened_logged_out_shows_no_name_and_offers_volunteer_login(client, tonight, member):
    rsvp = RSVPFactory(meeting=tonight, member=member)
    page = client.get(checkin_path(rsvp))
    assert page.status_code == 200
    assert "Ada Example" not in page.text
    assert "Log in to check this member in." in page.text
