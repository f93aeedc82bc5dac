"""Email kinds registered by the app that sends them: the outbox admin shows their labels."""

import pytest
from django.urls import reverse

from meetings.services import rsvp_going
from members.mail import outbox
from members.mail.models import OutboxMessage
from tests.factories import ChapterRoleFactory, MeetingFactory, MemberFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def _row(chapter, kind, subject):
    return OutboxMessage.objects.create(
        kind=kind,
        chapter=chapter,
        to_email="ada@example.org",
        from_email="a@example.org",
        subject=subject,
        body_text="x",
    )


@pytest.fixture
def organizer_client(client):
    role = ChapterRoleFactory(user=MemberFactory(email="organizer@example.org"))
    client.force_login(role.user)
    client.chapter = role.chapter
    return client


def test_outbox_admin_shows_the_label_the_sending_app_registered(organizer_client):
    row = _row(organizer_client.chapter, "meeting_cancelled", "Hyper-V night is off")
    page = organizer_client.get(reverse("admin:members_outboxmessage_changelist")).content.decode()
    assert "Meeting cancelled" in page and "meeting_cancelled" not in page.split("<tbody>")[1]
    detail = organizer_client.get(reverse("admin:members_outboxmessage_change", args=[row.pk]))
    assert "Meeting cancelled" in detail.content.decode()


def test_outbox_admin_shows_an_unregistered_kind_as_stored(organizer_client):
    _row(organizer_client.chapter, "poll_opened", "Vote for June's topic")
    page = organizer_client.get(reverse("admin:members_outboxmessage_changelist")).content.decode()
    assert "poll_opened" in page.split("<tbody>")[1]


def test_outbox_admin_filter_offers_every_registered_kind(organizer_client):
    page = organizer_client.get(reverse("admin:members_outboxmessage_changelist")).content.decode()
    # Members' own kinds and the ones meetings registers, by their labels.
    assert "?kind__exact=rsvp_promoted" in page
    for label in ("Account", "Newsletter test", "RSVP confirmed", "Promoted from the waitlist", "Reminder"):
        assert f">{label}</a>" in page


def test_row_queued_under_the_old_composer_name_is_still_written_and_sent(
    sent, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Hyper-V in practice")
    rsvp = RSVPFactory(meeting=meeting, member=MemberFactory(email="ada@example.org"))
    spec = {"rsvp": rsvp.pk, "template": "rsvp_going", "method": "REQUEST", "checkin": False}
    spec |= {"online_link": True, "extra": {}}
    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_queue(
            kind="rsvp_going",
            to_email=rsvp.member.email,
            member=rsvp.member,
            chapter=meeting.chapter,
            compose=("meetings.rsvp", spec),
        )
    (message,) = sent()
    assert "Hyper-V in practice" in message["Subject"]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_rsvp_confirmation_is_recorded_under_its_registered_kind(sent, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_going(meeting=meeting, member=MemberFactory())
    row = OutboxMessage.objects.get()
    assert (row.kind, row.get_kind_display(), row.status) == ("rsvp_going", "RSVP confirmed", "sent")
