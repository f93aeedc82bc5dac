"""The meeting admin as an organizer uses it: forms, actions, CSV export."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from chapters.models import ChapterRole
from meetings import notifications
from meetings.models import RSVP, Meeting
from tests.factories import (
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    VenueFactory,
)
from tests.support.html_forms import read_form
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db
MONCTON = zoneinfo.ZoneInfo("America/Moncton")


@pytest.fixture
def told(monkeypatch):
    calls = []
    monkeypatch.setattr(notifications, "notify_meeting_changed", lambda m, f: calls.append(("changed", f)))
    monkeypatch.setattr(
        notifications, "notify_meeting_cancelled", lambda m: calls.append(("cancelled", m.pk))
    )
    return calls


@pytest.fixture
def moncton(client):
    chapter = ChapterFactory(name="MariTUG", slug="maritug", city="Moncton", time_zone="America/Moncton")
    organizer = ChapterRoleFactory(chapter=chapter, role=ChapterRole.Role.ORGANIZER).user
    assert client.login(email=organizer.email, password=PASSWORD)
    return chapter


def _meeting_post(chapter, venue, **extra):
    data = {
        "chapter": chapter.pk,
        "title": "First meeting",
        "status": "scheduled",
        "description": "",
        "starts_at_0": "2030-06-12",
        "starts_at_1": "18:30:00",
        "ends_at_0": "2030-06-12",
        "ends_at_1": "21:00:00",
        "format": "in_person",
        "venue": venue.pk if venue else "",
        "online_url": "",
        "capacity": "40",
        "guest_count": "0",
        "agenda_items-TOTAL_FORMS": "1",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
        "agenda_items-0-position": "0",
        "agenda_items-0-kind": "talk",
        "agenda_items-0-title": "Why a user group?",
        "agenda_items-0-speaker": "Morgan Organizer",
        "agenda_items-0-duration_minutes": "45",
    }
    data.update(extra)
    return data


def test_admin_add_meeting_reads_times_in_the_chapters_zone(client, moncton):
    venue = VenueFactory(chapter=moncton, name="Moncton Library")
    response = client.post(reverse("admin:meetings_meeting_add"), _meeting_post(moncton, venue))
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(title="First meeting")
    # 6:30 pm ADT (UTC-3) is 21:30 UTC.
    assert meeting.starts_at == datetime.datetime(2030, 6, 12, 21, 30, tzinfo=datetime.UTC)
    assert meeting.starts_at.astimezone(MONCTON).hour == 18
    assert meeting.agenda_items.get().title == "Why a user group?"


def test_admin_add_meeting_refuses_another_chapters_venue(client, moncton):
    elsewhere = VenueFactory(chapter=ChapterFactory(), name="Somewhere else")
    response = client.post(reverse("admin:meetings_meeting_add"), _meeting_post(moncton, elsewhere))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ends_at_1": "17:00:00"}, "The meeting must end after it starts."),
        ({"format": "online"}, "An online or hybrid meeting needs its online link."),
        ({"capacity": "-3"}, "Ensure this value is greater than or equal to 0."),
        ({"starts_at_0": "2030-02-31"}, "Enter a valid date"),
    ],
)
def test_admin_add_meeting_bad_input_says_why(client, moncton, extra, message):
    venue = VenueFactory(chapter=moncton)
    response = client.post(reverse("admin:meetings_meeting_add"), _meeting_post(moncton, venue, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_admin_change_meeting_time_tells_members_and_raises_sequence(client, moncton, told):
    venue = VenueFactory(chapter=moncton)
    client.post(reverse("admin:meetings_meeting_add"), _meeting_post(moncton, venue))
    meeting = Meeting.objects.get()
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    assert 'value="18:30:00"' in page  # shown in Moncton time
    data = _meeting_post(moncton, venue, starts_at_1="19:00:00")
    data.update({"agenda_items-TOTAL_FORMS": "0", "agenda_items-INITIAL_FORMS": "0"})
    data["edit_version"] = read_form(page, "meeting_form")["edit_version"]
    response = client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.datetime(2030, 6, 12, 22, 0, tzinfo=datetime.UTC)
    assert meeting.sequence == 1
    assert told == [("changed", ["starts_at"])]


def _action(client, action, meetings, **extra):
    return client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [m.pk for m in meetings], **extra},
    )


def test_admin_action_duplicate_to_next_month(client, moncton):
    meeting = MeetingFactory(
        chapter=moncton,
        starts_at=datetime.datetime(2030, 6, 12, 18, 30, tzinfo=MONCTON),
        ends_at=datetime.datetime(2030, 6, 12, 21, 0, tzinfo=MONCTON),
    )
    response = _action(client, "duplicate_to_next_month", [meeting])
    assert response.status_code == 302
    copy = Meeting.objects.exclude(pk=meeting.pk).get()
    assert copy.status == Meeting.Status.DRAFT
    assert copy.starts_at == datetime.datetime(2030, 7, 10, 18, 30, tzinfo=MONCTON)  # second Wednesday


def test_admin_action_cancel_asks_first_then_cancels(client, moncton, told):
    meeting = MeetingFactory(chapter=moncton)
    RSVPFactory(meeting=meeting)
    RSVPFactory(meeting=meeting, status=RSVP.Status.NOT_GOING)
    page = _action(client, "cancel_meetings", [meeting])
    assert page.status_code == 200
    assert "1 member going or waitlisted will get an email" in page.content.decode()
    assert Meeting.objects.get().status == Meeting.Status.SCHEDULED

    response = _action(client, "cancel_meetings", [meeting], confirmed="yes")
    assert response.status_code == 302
    assert Meeting.objects.get().status == Meeting.Status.CANCELLED
    assert told == [("cancelled", meeting.pk)]


def test_admin_action_cancel_ignores_other_chapters_ids(client, moncton, told):
    theirs = MeetingFactory()
    _action(client, "cancel_meetings", [theirs], confirmed="yes")
    assert Meeting.objects.get().status == Meeting.Status.SCHEDULED
    assert told == []


def test_admin_action_export_rsvps_csv(client, moncton):
    meeting = MeetingFactory(chapter=moncton, title="=HYPERLINK(1)")
    going = RSVPFactory(
        meeting=meeting, member=MemberFactory(display_name="Léa Fortin", email="lea@example.org")
    )
    going.checked_in_at = meeting.starts_at
    going.save()
    RSVPFactory(meeting=MeetingFactory())  # another chapter's: never exported
    response = _action(client, "export_rsvps", [meeting])
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Chapter", "Meeting", "Starts (local time)", "Name", "Email"]
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][3:6] == ["Léa Fortin", "lea@example.org", "Going"]
    assert rows[1][8] == meeting.local_starts_at.strftime("%Y-%m-%d %H:%M")


def test_admin_rsvp_cancel_action_promotes_waitlist(client, moncton, monkeypatch):
    monkeypatch.setattr(notifications, "notify_rsvp_cancelled", lambda r: None)
    monkeypatch.setattr(notifications, "notify_rsvp_promoted", lambda r: None)
    meeting = MeetingFactory(chapter=moncton, capacity=1)
    seat = RSVPFactory(meeting=meeting)
    waiting = RSVPFactory(
        meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=datetime.datetime.now(datetime.UTC)
    )
    response = client.post(
        reverse("admin:meetings_rsvp_changelist"), {"action": "cancel_rsvps", ACTION_CHECKBOX_NAME: [seat.pk]}
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert (seat.status, waiting.status) == (RSVP.Status.NOT_GOING, RSVP.Status.GOING)


def test_admin_venue_choices_are_the_meetings_chapter(client, moncton):
    own = VenueFactory(chapter=moncton, name="Moncton Library")
    other = VenueFactory(name="Toronto Hall")
    page = client.get(reverse("admin:meetings_meeting_add")).content.decode()
    assert "Moncton Library" in page
    assert "Toronto Hall" not in page
    assert own and other


def test_admin_meeting_page_sums_up_answers_and_links_to_them(client, moncton):
    meeting = MeetingFactory(chapter=moncton, capacity=1)
    seat = RSVPFactory(meeting=meeting, member=MemberFactory(display_name="Léa Fortin"))
    seat.checked_in_at = meeting.starts_at
    seat.save()
    RSVPFactory(
        meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=datetime.datetime.now(datetime.UTC)
    )
    RSVPFactory(
        meeting=MeetingFactory(chapter=moncton), member=MemberFactory(display_name="Elsewhere Person")
    )
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    assert "1 going, 1 waitlisted, 1 checked in" in page
    assert reverse("checkin:meeting", args=[meeting.pk]) in page
    listing = client.get(f"{reverse('admin:meetings_rsvp_changelist')}?meeting__id__exact={meeting.pk}")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Léa Fortin" in html
    assert "Elsewhere Person" not in html
