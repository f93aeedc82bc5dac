"""RSVP and meeting emails: written with the change, sent after commit, in the member's language."""

import datetime
import zoneinfo

import pytest
from django.db import transaction
from django.utils import timezone

from meetings import notifications
from meetings.calendar import event_uid
from meetings.models import RSVP
from meetings.services import rsvp_cancel, rsvp_going
from members.mail.models import OutboxMessage
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
)
from tests.support.mail import body, calendar_of, parts

pytestmark = pytest.mark.django_db

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")


@pytest.fixture
def meeting():
    chapter = ChapterFactory(
        name="IT Pro Vancouver",
        slug="it-pro-vancouver",
        time_zone="America/Vancouver",
        contact_email="organizers@vancouver.example.org",
    )
    starts = datetime.datetime(2031, 3, 18, 18, 0, tzinfo=VANCOUVER)
    meeting = MeetingFactory(
        chapter=chapter,
        title="Hyper-V in practice",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=1,
    )
    AgendaItemFactory(meeting=meeting, title="PowerShell Snack", speaker="Dana Example", duration_minutes=15)
    return meeting


def test_rsvp_going_confirmation_is_multipart_with_invitation_and_qr(
    meeting, sent, django_capture_on_commit_callbacks
):
    member = MemberFactory(email="ada@example.org", display_name="Ada", time_zone="Europe/Paris")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_going(meeting=meeting, member=member, now=timezone.now())

    (message,) = sent()
    assert message["To"] == "ada@example.org"
    # The chapter's name is the sender name; replies reach its organizers.
    assert message["From"].addresses[0].display_name == "IT Pro Vancouver"
    assert message["Reply-To"] == "organizers@vancouver.example.org"
    assert "Hyper-V in practice" in message["Subject"]
    text = body(message)
    # 6 pm in the chapter's time zone, whatever the member's own zone is.
    assert "18 March 2031" in text and "6 p.m." in text
    assert "PowerShell Snack" in text
    assert "Hyper-V in practice" in body(message, "text/html")
    content_type, cal = calendar_of(message)
    assert "method=REQUEST" in content_type.replace('"', "")
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == event_uid(meeting)
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["ATTENDEE"]) == "mailto:ada@example.org"
    assert "vancouver.example.org" in str(event["ORGANIZER"])
    (qr,) = parts(message, "image/png")
    assert qr.get_filename() == "check-in.png" and qr.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "/checkin/" in text
    row = OutboxMessage.objects.get()
    assert (row.kind, row.status) == ("rsvp_going", OutboxMessage.Status.SENT)


