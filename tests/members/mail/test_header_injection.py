"""Text that reaches an email header can never add a header, and never stops a chapter's email.

Names, titles and subjects are refused when they hold a line break or a control character; a row
saved before that rule (or with `update()`) still gets every transactional email of its chapter
sent, on one line, through the real outbox send path to a real SMTP server.
"""

import datetime
import email
import email.policy
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapters.models import Chapter, Sponsor, Venue
from meetings import notifications
from meetings.models import RSVP, AgendaItem, Meeting, Topic
from members.forms import ProfileForm
from members.mail.models import OutboxMessage
from members.mail.outbox import outbox_send
from members.models import Member
from members.newsletters.models import Newsletter
from members.newsletters.sending import newsletter_send_test
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    TopicFactory,
    VenueFactory,
)
from tests.support.mail import use_smtp
from tests.support.servers import SMTPServer

pytestmark = pytest.mark.django_db

BREAKS = ["\r", "\n", "\r\n", "\x00", "\u2028", "\r\nBcc: x@evil.example", "\nFrom: boss@evil.example\n"]
printable = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x24F, exclude_categories=["Cc"]), max_size=12
)


def around(breaks, text):
    return st.builds(lambda head, brk, tail: f"{head}{brk}{tail}", text, st.sampled_from(breaks), text)


hostile_text = around(BREAKS, printable)
# PostgreSQL stores no NUL in text, so a saved row can only hold the other breaks.
stored_hostile_text = around([b for b in BREAKS if b != "\x00"], printable)
# What a form receives: the break inside the text, where stripping the ends does not remove it.
word = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8)
hostile_inner_text = around(BREAKS, word)

HEADER_FIELDS = [
    (Chapter, "name"),
    (Venue, "name"),
    (Sponsor, "name"),
    (Meeting, "title"),
    (AgendaItem, "title"),
    (AgendaItem, "speaker"),
    (Topic, "name"),
    (Member, "display_name"),
    (Newsletter, "subject"),
]
MESSAGE = "Use one line of plain text: line breaks and control characters are not allowed."
_unique = itertools.count()


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(HEADER_FIELDS), value=hostile_text)
def test_header_fields_refuse_line_breaks_and_control_characters(field, value):
    model, name = field
    with pytest.raises(ValidationError) as refused:
        model._meta.get_field(name).run_validators(value)
    assert MESSAGE in refused.value.messages


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=hostile_inner_text)
def test_profile_form_refuses_display_name_with_line_breaks(value):
    member = MemberFactory(email=f"form{next(_unique)}@example.org", display_name="Before")
    form = ProfileForm(
        {"display_name": value, "preferred_language": "en", "time_zone": "America/Toronto"}, instance=member
    )
    assert not form.is_valid()
    # Django's own message for NUL is as clear as ours.
    assert set(form.errors["display_name"]) & {MESSAGE, "Null characters are not allowed."}
    assert Member.objects.get(pk=member.pk).display_name == "Before"


@pytest.fixture(scope="module")
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


