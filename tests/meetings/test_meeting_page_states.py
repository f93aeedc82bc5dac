"""The meeting page by state: upcoming, full, past and cancelled each show what a member needs."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from meetings.models import RSVP, Meeting
from speakers.models import SpeakerProfile
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_page_cache():
    cache.clear()


def page(client, meeting, prefix=""):
    response = client.get(prefix + meeting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def past_meeting(**kwargs):
    start = timezone.now() - datetime.timedelta(days=7)
    return MeetingFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=3), **kwargs)


def links(meeting):
    slug, pk = meeting.chapter.slug, meeting.pk
    return {
        "rsvp": reverse("meetings:rsvp", kwargs={"slug": slug, "pk": pk}),
        "ics": reverse("meetings:ics", kwargs={"slug": slug, "pk": pk}),
        "checkin": f"/checkin/{pk}/",
    }


def test_past_meeting_page_shows_attendance_slides_and_next_meeting_without_rsvp_or_calendar(client):
    meeting = past_meeting(guest_count=2)
    AgendaItemFactory(
        meeting=meeting, title="Hyper-V replicas", resources_url="https://slides.example.org/hv"
    )
    for _n in range(3):
        RSVPFactory(meeting=meeting, checked_in_at=timezone.now())
    upcoming = MeetingFactory(chapter=meeting.chapter, title="Next month")
    html = page(client, meeting)
    assert "Held on" in html
    assert "5 attended" in html  # three checked in, two walk-in guests
    assert "https://slides.example.org/hv" in html
    assert upcoming.get_absolute_url() in html and "See the next meeting" in html
    assert links(meeting)["ics"] not in html
    assert "Add to your calendar" not in html and "Google Calendar" not in html
    assert "Log in to RSVP" not in html and "spots left" not in html


def test_past_meeting_page_for_a_member_has_no_rsvp_form(client, verified_member):
    meeting = past_meeting()
    client.force_login(verified_member)
    html = page(client, meeting)
    assert links(meeting)["rsvp"] not in html
    assert "I’m going" not in html


def test_cancelled_meeting_page_shows_reason_and_no_rsvp_calendar_or_checkin(client):
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED, cancellation_reason="The venue flooded.")
    organizer = ChapterRoleFactory(chapter=meeting.chapter).user
    client.force_login(organizer)
    html = page(client, meeting)
    assert "This meeting was cancelled." in html and "The venue flooded." in html
    for name, url in links(meeting).items():
        assert url not in html, name
    assert "Add to your calendar" not in html and "Door check-in" not in html


def test_upcoming_meeting_page_offers_rsvp_calendar_and_seats(client, verified_member):
    meeting = MeetingFactory(capacity=10)
    RSVPFactory(meeting=meeting)
    client.force_login(verified_member)
    html = page(client, meeting)
    assert "1 going" in html and "9 spots left" in html
    assert links(meeting)["rsvp"] in html and links(meeting)["ics"] in html
    assert "I’m going" in html


def test_full_meeting_page_offers_the_waitlist_and_shows_your_place(client, verified_member):
    meeting = MeetingFactory(capacity=1)
    RSVPFactory(meeting=meeting)
    first = RSVPFactory(meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    assert first.pk
    RSVPFactory(
        meeting=meeting,
        member=verified_member,
        status=RSVP.Status.WAITLISTED,
        waitlisted_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    client.force_login(verified_member)
    html = page(client, meeting)
    assert "Full · join the waitlist" in html
    assert "You are number 2 on the waitlist." in html
    assert "Leave the waitlist" in html


def test_full_meeting_page_for_a_new_member_offers_to_join_the_waitlist(client, verified_member):
    meeting = MeetingFactory(capacity=1)
    RSVPFactory(meeting=meeting)
    client.force_login(verified_member)
    html = page(client, meeting)
    assert "Join the waitlist" in html and "I’m going" not in html


def test_meeting_page_agenda_has_clock_times_in_the_chapters_zone_and_speaker_bios(client):
    chapter = ChapterFactory(time_zone="America/Halifax")
    start = datetime.datetime(2031, 1, 14, 22, 0, tzinfo=datetime.UTC)  # 18:00 in Halifax (AST)
    meeting = MeetingFactory(chapter=chapter, starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    AgendaItemFactory(meeting=meeting, position=1, title="Opening", duration_minutes=15, speaker="")
    AgendaItemFactory(
        meeting=meeting,
        position=2,
        title="Storage Spaces",
        speaker="Robin Example",
        speaker_bio="Robin runs **storage** at a hospital.",
        description="What broke and why.",
    )
    html = page(client, meeting, prefix="/fr")
    assert "18:00" in html and "18:15" in html
    assert "<strong>storage</strong>" in html and "What broke and why." in html


def test_meeting_page_names_its_host_and_does_not_repeat_the_city(client):
    chapter = ChapterFactory(name="MITPro", city="Montréal")
    ChapterRoleFactory(chapter=chapter, user__display_name="Mireille Organizer")
    venue = VenueFactory(chapter=chapter, address="1000 rue Sherbrooke Ouest\nMontréal, QC H3A 3G4")
    meeting = MeetingFactory(chapter=chapter, venue=venue)
    html = page(client, meeting)
    assert "Hosted by Mireille Organizer for MITPro" in html
    address = html.split("<address", 1)[1].split("</address>", 1)[0]
    assert address.count("Montréal") == 1
    assert "https://www.openstreetmap.org/search?query=" in html


def test_meeting_page_shows_french_title_and_description_to_french_readers(client):
    meeting = MeetingFactory(
        title="PowerShell night",
        title_fr="Soirée PowerShell",
        description="Bring a laptop.",
        description_fr="Apportez un portable.",
    )
    english, french = page(client, meeting), page(client, meeting, prefix="/fr")
    assert "Soirée PowerShell" in french and "Apportez un portable." in french
    assert "PowerShell night" in english and "Bring a laptop." in english
    assert "Soirée PowerShell" not in english


def test_meeting_page_falls_back_to_the_other_language(client):
    meeting = MeetingFactory(title="Hyper-V night", description="", description_fr="Seulement en français.")
    assert "Hyper-V night" in page(client, meeting, prefix="/fr")
    assert "Seulement en français." in page(client, meeting)


def test_meeting_page_lists_who_is_going_with_initials_only_when_they_agreed(client):
    meeting = MeetingFactory()
    RSVPFactory(
        meeting=meeting, member=MemberFactory(display_name="Ada Lovelace", show_name_on_attendee_lists=True)
    )
    RSVPFactory(meeting=meeting, member=MemberFactory(display_name="Hidden Person"))
    html = page(client, meeting)
    assert "Ada Lovelace" in html and ">AL<" in html
    assert "Hidden Person" not in html


def test_who_is_going_shows_the_photo_of_a_member_whose_speaker_profile_is_public(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = MeetingFactory()
    shown = MemberFactory(display_name="Avery Speaker", show_name_on_attendee_lists=True)
    private = MemberFactory(display_name="Blake Private", show_name_on_attendee_lists=True)
    for member, public in ((shown, True), (private, False)):
        SpeakerProfile.objects.create(
            member=member,
            slug=member.display_name.split()[0].lower(),
            is_public=public,
            public_consent_at=timezone.now() if public else None,
            photo=_photo(),
        )
        RSVPFactory(meeting=meeting, member=member)
    html = page(client, meeting)
    attendees = html.split('id="attendees-heading"', 1)[1].split("</section>", 1)[0]
    avery, blake = attendees.split("Avery Speaker", 1)[0], attendees.split("Avery Speaker", 1)[1]
    assert "<img" in avery and 'width="40"' in avery and 'alt=""' in avery
    assert "<img" not in blake and ">BP<" in blake


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), (10, 120, 90)).save(buffer, "PNG")
    return SimpleUploadedFile("face.png", buffer.getvalue())
