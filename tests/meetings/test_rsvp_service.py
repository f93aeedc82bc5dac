import datetime

import pytest
from django.utils import timezone

from meetings import notifications
from meetings.models import RSVP, Meeting
from meetings.services import RSVPRefused, rsvp_cancel, rsvp_going, rsvp_not_going, rsvp_promote_waitlisted
from members.models import Membership
from tests.factories import MeetingFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Record every notification the services ask for, in order."""
    calls = []
    for name in (
        "notify_rsvp_going",
        "notify_rsvp_waitlisted",
        "notify_rsvp_promoted",
        "notify_rsvp_cancelled",
    ):
        monkeypatch.setattr(
            notifications, name, lambda rsvp, _name=name: calls.append((_name, rsvp.member.email))
        )
    return calls


def _statuses(meeting):
    return dict(RSVP.objects.filter(meeting=meeting).values_list("member__email", "status"))


def test_rsvp_going_with_free_seat_is_going_and_confirmed(sent):
    meeting = MeetingFactory(capacity=2)
    member = MemberFactory(email="ada@example.org")
    rsvp = rsvp_going(meeting=meeting, member=member)
    assert rsvp.status == RSVP.Status.GOING
    assert sent == [("notify_rsvp_going", "ada@example.org")]


def test_rsvp_going_full_meeting_waitlists(sent):
    meeting = MeetingFactory(capacity=1)
    rsvp_going(meeting=meeting, member=MemberFactory(email="first@example.org"))
    second = rsvp_going(meeting=meeting, member=MemberFactory(email="second@example.org"))
    assert second.status == RSVP.Status.WAITLISTED
    assert second.waitlisted_at is not None
    assert sent[-1] == ("notify_rsvp_waitlisted", "second@example.org")


def test_rsvp_going_without_capacity_never_waitlists(sent):
    meeting = MeetingFactory(capacity=None)
    statuses = {rsvp_going(meeting=meeting, member=MemberFactory()).status for _ in range(5)}
    assert statuses == {RSVP.Status.GOING}


def test_rsvp_going_twice_keeps_one_rsvp_and_sends_once(sent):
    meeting = MeetingFactory(capacity=5)
    member = MemberFactory()
    rsvp_going(meeting=meeting, member=member)
    rsvp_going(meeting=meeting, member=member)
    assert RSVP.objects.filter(meeting=meeting, member=member).count() == 1
    assert len(sent) == 1


def test_rsvp_going_again_while_waitlisted_keeps_place(sent):
    meeting = MeetingFactory(capacity=1)
    rsvp_going(meeting=meeting, member=MemberFactory())
    waiting = MemberFactory()
    first = rsvp_going(meeting=meeting, member=waiting)
    again = rsvp_going(meeting=meeting, member=waiting)
    assert again.status == RSVP.Status.WAITLISTED
    assert again.waitlisted_at == first.waitlisted_at


def test_rsvp_going_joins_chapter_without_newsletter_consent():
    meeting = MeetingFactory()
    member = MemberFactory()
    rsvp_going(meeting=meeting, member=member)
    membership = Membership.objects.get(member=member, chapter=meeting.chapter)
    assert membership.source == Membership.Source.RSVP
    assert membership.newsletter_subscribed is False
    assert membership.newsletter_consent_at is None


def test_rsvp_going_keeps_existing_membership():
    meeting = MeetingFactory()
    membership = MembershipFactory(
        chapter=meeting.chapter, newsletter_subscribed=True, newsletter_consent_at=timezone.now()
    )
    rsvp_going(meeting=meeting, member=membership.member)
    membership.refresh_from_db()
    assert membership.source == Membership.Source.WEBSITE
    assert membership.newsletter_subscribed is True


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": Meeting.Status.CANCELLED}, "cancelled"),
        ({"status": Meeting.Status.DRAFT}, "not_published"),
        (
            {
                "starts_at": timezone.now() - datetime.timedelta(hours=1),
                "ends_at": timezone.now() + datetime.timedelta(hours=1),
            },
            "started",
        ),
        (
            {
                "starts_at": timezone.now() - datetime.timedelta(days=30),
                "ends_at": timezone.now() - datetime.timedelta(days=30, hours=-3),
            },
            "started",
        ),
        ({"rsvp_opens_at": timezone.now() + datetime.timedelta(days=1)}, "not_open_yet"),
        ({"rsvp_closes_at": timezone.now() - datetime.timedelta(minutes=1)}, "closed"),
    ],
)
def test_rsvp_going_refused_changes_nothing(sent, changes, code):
    meeting = MeetingFactory(**changes)
    member = MemberFactory()
    with pytest.raises(RSVPRefused) as refused:
        rsvp_going(meeting=meeting, member=member)
    assert refused.value.code == code
    assert str(refused.value.message)
    assert not RSVP.objects.filter(meeting=meeting).exists()
    assert not Membership.objects.filter(member=member).exists()
    assert sent == []


def test_rsvp_going_inactive_member_refused():
    meeting = MeetingFactory()
    member = MemberFactory(is_active=False)
    with pytest.raises(RSVPRefused):
        rsvp_going(meeting=meeting, member=member)
    assert not RSVP.objects.exists()


def test_rsvp_cancel_going_promotes_first_waitlisted(sent):
    meeting = MeetingFactory(capacity=1)
    going = MemberFactory(email="going@example.org")
    rsvp_going(meeting=meeting, member=going)
    for email in ("w1@example.org", "w2@example.org"):
        rsvp_going(meeting=meeting, member=MemberFactory(email=email))
    sent.clear()
    rsvp_cancel(meeting=meeting, member=going)
    assert _statuses(meeting) == {
        "going@example.org": RSVP.Status.NOT_GOING,
        "w1@example.org": RSVP.Status.GOING,
        "w2@example.org": RSVP.Status.WAITLISTED,
    }
    assert sent == [
        ("notify_rsvp_cancelled", "going@example.org"),
        ("notify_rsvp_promoted", "w1@example.org"),
    ]


def test_rsvp_cancel_waitlisted_promotes_nobody(sent):
    meeting = MeetingFactory(capacity=1)
    rsvp_going(meeting=meeting, member=MemberFactory(email="going@example.org"))
    w1 = MemberFactory(email="w1@example.org")
    rsvp_going(meeting=meeting, member=w1)
    rsvp_going(meeting=meeting, member=MemberFactory(email="w2@example.org"))
    sent.clear()
    rsvp_cancel(meeting=meeting, member=w1)
    assert _statuses(meeting)["w2@example.org"] == RSVP.Status.WAITLISTED
    assert sent == [("notify_rsvp_cancelled", "w1@example.org")]


def test_rsvp_cancel_without_rsvp_refused(sent):
    meeting = MeetingFactory()
    with pytest.raises(RSVPRefused) as refused:
        rsvp_cancel(meeting=meeting, member=MemberFactory())
    assert refused.value.code == "no_rsvp"
    assert sent == []


def test_rsvp_cancel_after_window_closed_still_frees_seat(sent):
    meeting = MeetingFactory(capacity=1)
    member = MemberFactory()
    rsvp_going(meeting=meeting, member=member)
    waiting = MemberFactory()
    rsvp_going(meeting=meeting, member=waiting)
    Meeting.objects.filter(pk=meeting.pk).update(rsvp_closes_at=timezone.now())
    rsvp_cancel(meeting=meeting, member=member)
    assert RSVP.objects.get(member=waiting).status == RSVP.Status.GOING


def test_rsvp_cancel_after_start_refused():
    meeting = MeetingFactory()
    member = MemberFactory()
    rsvp_going(meeting=meeting, member=member)
    later = meeting.starts_at + datetime.timedelta(minutes=5)
    with pytest.raises(RSVPRefused) as refused:
        rsvp_cancel(meeting=meeting, member=member, now=later)
    assert refused.value.code == "started"
    assert RSVP.objects.get(member=member).status == RSVP.Status.GOING


def test_rsvp_not_going_without_previous_answer_records_it(sent):
    meeting = MeetingFactory()
    rsvp = rsvp_not_going(meeting=meeting, member=MemberFactory())
    assert rsvp.status == RSVP.Status.NOT_GOING
    assert sent == []


def test_rsvp_not_going_twice_sends_one_cancellation(sent):
    meeting = MeetingFactory()
    member = MemberFactory()
    rsvp_going(meeting=meeting, member=member)
    rsvp_not_going(meeting=meeting, member=member)
    rsvp_not_going(meeting=meeting, member=member)
    assert [name for name, _ in sent] == ["notify_rsvp_going", "notify_rsvp_cancelled"]


def test_rsvp_going_after_not_going_goes_to_back_of_waitlist():
    meeting = MeetingFactory(capacity=1)
    rsvp_going(meeting=meeting, member=MemberFactory())
    early, late = MemberFactory(), MemberFactory()
    t0 = timezone.now()
    rsvp_going(meeting=meeting, member=early, now=t0)
    rsvp_going(meeting=meeting, member=late, now=t0 + datetime.timedelta(seconds=1))
    rsvp_not_going(meeting=meeting, member=early, now=t0 + datetime.timedelta(seconds=2))
    back = rsvp_going(meeting=meeting, member=early, now=t0 + datetime.timedelta(seconds=3))
    assert back.status == RSVP.Status.WAITLISTED
    queue = RSVP.objects.filter(meeting=meeting, status=RSVP.Status.WAITLISTED).order_by("waitlisted_at")
    assert [r.member_id for r in queue] == [late.pk, early.pk]


def test_rsvp_promote_waitlisted_after_capacity_raised(sent):
    meeting = MeetingFactory(capacity=1)
    rsvp_going(meeting=meeting, member=MemberFactory())
    for _ in range(3):
        rsvp_going(meeting=meeting, member=MemberFactory())
    Meeting.objects.filter(pk=meeting.pk).update(capacity=3)
    promoted = rsvp_promote_waitlisted(meeting=meeting)
    assert len(promoted) == 2
    assert RSVP.objects.filter(meeting=meeting, status=RSVP.Status.GOING).count() == 3
    assert RSVP.objects.filter(meeting=meeting, status=RSVP.Status.WAITLISTED).count() == 1
