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


def test_rsvp_change_invalidates_cached_meeting_page(client, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(capacity=10)
    assert "10 spots left" in client.get(meeting.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        RSVPFactory(meeting=meeting, status=RSVP.Status.GOING)
    assert "9 spots left" in client.get(meeting.get_absolute_url()).content.decode()


def test_admin_edit_invalidates_cached_home(client, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(title="Before the edit")
    assert "Before the edit" in client.get("/").content.decode()
    meeting.title = "After the edit"
    with django_capture_on_commit_callbacks(execute=True):
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


def _me(client):
    return client.get(reverse("members:me")).content.decode()


def test_members_page_is_cached_for_that_member_alone(client, member_client, django_assert_num_queries):
    from django.test import Client

    from tests.factories import MemberFactory

    meeting = MeetingFactory(title="Storage Spaces Direct")
    RSVPFactory(meeting=meeting, member=member_client.member)
    _me(member_client)  # sets the CSRF cookie its log-out form needs
    first = _me(member_client)
    # Served again from the session alone (kept in the cache): no query at all.
    with django_assert_num_queries(0):
        assert _me(member_client) == first
    other = Client()
    other.force_login(MemberFactory(display_name="Someone Else"))
    page = _me(other)
    assert "Someone Else" in page and "Storage Spaces Direct" not in page


def test_members_page_shows_a_new_rsvp_at_once(member_client, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(title="Windows Server 2025 in-place upgrades")
    assert "Windows Server 2025" not in _me(member_client)
    with django_capture_on_commit_callbacks(execute=True):
        RSVPFactory(meeting=meeting, member=member_client.member)
    assert "Windows Server 2025" in _me(member_client)


def test_members_page_shows_a_pending_message_once_and_not_from_cache(member_client):
    meeting = MeetingFactory()
    _me(member_client)
    # A refused RSVP leaves a message and changes no data.
    member_client.post(reverse("meetings:rsvp", args=[meeting.chapter.slug, meeting.pk]), {"answer": "maybe"})
    assert "Choose “Going” or “Not going”." in _me(member_client)
    assert "Choose “Going” or “Not going”." not in _me(member_client)


def test_log_out_works_from_a_cached_members_page(verified_member):
    import re

    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(verified_member)
    browser.get(reverse("chapters:home"))  # a page that sets the CSRF cookie, as a visit would
    _me(browser)
    cached = _me(browser)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached).group(1)
    response = browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in browser.session


def test_cached_public_page_keeps_its_security_and_language_headers(client):
    french_page = "/fr" + ChapterFactory().get_absolute_url()
    first = client.get(french_page)
    again = client.get(french_page)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Content-Type"):
        assert again[header] == first[header], header
    assert again["Content-Language"] == "fr"
    assert again.content == first.content


def test_a_change_not_yet_committed_leaves_cached_pages_alone(client, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(title="Before the edit")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        meeting.title = "After the edit"
        meeting.save()
        # Other requests still read the old row until the commit: the cached page is still right.
        assert "Before the edit" in client.get("/").content.decode()
    assert "After the edit" in client.get("/").content.decode()


def test_new_code_does_not_read_pages_cached_by_the_previous_release(settings, tmp_path):
    from itprosig import release

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "home.html"
    page.write_text("<h1>Chapters</h1>")
    settings.BASE_DIR = tmp_path
    release.fingerprint.cache_clear()
    try:
        before = release.fingerprint()
        page.write_text("<h1>Find a chapter</h1>")
        release.fingerprint.cache_clear()
        assert release.fingerprint() != before
    finally:
        release.fingerprint.cache_clear()


def test_pages_that_are_never_cached_cost_no_cache_lookup(client, monkeypatch):
    from django.core.cache import cache

    lookups = []
    real_get_many = cache.get_many
    monkeypatch.setattr(
        cache, "get_many", lambda keys, **kw: lookups.append(keys) or real_get_many(keys, **kw)
    )
    for _ in range(3):
        assert client.get(reverse("account_login")).status_code == 200
    assert lookups == []
    chapter_page = ChapterFactory().get_absolute_url()
    for _ in range(3):
        client.get(chapter_page)
    # The first answer teaches the process the address; later visits are looked up.
    page_lookups = [keys for keys in lookups if any(key.startswith("itprosig:page:") for key in keys)]
    assert len(page_lookups) == 2


def test_a_cached_members_page_is_not_served_after_log_out_or_deactivation(
    member_client, django_capture_on_commit_callbacks
):
    _me(member_client)
    _me(member_client)
    session_cookie = member_client.cookies["sessionid"].value
    member_client.logout()
    # Even with the old session cookie sent again, the page is gone with the session.
    member_client.cookies["sessionid"] = session_cookie
    assert member_client.get(reverse("members:me")).status_code == 302
    member_client.force_login(member_client.member)
    _me(member_client)
    _me(member_client)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.member.is_active = False
        member_client.member.save()
    assert member_client.get(reverse("members:me")).status_code == 302


def test_cached_page_refuses_a_host_that_is_not_allowed(client):
    chapter_page = ChapterFactory().get_absolute_url()
    assert client.get(chapter_page).status_code == 200
    assert client.get(chapter_page).status_code == 200  # now answered from the cache
    response = client.get(chapter_page, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


def test_unknown_query_parameters_are_answered_from_the_cached_page(client, django_assert_num_queries):
    chapter_page = ChapterFactory().get_absolute_url()
    first = client.get(chapter_page)
    # Campaign tags and cache-busters the page does not read get the page already kept.
    for tag in ("utm_source=newsletter", "utm=8f3a1c", "utm=d41d8c&fbclid=xyz"):
        with django_assert_num_queries(0):
            again = client.get(f"{chapter_page}?{tag}")
        assert again.status_code == 200 and again.content == first.content


def test_random_query_strings_do_not_fill_the_cache(client, monkeypatch):
    from django.core.cache import cache

    chapter_page = ChapterFactory().get_absolute_url()
    client.get(chapter_page)
    stored = []
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, *a, **kw: stored.append(key) or real_set(key, *a, **kw))
    for number in range(20):
        for query in (f"utm={number}", f"page=1{number}x", f"page={10**9 + number}", f"page=2&page={number}"):
            assert client.get(f"{chapter_page}?{query}").status_code == 200
    assert [key for key in stored if key.startswith("itprosig:page:")] == []


def test_pages_of_past_meetings_are_kept_apart(client, django_assert_num_queries):
    import datetime

    from django.utils import timezone

    chapter = ChapterFactory()
    start = timezone.now() - datetime.timedelta(days=400)
    for week in range(13):
        MeetingFactory(
            chapter=chapter,
            title=f"Past meeting number {week:02d}",
            starts_at=start + datetime.timedelta(weeks=week),
            ends_at=start + datetime.timedelta(weeks=week, hours=2),
        )
    first = client.get(chapter.get_absolute_url()).content
    second = client.get(f"{chapter.get_absolute_url()}?page=2").content
    assert first != second
    with django_assert_num_queries(0):
        assert client.get(f"{chapter.get_absolute_url()}?page=2&utm=x").content == second
        assert client.get(f"{chapter.get_absolute_url()}?utm=y").content == first
