"""60 members RSVP at the same instant to 20 seats: the row lock keeps the meeting from overbooking."""

import pytest
from django.db import connection

from meetings.models import RSVP
from meetings.services import rsvp_cancel, rsvp_going
from tests.factories import MeetingFactory, MemberFactory
from tests.support.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

MEMBERS = 60
CAPACITY = 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_sixty_concurrent_rsvps_fill_capacity_then_waitlist_in_arrival_order():
    meeting = MeetingFactory(capacity=CAPACITY)
    members = [MemberFactory() for _ in range(MEMBERS)]

    _results, errors = run_at_once([lambda m=m: rsvp_going(meeting=meeting, member=m) for m in members])
    assert errors == []

    # Primary keys are handed out inside the lock, so they record the order of arrival.
    rsvps = list(RSVP.objects.filter(meeting=meeting).order_by("pk"))
    assert len(rsvps) == MEMBERS
    assert len({r.member_id for r in rsvps}) == MEMBERS
    assert [r.status for r in rsvps] == [RSVP.Status.GOING] * CAPACITY + [RSVP.Status.WAITLISTED] * (
        MEMBERS - CAPACITY
    )
    waitlist = rsvps[CAPACITY:]
    assert [r.waitlisted_at for r in waitlist] == sorted(r.waitlisted_at for r in waitlist)

    leaving = [r.member for r in rsvps[:5]]
    _results, errors = run_at_once([lambda m=m: rsvp_cancel(meeting=meeting, member=m) for m in leaving])
    assert errors == []

    promoted = {r.pk for r in waitlist[:5]}
    going = set(RSVP.objects.filter(meeting=meeting, status=RSVP.Status.GOING).values_list("pk", flat=True))
    assert len(going) == CAPACITY
    assert promoted <= going
    still_waiting = RSVP.objects.filter(meeting=meeting, status=RSVP.Status.WAITLISTED).order_by(
        "waitlisted_at"
    )
    assert [r.pk for r in still_waiting] == [r.pk for r in waitlist[5:]]
