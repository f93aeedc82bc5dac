import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from meetings.models import RSVP, Meeting
from members.models import Membership
from tests.factories import (
    AgendaItemFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def rsvp_url(meeting):
    return reverse("meetings:rsvp", kwargs={"slug": meeting.chapter.slug, "pk": meeting.pk})


def text(response):
    return response.content.decode()


def test_meeting_page_shows_agenda_venue_topics_and_local_time(client):
    meeting = MeetingFactory(
        title="Hyper-V night",
        starts_at=datetime.datetime(2030, 3, 12, 22, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 3, 13, 1, 0, tzinfo=datetime.UTC),
        venue__accessibility_notes="Step-free entrance on King Street",
        venue__map_url="https://maps.example.org/venue",
    )
    AgendaItemFactory(
        meeting=meeting, title="PowerShell Snack", kind="short", duration_minutes=15, speaker="Dana Example"
    )
    meeting.topics.add(TopicFactory(name="Virtualization", slug="virtualization"))
    page = text(client.get(meeting.get_absolute_url()))
    assert "Hyper-V night" in page
    assert "PowerShell Snack" in page and "Short session" in page and "15 minutes" in page
    assert "Dana Example" in page
    assert "Step-free entrance on King Street" in page
    assert "https://maps.example.org/venue" in page
    assert "Virtualization" in page
    # 22:00 UTC in March 2030 is 6 p.m. in Toronto (daylight time).
    assert "6 p.m." in page and "EDT" in page


def test_meeting_page_in_french_uses_french_dates(client):
    meeting = MeetingFactory(
        starts_at=datetime.datetime(2030, 3, 12, 22, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 3, 13, 1, 0, tzinfo=datetime.UTC),
    )
    page = text(client.get("/fr" + meeting.get_absolute_url()))
    assert "mardi 12 mars 2030" in page
    assert "18:00" in page
    assert 'lang="fr"' in page


def test_draft_meeting_is_hidden_from_public_and_shown_to_its_organizer(client):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    organizer = ChapterRoleFactory(chapter=meeting.chapter).user
    client.force_login(organizer)
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_missing_meeting_and_wrong_chapter_are_404(client):
    meeting = MeetingFactory()
    other = MeetingFactory()
    assert client.get(f"/chapters/{meeting.chapter.slug}/meetings/999999/").status_code == 404
    assert client.get(f"/chapters/{other.chapter.slug}/meetings/{meeting.pk}/").status_code == 404


def test_online_link_only_for_members_going(member_client):
    meeting = MeetingFactory(format=Meeting.Format.ONLINE, online_url="https://meet.example.org/secret-room")
    assert "secret-room" not in text(member_client.get(meeting.get_absolute_url()))
    RSVPFactory(meeting=meeting, member=member_client.member, status=RSVP.Status.GOING)
    assert "secret-room" in text(member_client.get(meeting.get_absolute_url()))


def test_rsvp_going_through_page_counts_down_spots(member_client, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(capacity=10)
    RSVPFactory(meeting=meeting)
    assert "9 spots left" in text(member_client.get(meeting.get_absolute_url()))
    # The page's shared parts are kept until a change commits (the test's transaction never does).
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(rsvp_url(meeting), {"answer": "going"})
    page = text(member_client.get(meeting.get_absolute_url()))
    assert "You are going" in page
    assert "8 spots left" in page
    assert Membership.objects.filter(member=member_client.member, chapter=meeting.chapter).exists()


def test_rsvp_to_full_meeting_shows_waitlist_position(member_client):
    meeting = MeetingFactory(capacity=1)
    RSVPFactory(meeting=meeting)
    RSVPFactory(meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    page = text(member_client.post(rsvp_url(meeting), {"answer": "going"}, follow=True))
    assert "number 2 on the waitlist" in page


def test_rsvp_cancel_through_page_promotes_waitlisted(member_client):
    meeting = MeetingFactory(capacity=1)
    RSVPFactory(meeting=meeting, member=member_client.member)
    waiting = RSVPFactory(meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    member_client.post(rsvp_url(meeting), {"answer": "not_going"})
    waiting.refresh_from_db()
    assert waiting.status == RSVP.Status.GOING


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Meeting.Status.CANCELLED}, "has been cancelled"),
        (
            {
                "starts_at": timezone.now() - datetime.timedelta(days=3),
                "ends_at": timezone.now() - datetime.timedelta(days=3, hours=-2),
            },
            "already started",
        ),
        (
            {"rsvp_closes_at": timezone.now() - datetime.timedelta(hours=1)},
            "RSVPs for this meeting are closed",
        ),
        ({"rsvp_opens_at": timezone.now() + datetime.timedelta(days=1)}, "not open yet"),
    ],
)
def test_rsvp_refused_shows_reason_and_changes_nothing(member_client, changes, message):
    meeting = MeetingFactory(**changes)
    response = member_client.post(rsvp_url(meeting), {"answer": "going"}, follow=True)
    assert response.status_code == 200
    assert message in text(response)
    assert not RSVP.objects.filter(meeting=meeting).exists()


