"""The beat task: volunteers' reminders and feedback requests go out once, in the member's language."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from community import services
from community.models import FeedbackResponse, VolunteerRole
from community.tasks import send_community_mail
from meetings.models import RSVP
from tests.factories import AgendaItemFactory, MeetingFactory, MemberFactory
from tests.support.mail import body, parse, use_mailer

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem(settings):
    use_mailer(settings, "django.core.mail.backends.locmem.EmailBackend")


def _due(chapter, organizer):
    soon = MeetingFactory(
        chapter=chapter, title="Cloud night", starts_at=timezone.now() + datetime.timedelta(hours=20)
    )
    role = VolunteerRole.objects.create(meeting=soon, kind=VolunteerRole.Kind.DOOR, places=1)
    volunteer = MemberFactory(display_name="Vera Volunteer")
    services.volunteer_signup_confirm(
        signup=services.volunteer_signup_create(role=role, member=volunteer), by=organizer
    )
    end = timezone.now() - datetime.timedelta(hours=26)
    held = MeetingFactory(
        chapter=chapter, title="Hyper-V night", starts_at=end - datetime.timedelta(hours=3), ends_at=end
    )
    talk = AgendaItemFactory(meeting=held, title="Replicas")
    attendee = MemberFactory(display_name="Ada Attendee", preferred_language="fr")
    RSVP.objects.create(meeting=held, member=attendee, status="going", checked_in_at=held.starts_at)
    return volunteer, attendee, held, talk


def test_send_community_mail_queues_each_message_once(
    chapter, organizer, locmem, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        volunteer, attendee, _held, _talk = _due(chapter, organizer)
    with django_capture_on_commit_callbacks(execute=True):
        first = send_community_mail()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_community_mail()

    assert first == {"reminders": 1, "feedback_requests": 1}
    assert second == {"reminders": 0, "feedback_requests": 0}
    recipients = sorted(m.to[0] for m in mail.outbox)
    # The volunteer's confirmation, their reminder, and the attendee's feedback request.
    assert recipients == sorted([volunteer.email, volunteer.email, attendee.email])


def test_feedback_email_in_french_links_to_a_working_form(
    chapter, organizer, locmem, django_capture_on_commit_callbacks
):
    _volunteer, attendee, held, talk = _due(chapter, organizer)

    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_requests_send()

    (message,) = [parse(m) for m in mail.outbox if m.to == [attendee.email]]
    assert message["Subject"] == "Comment était Hyper-V night ? Deux minutes pour donner votre avis"
    text = body(message)
    assert "Bonjour Ada Attendee," in text
    link = next(word for word in text.split() if "/community/feedback/" in word)
    assert link.startswith("http://testserver/fr/community/feedback/")
    path = link.removeprefix("http://testserver")
    response = Client().post(path, {f"talk_{talk.pk}": "4", "comment": "Très bien"}, follow=True)
    assert "Merci pour votre avis !" in response.content.decode()
    assert FeedbackResponse.objects.get(meeting=held, member=attendee).ratings.get().rating == 4


def test_volunteer_reminder_email_names_the_role(
    chapter, organizer, locmem, django_capture_on_commit_callbacks
):
    volunteer, _attendee, _held, _talk = _due(chapter, organizer)

    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_reminders_send()

    (reminder,) = [parse(m) for m in mail.outbox if m.subject.startswith("Reminder")]
    subject = str(reminder["Subject"]).strip()  # a long subject is folded onto a second line
    assert subject.startswith("Reminder: you volunteer at Cloud night, ")
    assert subject.endswith(": Door (tickets and check-in)")
    assert "Can’t make it after all? Withdraw on the volunteer page" in body(reminder)


def test_outbox_admin_names_community_emails(client, chapter, organizer, door, member):
    services.volunteer_signup_confirm(
        signup=services.volunteer_signup_create(role=door, member=member), by=organizer
    )
    client.force_login(organizer)

    page = client.get("/admin/members/outboxmessage/").content.decode()

    assert "Volunteer place confirmed" in page
