"""Logged-in pages keep what every reader sees alike, and draw each reader's own part afresh.

Each test reads a page once so its shared parts are kept, then reads it as someone else (or after a
change) and checks what that reader must see.
"""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from chapters.models import Chapter
from meetings.models import RSVP, Meeting
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
)

pytestmark = pytest.mark.django_db


def _client_for(member):
    EmailAddress.objects.get_or_create(user=member, email=member.email, verified=True, primary=True)
    client = Client()
    client.force_login(member)
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_each_member_sees_their_own_answer_beside_the_shared_agenda():
    meeting = MeetingFactory(capacity=10)
    AgendaItemFactory(meeting=meeting, title="Storage Spaces Direct in practice")
    going, other = MemberFactory(), MemberFactory()
    RSVPFactory(meeting=meeting, member=going, status=RSVP.Status.GOING)

    first = _page(_client_for(going), meeting.get_absolute_url())
    second = _page(_client_for(other), meeting.get_absolute_url())
    anonymous = _page(Client(), meeting.get_absolute_url())

    assert "You are going." in first
    assert "I can’t come after all" in first
    for page in (second, anonymous):
        assert "Storage Spaces Direct in practice" in page
        assert "You are going." not in page
    assert "I’m going" in second
    assert "Log in to RSVP" in anonymous
    # The CSRF token in a member's RSVP form is their own, never a kept one.
    assert first.count("csrfmiddlewaretoken") and second.count("csrfmiddlewaretoken")


def test_shared_parts_are_kept_per_language():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting)
    client = _client_for(MemberFactory())
    english = _page(client, meeting.get_absolute_url())
    french = _page(client, "/fr" + meeting.get_absolute_url())
    assert ">Agenda</h2>" in english
    assert ">Programme</h2>" in french
    assert ">Agenda</h2>" not in french


def test_a_committed_change_shows_to_a_member_on_their_next_visit(django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Old title")
    client = _client_for(MemberFactory())
    assert "Old title" in _page(client, meeting.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        item.title = "Windows Admin Center, one year on"
        item.save()
    page = _page(client, meeting.get_absolute_url())
    assert "Windows Admin Center, one year on" in page
    assert "Old title" not in page


def test_a_kept_draft_stays_hidden_from_members_who_do_not_organize_it():
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    organizer = ChapterRoleFactory(chapter=meeting.chapter, role="organizer").user
    assert "Draft: only organizers see this page" in _page(_client_for(organizer), meeting.get_absolute_url())
    assert _client_for(MemberFactory()).get(meeting.get_absolute_url()).status_code == 404
    assert Client().get(meeting.get_absolute_url()).status_code == 404


def test_a_kept_meeting_is_not_found_under_another_chapters_address():
    meeting = MeetingFactory()
    client = _client_for(MemberFactory())
    _page(client, meeting.get_absolute_url())
    elsewhere = ChapterFactory()
    assert client.get(f"/chapters/{elsewhere.slug}/meetings/{meeting.pk}/").status_code == 404


def test_chapter_page_keeps_the_lists_and_draws_each_members_membership_box():
    chapter = ChapterFactory(status=Chapter.Status.ACTIVE)
    MeetingFactory(chapter=chapter, title="Azure Arc for the datacenter")
    member, visitor = MemberFactory(), MemberFactory()
    member_client = _client_for(member)
    member_client.post(f"/chapters/{chapter.slug}/join/", {"newsletter": ""})
    mine = _page(member_client, chapter.get_absolute_url())
    theirs = _page(_client_for(visitor), chapter.get_absolute_url())
    assert "You are a member." in mine
    assert "You are a member." not in theirs
    assert "Join this chapter" in theirs
    assert "Azure Arc for the datacenter" in mine and "Azure Arc for the datacenter" in theirs


def test_past_meetings_pages_are_kept_apart():
    chapter = ChapterFactory(status=Chapter.Status.ACTIVE)
    now = timezone.now()
    for n in range(15):
        start = now - datetime.timedelta(days=30 * (n + 1))
        MeetingFactory(
            chapter=chapter,
            title=f"Past meeting {n:02d}",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
    client = _client_for(MemberFactory())
    first = _page(client, chapter.get_absolute_url())
    second = _page(client, chapter.get_absolute_url() + "?page=2")
    not_a_number = _page(client, chapter.get_absolute_url() + "?page=two")
    assert "Past meeting 00" in first and "Past meeting 00" not in second
    assert "Past meeting 14" in second and "Past meeting 14" not in first
    assert "Past meeting 00" in not_a_number


def test_home_keeps_each_filter_apart_and_each_members_groups_apart():
    toronto = ChapterFactory(status=Chapter.Status.ACTIVE, name="IT Pro Toronto", slug="it-pro-toronto")
    ottawa = ChapterFactory(status=Chapter.Status.ACTIVE, name="OPCUG IT Pro SIG", slug="opcug")
    MeetingFactory(chapter=toronto, title="Toronto: Intune deep dive")
    MeetingFactory(chapter=ottawa, title="Ottawa: SCCM to Intune")
    member = MemberFactory()
    client = _client_for(member)
    client.post(f"/chapters/{toronto.slug}/join/", {"newsletter": ""})
    everything = _page(client, "/")
    ottawa_only = _page(client, "/?chapter=opcug")
    visitor = _page(_client_for(MemberFactory()), "/?chapter=opcug")
    assert "Toronto: Intune deep dive" in everything and "Ottawa: SCCM to Intune" in everything
    assert "Toronto: Intune deep dive" not in ottawa_only
    assert "Ottawa: SCCM to Intune" in ottawa_only
    assert "You have not joined a chapter yet" not in ottawa_only
    assert "You have not joined a chapter yet" in visitor
