"""One meeting's RSVP list in the admin: totals, filters, promote, mark attended, CSV, walk-in invitations."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.checkin.links import guest_id_from_invite
from meetings.models import RSVP, CheckInChange, WalkInGuest
from members.mail.models import OutboxMessage
from tests.factories import MeetingFactory, RSVPFactory

pytestmark = pytest.mark.django_db

#: Session, user, roles, meeting, totals, RSVPs, guests: the same however many answered.
RSVP_LIST_QUERIES = 8


def _url(name, meeting, **query):
    url = reverse(f"admin:meetings_{name}", kwargs={"meeting_id": meeting.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _waitlisted(meeting, name, minutes_ago):
    return RSVPFactory(
        meeting=meeting,
        member__display_name=name,
        status=RSVP.Status.WAITLISTED,
        waitlisted_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def full_meeting(chapter):
    meeting = MeetingFactory(chapter=chapter, title="Intune deep dive", capacity=2)
    RSVPFactory(meeting=meeting, member__display_name="Grace Going", member__email="grace@example.org")
    RSVPFactory(meeting=meeting, member__display_name="Alan Going", member__email="alan@example.org")
    _waitlisted(meeting, "Wanda First", 30)
    _waitlisted(meeting, "Walt Second", 10)
    RSVPFactory(meeting=meeting, member__display_name="Nina Notgoing", status=RSVP.Status.NOT_GOING)
    return meeting


def _totals(html):
    return {key: int(value) for key, value in re.findall(r'data-total="(\w+)">(\d+)<', html)}


def test_rsvp_list_totals_count_going_waitlisted_checked_in_and_guests(client, tonight, organizer, volunteer):
    going = RSVPFactory(meeting=tonight)
    RSVPFactory(meeting=tonight)
    _waitlisted(tonight, "Wes Waiting", 5)
    tonight.guest_count = 3
    tonight.save(update_fields=["guest_count"])
    going.checked_in_at = timezone.now()
    going.save(update_fields=["checked_in_at"])
    client.force_login(organizer)
    html = client.get(_url("rsvp_list", tonight)).text
    assert _totals(html) == {"going": 2, "waitlisted": 1, "checked_in": 1, "guests": 3}


def test_rsvp_list_filters_by_answer_attendance_and_name(client, full_meeting, organizer):
    alan = RSVP.objects.get(member__display_name="Alan Going")
    alan.checked_in_at = timezone.now()
    alan.save(update_fields=["checked_in_at"])
    client.force_login(organizer)
    waitlist = client.get(_url("rsvp_list", full_meeting, status="waitlisted")).text
    assert "Wanda First" in waitlist and "Walt Second" in waitlist and "Grace Going" not in waitlist
    # The waitlist reads in its order: first come, first listed.
    assert waitlist.index("Wanda First") < waitlist.index("Walt Second")
    attended = client.get(_url("rsvp_list", full_meeting, attended="yes")).text
    assert "Alan Going" in attended and "Grace Going" not in attended
    by_email = client.get(_url("rsvp_list", full_meeting, q="grace@")).text
    assert "Grace Going" in by_email and "Alan Going" not in by_email


def test_rsvp_list_bad_filter_shows_everyone(client, full_meeting, organizer):
    client.force_login(organizer)
    response = client.get(_url("rsvp_list", full_meeting, status="bogus", attended="maybe"))
    assert response.status_code == 200
    assert "Grace Going" in response.text and "Nina Notgoing" in response.text


def test_rsvp_list_other_chapters_organizer_is_refused(client, full_meeting, other_chapter):
    from tests.factories import ChapterRoleFactory

    stranger = ChapterRoleFactory(chapter=other_chapter).user
    client.force_login(stranger)
    response = client.get(_url("rsvp_list", full_meeting))
    assert response.status_code == 403
    assert "Grace Going" not in response.text


def test_rsvp_list_volunteer_cannot_open_it(client, full_meeting, volunteer):
    client.force_login(volunteer)
    response = client.get(_url("rsvp_list", full_meeting))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_rsvp_list_promote_moves_the_chosen_member_and_emails_them(
    client, full_meeting, organizer, sent, django_capture_on_commit_callbacks
):
    walt = RSVP.objects.get(member__display_name="Walt Second")
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("rsvp_promote", full_meeting), {"rsvp": walt.pk}, follow=True)
    assert "Walt Second is now going and was told by email." in response.text
    assert RSVP.objects.get(pk=walt.pk).status == RSVP.Status.GOING
    # Out of turn: the first in line keeps her place.
    assert RSVP.objects.get(member__display_name="Wanda First").status == RSVP.Status.WAITLISTED
    (message,) = sent()
    assert message["To"] == walt.member.email
    assert "seat freed up" in message["Subject"]
    # Over the capacity by the organizer's choice: the page says so.
    assert "3 going for 2 places" in response.text


def test_rsvp_list_promote_of_someone_not_waitlisted_changes_nothing(
    client, full_meeting, organizer, sent, django_capture_on_commit_callbacks
):
    nina = RSVP.objects.get(member__display_name="Nina Notgoing")
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("rsvp_promote", full_meeting), {"rsvp": nina.pk}, follow=True)
    assert "no longer on the waitlist" in response.text
    assert RSVP.objects.get(pk=nina.pk).status == RSVP.Status.NOT_GOING
    assert sent() == []


def test_rsvp_list_promote_with_a_bad_id_is_404(client, full_meeting, organizer):
    client.force_login(organizer)
    assert client.post(_url("rsvp_promote", full_meeting), {"rsvp": "abc"}).status_code == 404


@pytest.fixture
def last_month(chapter):
    start = timezone.now() - datetime.timedelta(days=30)
    return MeetingFactory(chapter=chapter, starts_at=start, ends_at=start + datetime.timedelta(hours=3))


def test_rsvp_list_mark_attended_after_the_fact_is_logged(client, last_month, organizer):
    rsvp = RSVPFactory(meeting=last_month, member__display_name="Late Larry")
    client.force_login(organizer)
    response = client.post(_url("rsvp_attended", last_month), {"rsvp": rsvp.pk, "action": "in"}, follow=True)
    assert "Late Larry is marked as attended." in response.text
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_by == organizer
    change = CheckInChange.objects.get(rsvp=rsvp)
    assert change.by == organizer and change.after_close and change.action == CheckInChange.Action.CHECK_IN


def test_rsvp_list_mark_attended_by_a_volunteer_is_refused(client, last_month, volunteer):
    rsvp = RSVPFactory(meeting=last_month)
    client.force_login(volunteer)
    client.post(_url("rsvp_attended", last_month), {"rsvp": rsvp.pk, "action": "in"})
    # Nor through the door page, closed to volunteers weeks after the meeting.
    door = reverse("checkin:toggle", kwargs={"meeting_id": last_month.pk, "rsvp_id": rsvp.pk})
    refused = client.post(door, {"action": "in"}, headers={"x-requested-with": "fetch"})
    assert refused.status_code == 400 and "The door closed" in refused.json()["message"]
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None
    assert not CheckInChange.objects.filter(rsvp=rsvp).exists()


def test_rsvp_list_csv_is_filtered_and_formula_safe(client, full_meeting, organizer):
    RSVPFactory(
        meeting=full_meeting,
        member__display_name='=HYPERLINK("http://evil.example","x")',
        status=RSVP.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    client.force_login(organizer)
    response = client.get(_url("rsvp_csv", full_meeting, status="waitlisted"))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[3] for row in rows[1:]]
    assert names == ["Wanda First", "Walt Second", '\'=HYPERLINK("http://evil.example","x")']


def test_walk_in_guest_invite_sends_one_email_with_a_signed_link(
    client, tonight, organizer, sent, django_capture_on_commit_callbacks
):
    guest = WalkInGuest.objects.create(meeting=tonight, name="Nell Newcomer", email="nell@example.org")
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("guest_invite", tonight), {"guest": guest.pk}, follow=True)
        again = client.post(_url("guest_invite", tonight), {"guest": guest.pk}, follow=True)
    assert "An invitation to join was sent to nell@example.org." in response.text
    assert "was invited before; nothing was sent" in again.text
    (message,) = sent()
    assert message["To"] == "nell@example.org"
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/checkin/join/(\S+)/", text)
    assert link and guest_id_from_invite(link.group(1)) == guest.pk
    client.logout()
    page = client.get(reverse("checkin:join", kwargs={"token": link.group(1)}))
    assert page.status_code == 200 and "Welcome, Nell Newcomer" in page.text and "Sign up" in page.text
    forged = client.get(reverse("checkin:join", kwargs={"token": link.group(1)[:-2] + "xx"}))
    assert forged.status_code == 404


def test_walk_in_guest_gets_no_email_unless_invited(
    client, tonight, volunteer, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("checkin:walk_in", kwargs={"meeting_id": tonight.pk}),
            {"email": "olga@example.org", "name": "Olga Onlyonce"},
        )
    assert WalkInGuest.objects.filter(meeting=tonight, email="olga@example.org").exists()
    assert not OutboxMessage.objects.filter(to_email="olga@example.org").exists()


def test_walk_in_guest_invite_by_a_volunteer_sends_nothing(client, tonight, volunteer):
    guest = WalkInGuest.objects.create(meeting=tonight, name="Nell Newcomer", email="nell@example.org")
    client.force_login(volunteer)
    client.post(_url("guest_invite", tonight), {"guest": guest.pk})
    assert not OutboxMessage.objects.filter(to_email="nell@example.org").exists()


@pytest.mark.parametrize("extra", [0, 25])
def test_rsvp_list_query_count_stays_the_same_with_more_rsvps(
    client, full_meeting, organizer, django_assert_num_queries, extra
):
    for _ in range(extra):
        RSVPFactory(meeting=full_meeting, status=RSVP.Status.NOT_GOING)
    WalkInGuest.objects.create(meeting=full_meeting, name="Gus Guest", email="gus@example.org")
    client.force_login(organizer)
    client.get(_url("rsvp_list", full_meeting))  # the session and role caches warm up
    with django_assert_num_queries(RSVP_LIST_QUERIES):
        assert client.get(_url("rsvp_list", full_meeting)).status_code == 200


def test_meeting_change_page_links_to_its_rsvp_list(client, full_meeting, organizer):
    client.force_login(organizer)
    html = client.get(reverse("admin:meetings_meeting_change", args=[full_meeting.pk])).text
    assert f'href="{_url("rsvp_list", full_meeting)}"' in html
