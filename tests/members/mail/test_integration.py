"""Email end to end: a real Celery worker on a Redis of its own, sending into a real SMTP server.

Each test starts its own redis-server, workers and aiosmtpd on free ports, and stops only those.
The workers read the test database, so these tests commit (transactional_db).
"""

import datetime
import os
import time
from urllib.parse import urlsplit

import icalendar
import pytest
from django.conf import settings
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from meetings.calendar import event_uid
from meetings.models import RSVP
from meetings.services import rsvp_going
from meetings.services.scheduling import meeting_cancel, meeting_update
from members.mail.models import OutboxMessage
from members.mail.tokens import read_unsubscribe_token
from members.models import Member, Membership
from members.newsletters import sending as newsletters
from members.newsletters.models import Delivery, Newsletter
from tests.factories import ChapterFactory, MeetingFactory, MemberFactory
from tests.support.servers import BrokerForTests, RedisServer, SMTPServer, Worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RECIPIENTS = int(os.environ.get("MAIL_TEST_RECIPIENTS", 2000))


@pytest.fixture
def redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def broker(redis):
    with BrokerForTests(redis.url) as broker:
        yield broker


@pytest.fixture
def workers(redis, smtp, broker):
    """Start workers as production runs them: transactional mail (with beat) apart from bulk mail."""
    started = []

    def start(*, mail=True, bulk=True, **kwargs):
        """Start the workers asked for; return those just started."""
        before = len(started)
        if mail:
            started.append(
                Worker(
                    redis=redis, smtp=smtp, queues=["mail", "default"], name="mail", beat=True, **kwargs
                ).start()
            )
        if bulk:
            started.append(Worker(redis=redis, smtp=smtp, queues=["bulk"], name="bulk", **kwargs).start())
        return started[before:]

    yield start
    for worker in started:
        worker.stop()
        # Shown by pytest only when the test fails.
        print(f"--- worker {worker.name} log (tail) ---\n{worker.output()}")


def calendar_in(message):
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part, icalendar.Calendar.from_ical(part.get_content())


def upcoming_meeting(**kwargs):
    chapter = ChapterFactory(
        name="IT Pro Toronto", slug="it-pro-toronto", contact_email="board@itpro.example.org"
    )
    # Whole minutes, as an organizer enters them (and as iCalendar carries them).
    starts_at = (timezone.now() + datetime.timedelta(days=14)).replace(second=0, microsecond=0)
    return MeetingFactory(chapter=chapter, title="Virtualization night", starts_at=starts_at, **kwargs)


def subscribers(chapter, count):
    """Create `count` consenting subscribers quickly; return their emails in creation order."""
    now = timezone.now()
    members = Member.objects.bulk_create(
        [Member(email=f"subscriber{i:05d}@example.org", display_name=f"Subscriber {i}") for i in range(count)]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                member=member,
                chapter=chapter,
                newsletter_subscribed=True,
                newsletter_consent_at=now,
                newsletter_consent_source=Membership.Source.IMPORT,
            )
            for member in members
        ]
    )
    return [member.email for member in members]


def start_newsletter(chapter):
    newsletter = Newsletter.objects.create(
        chapter=chapter, subject="This month at IT Pro Toronto", body="**Hi**"
    )
    newsletters.newsletter_send_now(newsletter=newsletter)
    return newsletter


def _pending():
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()


def test_rsvp_confirmation_reaches_smtp_with_a_parsable_invitation(smtp, workers):
    smtp.start()
    workers(bulk=False)
    meeting = upcoming_meeting()
    member = MemberFactory(email="ada@example.org")
    rsvp_going(meeting=meeting, member=member)

    (message,) = wait_for(lambda: smtp.inbox.to("ada@example.org"), timeout=30, message="the confirmation")
    assert message["From"].addresses[0].display_name == "IT Pro Toronto"
    part, cal = calendar_in(message)
    assert part.get_params()[1:] == [("charset", "utf-8"), ("method", "REQUEST")]
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == event_uid(meeting)
    assert str(event["ATTENDEE"]) == "mailto:ada@example.org"
    assert [p.get_filename() for p in message.iter_attachments()] == ["invite.ics", "check-in.png"]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.slow