def _world(n):
    """A chapter with a meeting (venue, talk, topic), one member going and one waitlisted."""
    chapter = ChapterFactory(
        name=f"Header Chapter {n}", slug=f"header-chapter-{n}", contact_email=f"org{n}@example.org"
    )
    meeting = MeetingFactory(
        chapter=chapter,
        venue=VenueFactory(chapter=chapter),
        title=f"Meeting {n}",
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=23),
        capacity=1,
    )
    AgendaItemFactory(meeting=meeting, title=f"Talk {n}", speaker="Ada Example")
    meeting.topics.add(TopicFactory(name=f"Topic {n}", slug=f"topic-header-{n}"))
    going = RSVPFactory(meeting=meeting, member=MemberFactory(email=f"going{n}@example.org"))
    waiting = RSVPFactory(
        meeting=meeting,
        member=MemberFactory(email=f"waiting{n}@example.org"),
        status=RSVP.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    newsletter = Newsletter.objects.create(chapter=chapter, subject=f"News {n}", body="Hello **all**.")
    return chapter, meeting, going, waiting, newsletter


def _spoil(field, value, *, chapter, meeting, going, newsletter):
    """Store `value` as a row saved before validation would: with update(), no validators run."""
    targets = {
        "chapter name": (Chapter.objects.filter(pk=chapter.pk), "name"),
        "venue name": (Venue.objects.filter(pk=meeting.venue_id), "name"),
        "meeting title": (Meeting.objects.filter(pk=meeting.pk), "title"),
        "agenda title": (AgendaItem.objects.filter(meeting=meeting), "title"),
        "speaker": (AgendaItem.objects.filter(meeting=meeting), "speaker"),
        "topic name": (Topic.objects.filter(meetings=meeting), "name"),
        "display name": (Member.objects.filter(pk=going.member_id), "display_name"),
        "newsletter subject": (Newsletter.objects.filter(pk=newsletter.pk), "subject"),
    }
    queryset, name = targets[field]
    # A number keeps unique names unique across examples.
    queryset.update(**{name: f"{value} {chapter.pk}"})


def _queue_every_transactional_email(meeting, going, waiting, newsletter, organizer):
    meeting = Meeting.objects.select_related("chapter").get(pk=meeting.pk)
    going = RSVP.objects.select_related("member", "meeting__chapter").get(pk=going.pk)
    waiting = RSVP.objects.select_related("member", "meeting__chapter").get(pk=waiting.pk)
    notifications.notify_rsvp_going(going)
    notifications.notify_rsvp_waitlisted(waiting)
    notifications.notify_rsvp_promoted(waiting)
    notifications.notify_rsvp_cancelled(going)
    notifications.notify_meeting_reminder(going)
    notifications.notify_meeting_changed(meeting, ["starts_at"])
    notifications.notify_meeting_cancelled(meeting)
    newsletter = Newsletter.objects.select_related("chapter").get(pk=newsletter.pk)
    newsletter_send_test(newsletter=newsletter, member=organizer)


SPOILABLE = [
    "chapter name",
    "venue name",
    "meeting title",
    "agenda title",
    "speaker",
    "topic name",
    "display name",
    "newsletter subject",
]


@pytest.mark.slow  # 25 examples of 10 emails each through a real SMTP server
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(SPOILABLE), value=stored_hostile_text)
def test_chapter_email_with_line_breaks_in_stored_text_is_sent_on_one_line(smtp, settings, field, value):
    use_smtp(settings, smtp.port)
    n = next(_unique)
    chapter, meeting, going, waiting, newsletter = _world(n)
    organizer = MemberFactory(email=f"organizer{n}@example.org")
    _spoil(field, value, chapter=chapter, meeting=meeting, going=going, newsletter=newsletter)
    received_before = len(smtp.inbox)

    _queue_every_transactional_email(meeting, going, waiting, newsletter, organizer)
    rows = list(OutboxMessage.objects.filter(chapter=chapter).order_by("pk"))
    assert len(rows) == 10  # 5 RSVP emails, 2 x (changed, cancelled), 1 newsletter test
    for row in rows:
        outbox_send(message_pk=row.pk)

    states = dict(OutboxMessage.objects.filter(chapter=chapter).values_list("kind", "status").distinct())
    assert set(states.values()) == {"sent"}, OutboxMessage.objects.filter(chapter=chapter).values_list(
        "kind", "last_error"
    )
    with smtp.inbox.lock:
        arrived = smtp.inbox.raw[received_before:]
    assert len(arrived) == len(rows)
    expected = {row.to_email for row in rows}
    for recipients, content in arrived:
        assert len(recipients) == 1 and recipients[0] in expected
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert len(message.get_all("From")) == 1
        assert len(message.get_all("To")) == 1 and message["To"] == recipients[0]
        assert message.get_all("Bcc") is None and message.get_all("Cc") is None
        assert len(message.get_all("Subject")) == 1
        subject = str(message["Subject"])
        assert subject and not any(char in subject for char in "\r\n\x00\u2028")
        assert "evil.example" not in "".join(message.keys()).lower()
        assert message.get_all("Reply-To") in (None, [f"org{n}@example.org"])


@pytest.mark.parametrize(
    "from_email",
    [
        "\r\nBcc: x@evil.example <noreply@itprosig.example.org>",
        "Toronto\nBcc: x@evil.example <noreply@itprosig.example.org>",
        "x@evil.example, <noreply@itprosig.example.org>",
    ],
)
def test_row_queued_with_broken_headers_is_sent_from_the_chapter_only(smtp, settings, from_email):
    """A row written by older code, with the header text it had: it still leaves, with no header added."""
    use_smtp(settings, smtp.port)
    chapter = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    row = OutboxMessage.objects.create(
        kind="rsvp_going",
        chapter=chapter,
        to_email="ada@example.org",
        from_email=from_email,
        subject="You’re going\r\nBcc: x@evil.example",
        body_text="Hello",
        headers={"List-Id": "Toronto\r\nBcc: y@evil.example <toronto.newsletter.itprosig>"},
    )
    assert outbox_send(message_pk=row.pk)[0] == "sent"
    (message,) = smtp.inbox.to("ada@example.org")[-1:]
    assert message.get_all("Bcc") is None and message.get_all("Cc") is None
    (sender,) = message.get_all("From")
    assert [address.addr_spec for address in sender.addresses] == ["noreply@itprosig.example.org"]
    assert "evil.example" not in str(sender)
    assert str(message["Subject"]) == "You’re going Bcc: x@evil.example"
