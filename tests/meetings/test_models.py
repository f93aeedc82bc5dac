import datetime

import pytest
from django.db import IntegrityError, transaction

from meetings.models import RSVP
from tests.factories import MeetingFactory, MemberFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def test_meeting_ending_before_it_starts_is_refused_by_database():
    meeting = MeetingFactory()
    meeting.ends_at = meeting.starts_at - datetime.timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


def test_rsvp_twice_for_same_member_and_meeting_is_refused_by_database():
    rsvp = RSVPFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RSVP.objects.create(meeting=rsvp.meeting, member=rsvp.member, status=RSVP.Status.GOING)


def test_meeting_local_time_is_in_chapter_time_zone():
    meeting = MeetingFactory(
        starts_at=datetime.datetime(2026, 12, 1, 23, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 2, 2, 0, tzinfo=datetime.UTC),
    )
    assert meeting.local_starts_at.hour == 18
    assert str(meeting.local_starts_at.tzinfo) == "America/Toronto"


def test_member_email_is_the_login():
    member = MemberFactory(email="ada@example.org")
    assert member.check_password("correct-horse-battery")
    assert member.get_username() == "ada@example.org"