def test_newsletter_to_2000_subscribers_and_one_click_unsubscribe(smtp, workers):
    smtp.start()
    workers(mail=False)
    chapter = upcoming_meeting().chapter
    emails = subscribers(chapter, RECIPIENTS)
    newsletter = start_newsletter(chapter)

    wait_for(lambda: len(smtp.inbox) >= RECIPIENTS, timeout=600, interval=0.5, message="2,000 newsletters")
    # Once the newsletter is sent no delivery is pending, so nothing more can arrive.
    wait_for(lambda: Newsletter.objects.get(pk=newsletter.pk).status == Newsletter.Status.SENT, timeout=10)
    assert len(smtp.inbox) == RECIPIENTS
    assert sorted(smtp.inbox.recipients()) == sorted(emails)
    member_ids = dict(Member.objects.values_list("email", "pk"))
    for rcpts, headers in smtp.inbox.headers():
        # Each copy is addressed to its recipient, and its unsubscribe link names that member.
        assert [headers["To"]] == rcpts
        token = urlsplit(headers["List-Unsubscribe"].strip("<>")).path.split("/")[2]
        assert read_unsubscribe_token(token) == (member_ids[rcpts[0]], chapter.pk)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == RECIPIENTS

    rcpts, message = smtp.inbox.messages[1234]  # parses all 2,000: only once the send is over
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(message["List-Unsubscribe"].strip("<>")).path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    unsubscribed = Membership.objects.filter(newsletter_subscribed=False)
    assert list(unsubscribed.values_list("member__email", flat=True)) == rcpts
    assert Membership.objects.filter(newsletter_subscribed=True).count() == RECIPIENTS - 1


def test_smtp_refusing_connections_at_first_loses_nothing(smtp, workers):
    workers(bulk=False)  # the SMTP port refuses connections: nothing listens yet
    meeting = upcoming_meeting(capacity=None)
    members = [MemberFactory() for _ in range(20)]
    for member in members:
        rsvp_going(meeting=meeting, member=member)
    wait_for(
        lambda: OutboxMessage.objects.filter(attempts__gte=1, status="pending").count() == 20,
        timeout=30,
        message="every first attempt to fail",
    )
    assert "Connection refused" in OutboxMessage.objects.first().last_error
    # The outage lasts through the retries: a second attempt fails too before SMTP comes back.
    wait_for(
        lambda: OutboxMessage.objects.filter(attempts__gte=2, status="pending").exists(),
        timeout=30,
        message="a retry to fail as well",
    )
    smtp.start()

    wait_for(lambda: len(smtp.inbox) >= 20, timeout=60, message="every confirmation once SMTP is back")
    wait_for(lambda: not _pending(), timeout=30, message="every row to be marked sent")
    assert sorted(smtp.inbox.recipients()) == sorted(m.email for m in members)
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 20