def test_rsvp_email_is_in_the_members_language(meeting, sent, django_capture_on_commit_callbacks):
    member = MemberFactory(preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_going(meeting=meeting, member=member)
    (message,) = sent()
    assert message["Subject"].startswith("Vous participez")
    text = body(message)
    assert "18 mars 2031" in text and "18:00" in text
    assert "/fr/" in text


def test_full_meeting_waitlists_with_position(meeting, sent, django_capture_on_commit_callbacks):
    first, second, third = MemberFactory(), MemberFactory(), MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_going(meeting=meeting, member=first)
        rsvp_going(meeting=meeting, member=second)
        rsvp_going(meeting=meeting, member=third)
    going, waiting_1, waiting_2 = sent()
    assert calendar_of(going)[1]["METHOD"] == "REQUEST"
    assert "waitlist" in waiting_1["Subject"]
    assert "position 1" in body(waiting_1)
    assert "position 2" in body(waiting_2)
    # Nobody waiting holds the event yet: no invitation.
    assert parts(waiting_1, "text/calendar") == []


def test_cancel_sends_calendar_cancel_and_promotes_the_next(
    meeting, sent, django_capture_on_commit_callbacks
):
    first, second = MemberFactory(email="first@example.org"), MemberFactory(email="second@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_going(meeting=meeting, member=first)
        rsvp_going(meeting=meeting, member=second)
        rsvp_cancel(meeting=meeting, member=first)
    messages = sent()[2:]
    by_recipient = {m["To"]: m for m in messages}
    content_type, cal = calendar_of(by_recipient["first@example.org"])
    assert cal["METHOD"] == "CANCEL" and "method=CANCEL" in content_type.replace('"', "")
    assert str(cal.walk("VEVENT")[0]["UID"]) == event_uid(meeting)
    promoted = by_recipient["second@example.org"]
    assert "seat freed up" in promoted["Subject"]
    assert calendar_of(promoted)[1]["METHOD"] == "REQUEST"


def test_rolled_back_change_sends_nothing(meeting, sent, django_capture_on_commit_callbacks):
    member = MemberFactory()
    rsvp = RSVPFactory(meeting=meeting, member=member)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notifications.notify_rsvp_going(rsvp)
                raise RuntimeError("the service failed after notifying")
        except RuntimeError:
            pass
    assert OutboxMessage.objects.count() == 0
    assert sent() == []


def test_meeting_changed_updates_going_with_higher_sequence_and_tells_waitlist(
    meeting, sent, django_capture_on_commit_callbacks
):
    going = RSVPFactory(meeting=meeting, member=MemberFactory(email="going@example.org"))
    RSVPFactory(
        meeting=meeting,
        member=MemberFactory(email="waiting@example.org"),
        status=RSVP.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    RSVPFactory(meeting=meeting, member=MemberFactory(email="no@example.org"), status=RSVP.Status.NOT_GOING)
    meeting.starts_at += datetime.timedelta(hours=1)
    meeting.ends_at += datetime.timedelta(hours=1)
    meeting.sequence = 3
    meeting.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_meeting_changed(meeting, ["starts_at", "ends_at"])
        # The same change reported twice still reaches each member once.
        notifications.notify_meeting_changed(meeting, ["starts_at"])
    by_recipient = {m["To"]: m for m in sent()}
    assert set(by_recipient) == {"going@example.org", "waiting@example.org"}
    update = by_recipient["going@example.org"]
    assert "the date or time" in body(update)
    assert "7 p.m." in body(update)
    cal = calendar_of(update)[1]
    (event,) = cal.walk("VEVENT")
    assert cal["METHOD"] == "REQUEST"
    assert str(event["UID"]) == event_uid(going.meeting) and event["SEQUENCE"] == 3
    assert parts(by_recipient["waiting@example.org"], "text/calendar") == []


def test_meeting_cancelled_sends_cancel(meeting, sent, django_capture_on_commit_callbacks):
    RSVPFactory(meeting=meeting, member=MemberFactory(email="going@example.org"))
    meeting.status = meeting.Status.CANCELLED
    meeting.sequence = 1
    meeting.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_meeting_cancelled(meeting)
    (message,) = sent()
    assert message["Subject"].startswith("Cancelled")
    cal = calendar_of(message)[1]
    (event,) = cal.walk("VEVENT")
    assert cal["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1


def test_rsvp_email_is_rendered_by_the_sender_not_while_the_meeting_is_locked(
    meeting, sent, django_capture_on_commit_callbacks
):
    member = MemberFactory(email="ada@example.org")
    rsvp_going(meeting=meeting, member=member)
    row = OutboxMessage.objects.get()
    # Queued inside the RSVP's transaction with what to say, and nothing rendered yet.
    assert row.body_text == "" and row.composer["spec"]["rsvp"] == RSVP.objects.get().pk
    from members.mail.outbox import outbox_send

    outbox_send(message_pk=row.pk)
    (message,) = sent()
    assert "Hyper-V in practice" in message["Subject"] and parts(message, "image/png")
    row.refresh_from_db()
    # What was sent stays on the row, as for any other email.
    assert row.status == OutboxMessage.Status.SENT and "Hyper-V in practice" in row.subject


def test_confirmation_sent_late_still_says_what_was_true_when_answered(meeting, sent):
    from members.mail.outbox import outbox_send

    member = MemberFactory()
    rsvp_going(meeting=meeting, member=member)
    rsvp_cancel(meeting=meeting, member=member)
    confirmation, cancellation = OutboxMessage.objects.order_by("pk")
    outbox_send(message_pk=confirmation.pk)
    outbox_send(message_pk=cancellation.pk)
    going, cancelled = sent()
    # The seat was held when the confirmation was queued: it carries the door QR code and invitation.
    assert parts(going, "image/png") and calendar_of(going)[1]["METHOD"] == "REQUEST"
    assert calendar_of(cancelled)[1]["METHOD"] == "CANCEL" and not parts(cancelled, "image/png")


def test_email_about_a_deleted_meeting_is_marked_failed_not_sent(meeting, sent):
    from members.mail.outbox import SendResult, outbox_send

    rsvp_going(meeting=meeting, member=MemberFactory())
    row = OutboxMessage.objects.get()
    meeting.delete()
    assert outbox_send(message_pk=row.pk)[0] == SendResult.FAILED
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED and "no longer exists" in row.last_error
    assert sent() == []
