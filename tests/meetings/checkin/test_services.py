import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from meetings.checkin.selectors import checkin_totals
from meetings.checkin.services import (
    CheckInError,
    meeting_guests_adjust,
    meeting_walk_in,
    rsvp_check_in,
    rsvp_check_in_undo,
)
from meetings.models import RSVP, Meeting
from tests.factories import MeetingFactory, MemberFactory, MembershipFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def test_rsvp_check_in_by_volunteer_records_time_and_volunteer(tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight)
    rsvp_check_in(rsvp=rsvp, by=volunteer)
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is not None
    assert rsvp.checked_in_by == volunteer
    assert rsvp.status == RSVP.Status.GOING


def test_rsvp_check_in_twice_keeps_first_time(tonight, volunteer, organizer):
    rsvp = RSVPFactory(meeting=tonight)
    first = rsvp_check_in(rsvp=rsvp, by=volunteer).checked_in_at
    again = rsvp_check_in(rsvp=rsvp, by=organizer)
    assert again.checked_in_at == first
    assert again.checked_in_by == volunteer


def test_rsvp_check_in_undo_clears_the_arrival(tonight, organizer):
    rsvp = RSVPFactory(meeting=tonight)
    rsvp_check_in(rsvp=rsvp, by=organizer)
    rsvp_check_in_undo(rsvp=rsvp, by=organizer)
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None and rsvp.checked_in_by is None


def test_rsvp_check_in_waitlisted_member_counts_but_stays_waitlisted(tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight, status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    rsvp_check_in(rsvp=rsvp, by=volunteer)
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.WAITLISTED
    assert checkin_totals(tonight)["checked_in"] == 1


@pytest.mark.parametrize("who", ["other_volunteer", "member", "anonymous"])
def test_rsvp_check_in_by_someone_without_a_role_here_is_refused(request, tonight, who):
    from django.contrib.auth.models import AnonymousUser

    by = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    rsvp = RSVPFactory(meeting=tonight)
    with pytest.raises(PermissionDenied):
        rsvp_check_in(rsvp=rsvp, by=by)
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None


def test_superuser_may_check_in_anywhere(tonight):
    admin = MemberFactory(is_superuser=True, is_staff=True)
    rsvp = rsvp_check_in(rsvp=RSVPFactory(meeting=tonight), by=admin)
    assert rsvp.checked_in_at is not None


def test_rsvp_check_in_at_cancelled_meeting_is_refused(tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight)
    Meeting.objects.filter(pk=tonight.pk).update(status=Meeting.Status.CANCELLED)
    rsvp.meeting.refresh_from_db()
    with pytest.raises(CheckInError, match="cancelled"):
        rsvp_check_in(rsvp=rsvp, by=volunteer)
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None


def test_rsvp_check_in_days_before_the_meeting_is_refused(chapter, volunteer):
    meeting = MeetingFactory(chapter=chapter, starts_at=timezone.now() + datetime.timedelta(days=3))
    rsvp = RSVPFactory(meeting=meeting)
    with pytest.raises(CheckInError, match="24 hours"):
        rsvp_check_in(rsvp=rsvp, by=volunteer)
    assert RSVP.objects.get(pk=rsvp.pk).checked_in_at is None


def test_rsvp_check_in_of_draft_meeting_is_refused(chapter, volunteer):
    meeting = MeetingFactory(chapter=chapter, status=Meeting.Status.DRAFT, starts_at=timezone.now())
    with pytest.raises(CheckInError):
        rsvp_check_in(rsvp=RSVPFactory(meeting=meeting), by=volunteer)


def test_meeting_walk_in_chapter_member_without_rsvp_is_checked_in_not_going(tonight, volunteer, member):
    MembershipFactory(member=member, chapter=tonight.chapter)
    walk_in = meeting_walk_in(meeting=tonight, email="  ADA@example.org ", by=volunteer)
    assert walk_in.created and walk_in.guest is None
    rsvp = walk_in.rsvp
    assert rsvp.member == member and rsvp.status == RSVP.Status.NOT_GOING
    assert rsvp.checked_in_at is not None and rsvp.checked_in_by == volunteer


def test_meeting_walk_in_with_existing_rsvp_checks_it_in(tonight, volunteer, member):
    existing = RSVPFactory(meeting=tonight, member=member, status=RSVP.Status.NOT_GOING)
    walk_in = meeting_walk_in(meeting=tonight, email="ada@example.org", by=volunteer)
    assert walk_in.created and walk_in.rsvp.pk == existing.pk
    assert RSVP.objects.get(pk=existing.pk).checked_in_at is not None
    assert RSVP.objects.filter(meeting=tonight).count() == 1


def test_meeting_walk_in_unknown_email_without_name_changes_nothing(tonight, volunteer):
    with pytest.raises(CheckInError, match="guest's name"):
        meeting_walk_in(meeting=tonight, email="nobody@example.org", by=volunteer)
    assert not RSVP.objects.filter(meeting=tonight).exists()
    assert Meeting.objects.get(pk=tonight.pk).guest_count == 0


def test_meeting_walk_in_same_guest_twice_is_counted_once(tonight, volunteer):
    first = meeting_walk_in(meeting=tonight, email="guest@example.org", name="Gus", by=volunteer)
    again = meeting_walk_in(meeting=tonight, email="GUEST@example.org", name="Gus", by=volunteer)
    assert first.created and not again.created and again.guest.pk == first.guest.pk
    assert Meeting.objects.get(pk=tonight.pk).guest_count == 1


def test_meeting_guests_adjust_never_removes_named_guests(tonight, volunteer):
    meeting_walk_in(meeting=tonight, email="guest@example.org", name="Gus", by=volunteer)
    with pytest.raises(CheckInError):
        meeting_guests_adjust(meeting=tonight, delta=-1, by=volunteer)
    assert Meeting.objects.get(pk=tonight.pk).guest_count == 1


def test_meeting_guests_adjust_adds_and_removes(tonight, volunteer):
    assert meeting_guests_adjust(meeting=tonight, delta=3, by=volunteer) == 3
    assert meeting_guests_adjust(meeting=tonight, delta=-1, by=volunteer) == 2
    assert Meeting.objects.get(pk=tonight.pk).guest_count == 2


@pytest.mark.parametrize("delta", [-1, 0, 101, "2"])
def test_meeting_guests_adjust_bad_delta_changes_nothing(tonight, volunteer, delta):
    with pytest.raises(CheckInError):
        meeting_guests_adjust(meeting=tonight, delta=delta, by=volunteer)
    assert Meeting.objects.get(pk=tonight.pk).guest_count == 0


def test_checkin_totals_count_going_waitlisted_present_and_expected(tonight, volunteer):
    going = RSVPFactory.create_batch(3, meeting=tonight)
    RSVPFactory(meeting=tonight, status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    RSVPFactory(meeting=tonight, status=RSVP.Status.NOT_GOING)
    rsvp_check_in(rsvp=going[0], by=volunteer)
    meeting_guests_adjust(meeting=tonight, delta=2, by=volunteer)
    assert checkin_totals(tonight) == {
        "going": 3,
        "waitlisted": 1,
        "checked_in": 1,
        "guests": 2,
        "present": 3,
        "still_expected": 2,
    }