@pytest.mark.slow
def test_worker_killed_mid_send_resumes_without_losing_anyone(smtp, workers, redis):
    smtp.start()
    workers(bulk=False)
    (bulk,) = workers(mail=False)
    chapter = upcoming_meeting().chapter
    emails = subscribers(chapter, RECIPIENTS)
    newsletter = start_newsletter(chapter)

    wait_for(lambda: len(smtp.inbox) >= RECIPIENTS // 2, timeout=600, interval=0.01, message="half the send")
    bulk.kill()
    at_kill = len(smtp.inbox)
    assert at_kill < RECIPIENTS, "the send finished before the worker could be killed"
    workers(mail=False)  # the same worker started again; beat's sweeper re-queues the lost batches

    wait_for(
        lambda: Newsletter.objects.get(pk=newsletter.pk).status == Newsletter.Status.SENT,
        timeout=600,
        interval=0.5,
        message="the newsletter to finish after the restart",
    )
    received = smtp.inbox.recipients()
    duplicates = len(received) - len(set(received))
    print(f"\nkilled at {at_kill} of {RECIPIENTS} delivered; {duplicates} duplicate(s) after the restart")
    assert sorted(set(received)) == sorted(emails)
    per_member = Delivery.objects.values("member").annotate(n=Count("pk"))
    assert {row["n"] for row in per_member} == {1} and len(per_member) == RECIPIENTS
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == RECIPIENTS
    # Rows are marked sent every MAIL_MARK_SENT_EVERY messages: only those can repeat, far fewer
    # than a batch.
    assert duplicates <= settings.MAIL_BATCH_SIZE


def test_rsvps_succeed_while_redis_is_down_and_mail_follows(smtp, workers, redis):
    smtp.start()
    workers(bulk=False)
    meeting = upcoming_meeting(capacity=None)
    redis.stop()
    members = [MemberFactory() for _ in range(5)]
    started = time.monotonic()
    for member in members:
        assert rsvp_going(meeting=meeting, member=member).status == RSVP.Status.GOING
    assert time.monotonic() - started < 10, "an RSVP waited on the broker"
    assert OutboxMessage.objects.filter(status="pending").count() == 5

    redis.start()
    wait_for(lambda: len(smtp.inbox) >= 5, timeout=90, interval=0.5, message="the emails once Redis is back")
    # No row left pending: nothing more will be sent, so the inbox holds every email there will be.
    wait_for(lambda: not _pending(), timeout=30, message="every row to be marked sent")
    assert sorted(smtp.inbox.recipients()) == sorted(m.email for m in members)


def test_moved_meeting_updates_invitation_and_cancel_sends_cancel(smtp, workers):
    smtp.start()
    workers(bulk=False)
    meeting = upcoming_meeting(capacity=None)
    going = [MemberFactory(email=f"going{i}@example.org") for i in range(3)]
    for member in going:
        rsvp_going(meeting=meeting, member=member)
    wait_for(lambda: len(smtp.inbox) >= 3, timeout=30, message="the confirmations")
    first_sequence = calendar_in(smtp.inbox.to("going0@example.org")[0])[1].walk("VEVENT")[0]["SEQUENCE"]

    moved_to = meeting.starts_at + datetime.timedelta(days=7)
    meeting_update(
        meeting=meeting,
        changes={"starts_at": moved_to, "ends_at": meeting.ends_at + datetime.timedelta(days=7)},
    )
    wait_for(lambda: len(smtp.inbox) >= 6, timeout=30, message="the updates")
    meeting_cancel(meeting=meeting)
    wait_for(lambda: len(smtp.inbox) >= 9, timeout=30, message="the cancellations")

    for member in going:
        confirmation, update, cancellation = smtp.inbox.to(member.email)
        _, update_cal = calendar_in(update)
        (event,) = update_cal.walk("VEVENT")
        assert update_cal["METHOD"] == "REQUEST"
        assert str(event["UID"]) == event_uid(meeting)
        assert event["SEQUENCE"] > first_sequence
        assert event.decoded("DTSTART") == moved_to
        part, cancel_cal = calendar_in(cancellation)
        (cancelled,) = cancel_cal.walk("VEVENT")
        assert ("method", "CANCEL") in part.get_params()
        assert cancel_cal["METHOD"] == "CANCEL" and str(cancelled["UID"]) == event_uid(meeting)
        assert cancelled["SEQUENCE"] > event["SEQUENCE"]


def confirmation_latency(smtp, meeting, email):
    started = time.monotonic()
    rsvp_going(meeting=meeting, member=MemberFactory(email=email))
    wait_for(lambda: smtp.inbox.to(email), timeout=120, interval=0.01, message=f"the confirmation to {email}")
    return time.monotonic() - started


@pytest.mark.slow
def test_newsletter_send_does_not_delay_a_confirmation(smtp, workers):
    smtp.start()
    workers()
    meeting = upcoming_meeting(capacity=None)
    # What a confirmation takes on this machine right now, with nothing else queued.
    baseline = confirmation_latency(smtp, meeting, "early@example.org")
    subscribers(meeting.chapter, RECIPIENTS)
    newsletter = start_newsletter(meeting.chapter)
    wait_for(
        lambda: len(smtp.inbox) >= 200, timeout=300, interval=0.01, message="the newsletter to get going"
    )

    waited = confirmation_latency(smtp, meeting, "late@example.org")
    still_sending = Newsletter.objects.get(pk=newsletter.pk).status == Newsletter.Status.SENDING
    print(
        f"\nconfirmation took {waited:.2f}s during a {RECIPIENTS}-recipient send "
        f"({baseline:.2f}s with nothing else queued); newsletter still sending: {still_sending}"
    )
    assert still_sending, "the newsletter finished before the RSVP: the test proved nothing"
    assert waited - baseline < 3
