import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from meetings import notifications
from meetings.models import RSVP, Meeting
from meetings.services.scheduling import (
    meeting_cancel,
    meeting_duplicate_to_next_month,
    meeting_update,
    next_month_same_weekday,
)
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    MeetingFactory,
    RSVPFactory,
    TopicFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db
TORONTO = zoneinfo.ZoneInfo("America/Toronto")


@pytest.fixture
def told(monkeypatch):
    """Record what members are told, as the notification contract receives it."""
    calls = []
    monkeypatch.setattr(
        notifications, "notify_meeting_changed", lambda m, fields: calls.append(("changed", m.pk, fields))
    )
    monkeypatch.setattr(
        notifications, "notify_meeting_cancelled", lambda m: calls.append(("cancelled", m.pk))
    )
    monkeypatch.setattr(
        notifications, "notify_rsvp_promoted", lambda r: calls.append(("promoted", r.member_id))
    )
    return calls


def _local(*args):
    return datetime.datetime(*args, tzinfo=TORONTO)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 3, 17), datetime.date(2026, 4, 21)),  # third Tuesday
        (datetime.date(2026, 1, 29), datetime.date(2026, 2, 26)),  # fifth Thursday -> last
        (datetime.date(2026, 12, 2), datetime.date(2027, 1, 6)),  # first Wednesday, new year
        (datetime.date(2026, 10, 31), datetime.date(2026, 11, 28)),  # fifth Saturday -> last
    ],
)
def test_next_month_same_weekday(day, expected):
    assert next_month_same_weekday(day) == expected
    assert expected.weekday() == day.weekday()


def test_meeting_duplicate_keeps_local_time_across_daylight_saving():
    # 6 pm on the second Tuesday of October (EDT) -> 6 pm on the second Tuesday of November (EST).
    meeting = MeetingFactory(
        starts_at=_local(2026, 10, 13, 18, 0),
        ends_at=_local(2026, 10, 13, 21, 0),
        rsvp_closes_at=_local(2026, 10, 13, 12, 0),
        capacity=40,
        description="Pizza at 6.",
    )
    meeting.topics.add(TopicFactory(slug="powershell", name="PowerShell"))
    AgendaItemFactory(meeting=meeting, position=0, title="Hyper-V", speaker="Avery Example")
    AgendaItemFactory(
        meeting=meeting, position=1, title="PowerShell Snack", kind="short", duration_minutes=15
    )
    RSVPFactory(meeting=meeting)

    copy = meeting_duplicate_to_next_month(meeting=meeting)

    assert copy.pk != meeting.pk
    assert copy.status == Meeting.Status.DRAFT
    assert copy.starts_at == _local(2026, 11, 10, 18, 0)
    assert copy.starts_at.astimezone(datetime.UTC).hour == 23  # EST: UTC-5
    assert copy.ends_at == _local(2026, 11, 10, 21, 0)
    assert copy.rsvp_closes_at == _local(2026, 11, 10, 12, 0)
    assert (copy.venue, copy.capacity, copy.description) == (meeting.venue, 40, "Pizza at 6.")
    assert list(copy.topics.values_list("slug", flat=True)) == ["powershell"]
    assert [(a.title, a.kind) for a in copy.agenda_items.all()] == [
        ("Hyper-V", "talk"),
        ("PowerShell Snack", "short"),
    ]
    assert copy.rsvps.count() == 0
    assert meeting.agenda_items.count() == 2


def test_meeting_update_time_raises_sequence_and_tells_members(told):
    meeting = MeetingFactory(starts_at=_local(2030, 5, 1, 18, 0), ends_at=_local(2030, 5, 1, 21, 0))
    changed = meeting_update(meeting=meeting, changes={"starts_at": _local(2030, 5, 1, 18, 30)})
    meeting.refresh_from_db()
    assert changed == ["starts_at"]
    assert meeting.sequence == 1
    assert meeting.starts_at == _local(2030, 5, 1, 18, 30)
    assert told == [("changed", meeting.pk, ["starts_at"])]


def test_meeting_update_title_raises_sequence_without_email(told):
    meeting = MeetingFactory()
    meeting_update(meeting=meeting, changes={"title": "New title"})
    meeting.refresh_from_db()
    assert (meeting.title, meeting.sequence, told) == ("New title", 1, [])


def test_meeting_update_same_values_changes_nothing(told):
    meeting = MeetingFactory()
    assert (
        meeting_update(meeting=meeting, changes={"title": meeting.title, "capacity": meeting.capacity}) == []
    )
    meeting.refresh_from_db()
    assert (meeting.sequence, told) == (0, [])


def test_meeting_update_draft_tells_nobody(told):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    meeting_update(meeting=meeting, changes={"online_url": "https://meet.example.org/x"})
    assert told == []


def test_meeting_update_invalid_times_change_nothing(told):
    meeting = MeetingFactory()
    before = (meeting.starts_at, meeting.ends_at)
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, changes={"ends_at": meeting.starts_at - datetime.timedelta(hours=1)})
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.sequence, told) == (*before, 0, [])


def test_meeting_update_refuses_another_chapters_venue(told):
    meeting = MeetingFactory()
    elsewhere = VenueFactory(chapter=ChapterFactory())
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, changes={"venue": elsewhere})
    meeting.refresh_from_db()
    assert meeting.venue != elsewhere


def test_meeting_update_more_capacity_promotes_the_waitlist_in_order(told):
    meeting = MeetingFactory(capacity=1)
    RSVPFactory(meeting=meeting)
    now = datetime.datetime.now(datetime.UTC)
    first = RSVPFactory(meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=now)
    RSVPFactory(
        meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=now + datetime.timedelta(seconds=1)
    )
    meeting_update(meeting=meeting, changes={"capacity": 2})
    first.refresh_from_db()
    assert first.status == RSVP.Status.GOING
    assert meeting.rsvps.filter(status=RSVP.Status.WAITLISTED).count() == 1
    assert told == [("promoted", first.member_id)]


def test_meeting_cancel_tells_members_once_and_keeps_rsvps(told):
    meeting = MeetingFactory()
    RSVPFactory(meeting=meeting)
    meeting_cancel(meeting=meeting)
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 1
    assert meeting.rsvps.count() == 1
    with pytest.raises(ValidationError):
        meeting_cancel(meeting=meeting)
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, changes={"title": "Back on"})
    assert told == [("cancelled", meeting.pk)]


def test_meeting_cancel_draft_tells_nobody(told):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    meeting_cancel(meeting=meeting)
    assert (Meeting.objects.get(pk=meeting.pk).status, told) == (Meeting.Status.CANCELLED, [])


def test_meeting_update_status_cancelled_goes_through_cancel(told):
    meeting = MeetingFactory()
    meeting_update(meeting=meeting, changes={"status": Meeting.Status.CANCELLED})
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
    assert told == [("cancelled", meeting.pk)]
