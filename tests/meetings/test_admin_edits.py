"""Editing a saved meeting in the admin: stale forms, unpublishing, refusals that save nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings.models import RSVP, AgendaItem, Meeting
from meetings.services.scheduling import meeting_cancel, meeting_update
from tests.factories import AgendaItemFactory, RSVPFactory
from tests.support.html_forms import read_form, without_templates
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world, client):
    meeting = world["objects"]["meetings.meeting"]
    AgendaItemFactory(meeting=meeting, title="Hyper-V clusters", position=0)
    assert client.login(email="organizer@example.org", password=PASSWORD)
    return meeting


def _open_form(client, meeting):
    """Return what pressing Save on the meeting's change page would post, as the page is now."""
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert page.status_code == 200
    return without_templates(read_form(page.content.decode(), "meeting_form"))


def _save(client, meeting, form, **changes):
    data = {**form, **{name: [value] for name, value in changes.items()}}
    return client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data, follow=True)


def test_admin_meeting_form_opened_and_saved_changes_what_was_typed(client, meeting):
    form = _open_form(client, meeting)
    response = _save(client, meeting, form, title="Hyper-V at scale", **{"agenda_items-0-title": "Clusters"})
    assert "was changed successfully" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Hyper-V at scale"
    assert meeting.agenda_items.get().title == "Clusters"


@pytest.mark.parametrize(
    "elsewhere", [{"guest_count": 7}, {"capacity": 12}, {"status": Meeting.Status.DRAFT}]
)
def test_admin_stale_meeting_form_is_refused_and_keeps_the_other_change(client, meeting, elsewhere):
    meeting.rsvps.all().delete()  # so going back to draft is allowed elsewhere
    form = _open_form(client, meeting)
    # Meanwhile a volunteer at the door, or another organizer, changes the meeting.
    meeting_update(meeting=Meeting.objects.get(pk=meeting.pk), changes=elsewhere)

    response = _save(
        client, meeting, form, title="Typed on a stale page", **{"agenda_items-0-title": "Stale talk"}
    )
    html = response.content.decode()
    assert "was changed successfully" not in html
    assert "Someone else changed this meeting while you were editing it" in html
    meeting.refresh_from_db()
    field, value = next(iter(elsewhere.items()))
    assert getattr(meeting, field) == value
    assert meeting.title == "Hyper-V in production"
    assert AgendaItem.objects.get(meeting=meeting).title == "Hyper-V clusters"


def test_admin_meeting_form_without_its_version_is_refused(client, meeting):
    form = _open_form(client, meeting)
    form.pop("edit_version")
    response = _save(client, meeting, form, title="No version")
    assert "Someone else changed this meeting while you were editing it" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Hyper-V in production"


def test_admin_unpublishing_a_meeting_people_are_going_to_is_refused(client, meeting):
    assert meeting.rsvps.filter(status=RSVP.Status.GOING).exists()
    form = _open_form(client, meeting)
    response = _save(client, meeting, form, status="draft", **{"agenda_items-0-title": "Changed talk"})
    html = response.content.decode()
    assert "was changed successfully" not in html
    assert "People are going or on the waitlist: cancel the meeting instead" in html
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    # A refused change saves nothing: not the agenda beside it either.
    assert AgendaItem.objects.get(meeting=meeting).title == "Hyper-V clusters"


def test_admin_unpublishing_a_meeting_with_only_waitlisted_people_is_refused(client, meeting):
    meeting.rsvps.update(status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    form = _open_form(client, meeting)
    response = _save(client, meeting, form, status="draft")
    assert "cancel the meeting instead" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_admin_unpublishing_a_meeting_nobody_answered_goes_back_to_draft(client, meeting):
    meeting.rsvps.update(status=RSVP.Status.NOT_GOING)
    RSVPFactory(meeting=meeting, status=RSVP.Status.NOT_GOING)
    form = _open_form(client, meeting)
    response = _save(client, meeting, form, status="draft")
    assert "was changed successfully" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_meeting_update_refuses_unpublishing_with_people_going(meeting):
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, changes={"status": Meeting.Status.DRAFT})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_admin_form_of_a_meeting_cancelled_meanwhile_is_refused(client, meeting):
    form = _open_form(client, meeting)
    meeting_cancel(meeting=Meeting.objects.get(pk=meeting.pk))
    response = _save(client, meeting, form, title="Typed before the cancellation")
    html = response.content.decode()
    assert "was changed successfully" not in html
    assert "Someone else changed this meeting while you were editing it" in html
    meeting.refresh_from_db()
    assert (meeting.status, meeting.title) == (Meeting.Status.CANCELLED, "Hyper-V in production")


def test_admin_cancelled_meeting_page_saved_as_it_is_reports_no_conflict(client, meeting):
    meeting_cancel(meeting=meeting)
    form = _open_form(client, meeting)
    response = _save(client, meeting, form)
    html = response.content.decode()
    assert "Someone else changed this meeting" not in html
    assert "was changed successfully" in html
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
