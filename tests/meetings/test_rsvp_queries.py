"""Answering a meeting runs a fixed number of queries, whatever the number of answers it has."""

import pytest
from django.urls import reverse

from meetings.models import RSVP
from members.mail.models import OutboxMessage
from members.models import Member, Membership
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

# The meeting, the member, their verified address, then in the transaction (its savepoint and release
# here, BEGIN and COMMIT in production): the meeting's row lock, the member's RSVP, the seat count,
# the new RSVP, their membership (looked up, then created inside a savepoint of its own), the email.
GOING_FIRST_TIME = 14
# The meeting, the member, their address, then in the transaction: the lock, the RSVP, its change,
# the email and whether anyone waits for the seat freed.
NOT_GOING_AFTERWARDS = 10


def _meeting_with_answers(count):
    meeting = MeetingFactory(capacity=count + 10)
    members = Member.objects.bulk_create(
        Member(email=f"answer{n}@example.org", display_name=f"Answer {n}") for n in range(count)
    )
    RSVP.objects.bulk_create(RSVP(meeting=meeting, member=m, status=RSVP.Status.GOING) for m in members)
    return meeting


def _post(client, meeting, answer):
    url = reverse("meetings:rsvp", kwargs={"slug": meeting.chapter.slug, "pk": meeting.pk})
    response = client.post(url, {"answer": answer})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("answers", [1, 300])
def test_going_then_not_going_run_the_same_queries_however_many_answered(
    member_client, django_assert_num_queries, django_capture_on_commit_callbacks, answers
):
    meeting = _meeting_with_answers(answers)
    member = member_client.member
    with django_assert_num_queries(GOING_FIRST_TIME), django_capture_on_commit_callbacks():
        _post(member_client, meeting, "going")
    with django_assert_num_queries(NOT_GOING_AFTERWARDS), django_capture_on_commit_callbacks():
        _post(member_client, meeting, "not_going")
    assert RSVP.objects.get(meeting=meeting, member=member).status == RSVP.Status.NOT_GOING
    assert Membership.objects.filter(member=member, chapter=meeting.chapter).exists()
    emails = OutboxMessage.objects.filter(member=member).order_by("pk")
    assert list(emails.values_list("kind", flat=True)) == ["rsvp_going", "rsvp_cancelled"]
