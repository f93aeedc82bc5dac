import pytest
from django.urls import reverse

from meetings.models import RSVP
from tests.factories import ChapterFactory, MeetingFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def test_anonymous_chapter_page_comes_from_cache(client, django_assert_num_queries):
    chapter = ChapterFactory()
    MeetingFactory(chapter=chapter)
    first = client.get(chapter.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(chapter.get_absolute_url())
    assert again.content == first.content


def test_rsvp_change_invalidates_cached_meeting_page(client):
    meeting = MeetingFactory(capacity=10)
    assert "10 spots left" in client.get(meeting.get_absolute_url()).content.decode()
    RSVPFactory(meeting=meeting, status=RSVP.Status.GOING)
    assert "9 spots left" in client.get(meeting.get_absolute_url()).content.decode()


def test_admin_edit_invalidates_cached_home(client):
    meeting = MeetingFactory(title="Before the edit")
    assert "Before the edit" in client.get("/").content.decode()
    meeting.title = "After the edit"
    meeting.save()
    page = client.get("/").content.decode()
    assert "After the edit" in page and "Before the edit" not in page


def test_cache_is_per_language(client):
    chapter = ChapterFactory()
    english = client.get(chapter.get_absolute_url()).content.decode()
    french = client.get("/fr" + chapter.get_absolute_url()).content.decode()
    assert 'lang="en"' in english and 'lang="fr"' in french


def test_logged_in_pages_are_not_shared(client, verified_member):
    chapter = ChapterFactory()
    client.get(chapter.get_absolute_url())
    client.force_login(verified_member)
    page = client.get(chapter.get_absolute_url()).content.decode()
    assert "Join this chapter" in page and "Log in to join" not in page
    client.logout()
    assert "Log in to join" in client.get(reverse("chapters:detail", args=[chapter.slug])).content.decode()