def test_rsvp_to_draft_meeting_is_404(member_client):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    assert member_client.post(rsvp_url(meeting), {"answer": "going"}).status_code == 404
    assert not RSVP.objects.exists()


def test_rsvp_to_missing_meeting_is_404(member_client):
    meeting = MeetingFactory()
    response = member_client.post(
        f"/chapters/{meeting.chapter.slug}/meetings/424242/rsvp/", {"answer": "going"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("answer", ["", "maybe", "x" * 5000, "going\x00"])
def test_rsvp_malformed_answer_changes_nothing(member_client, answer):
    meeting = MeetingFactory()
    response = member_client.post(rsvp_url(meeting), {"answer": answer}, follow=True)
    assert response.status_code == 200
    assert "Choose “Going” or “Not going”" in text(response)
    assert not RSVP.objects.exists()


def test_rsvp_from_unverified_account_refused(client):
    member = MemberFactory()
    EmailAddress.objects.create(user=member, email=member.email, verified=False, primary=True)
    client.force_login(member)
    meeting = MeetingFactory()
    response = client.post(rsvp_url(meeting), {"answer": "going"}, follow=True)
    assert "confirm your email address" in text(response)
    assert not RSVP.objects.exists()


def test_rsvp_anonymous_is_sent_to_login(client):
    meeting = MeetingFactory()
    response = client.post(rsvp_url(meeting), {"answer": "going"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not RSVP.objects.exists()


def test_rsvp_get_goes_back_to_meeting(member_client):
    meeting = MeetingFactory()
    response = member_client.get(rsvp_url(meeting))
    assert response.status_code == 302
    assert not RSVP.objects.exists()


def test_rsvp_repeated_post_keeps_one_rsvp(member_client):
    meeting = MeetingFactory()
    for _ in range(3):
        member_client.post(rsvp_url(meeting), {"answer": "going"})
    assert RSVP.objects.filter(meeting=meeting).count() == 1


def test_rsvp_without_csrf_token_is_refused(verified_member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(verified_member)
    meeting = MeetingFactory()
    response = client.post(rsvp_url(meeting), {"answer": "going"})
    assert response.status_code == 403
    assert "That form had expired" in text(response)
    assert not RSVP.objects.exists()


def test_attendee_list_shows_only_members_who_agreed(client):
    meeting = MeetingFactory()
    RSVPFactory(
        meeting=meeting, member=MemberFactory(display_name="Listed Lee", show_name_on_attendee_lists=True)
    )
    RSVPFactory(meeting=meeting, member=MemberFactory(display_name="Private Pat", email="pat@example.org"))
    page = text(client.get(meeting.get_absolute_url()))
    assert "Listed Lee" in page
    assert "Private Pat" not in page
    assert "pat@example.org" not in page
    assert "2 going" in page


def test_door_checkin_link_only_for_chapter_volunteers(client):
    meeting = MeetingFactory()
    volunteer = ChapterRoleFactory(chapter=meeting.chapter, role="volunteer").user
    checkin_url = reverse("checkin:meeting", args=[meeting.pk])
    assert checkin_url not in text(client.get(meeting.get_absolute_url()))
    client.force_login(MemberFactory())
    assert checkin_url not in text(client.get(meeting.get_absolute_url()))
    client.force_login(volunteer)
    assert checkin_url in text(client.get(meeting.get_absolute_url()))


def test_topic_page_lists_meetings_across_chapters(client):
    topic = TopicFactory(name="PowerShell", slug="powershell")
    first, second = MeetingFactory(title="Snacks in Toronto"), MeetingFactory(title="Scripts in Ottawa")
    MeetingFactory(title="Unrelated evening")
    for meeting in (first, second):
        meeting.topics.add(topic)
    page = text(client.get(reverse("meetings:topic", args=["powershell"])))
    assert "Snacks in Toronto" in page and "Scripts in Ottawa" in page
    assert "Unrelated evening" not in page
    assert client.get(reverse("meetings:topic", args=["no-such-topic"])).status_code == 404
