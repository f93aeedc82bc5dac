"""The reminder sweep looks for exactly the key the reminder is written with."""

import pytest
from django.db.models import F

from meetings.models import RSVP
from meetings.reminder_key import reminder_dedupe_key, reminder_dedupe_key_expression
from tests.factories import RSVPFactory

pytestmark = pytest.mark.django_db


def test_reminder_key_in_sql_equals_the_key_written():
    rsvp = RSVPFactory()
    in_sql = (
        RSVP.objects.annotate(
            key=reminder_dedupe_key_expression(meeting_id=F("meeting_id"), member_id=F("member_id"))
        )
        .values_list("key", flat=True)
        .get(pk=rsvp.pk)
    )
    written = reminder_dedupe_key(meeting_id=rsvp.meeting_id, member_id=rsvp.member_id)
    assert in_sql == written == f"reminder:{rsvp.meeting_id}:{rsvp.member_id}"
