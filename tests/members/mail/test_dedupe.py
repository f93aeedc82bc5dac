"""A dedupe key looked for in SQL is exactly the key the email is written with."""

import pytest
from django.db.models import F

from meetings.models import RSVP
from members.mail.dedupe import DedupeKey
from tests.factories import RSVPFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fields", [("meeting_id",), ("meeting_id", "member_id")])
def test_dedupe_key_in_sql_equals_the_key_written(fields):
    rsvp = RSVPFactory()
    key = DedupeKey("reminder")

    in_sql = (
        RSVP.objects.annotate(key=key.expression(*map(F, fields)))
        .values_list("key", flat=True)
        .get(pk=rsvp.pk)
    )

    written = key(*(getattr(rsvp, field) for field in fields))
    assert in_sql == written == ":".join(["reminder", *(str(getattr(rsvp, field)) for field in fields)])
