"""The chapter report is served from the cache until the data it shows changes, and only to its scope.

Each test reads a report once (which stores it), checks that a second read is served from the cache
without building the report again, changes one thing the report shows and checks the next read
shows the change. Every read by a liaison is still logged, cached or not.
"""

import datetime
import zoneinfo

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.checkin.services import meeting_guests_adjust, rsvp_check_in
from meetings.models import ReportAccessLog
from meetings.reports import views as views_reports
from members.services import member_profile_update
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    SponsorLiaisonFactory,
    SponsorshipFactory,
)

pytestmark = pytest.mark.django_db
TORONTO = zoneinfo.ZoneInfo("America/Toronto")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Commit a change as production does: reports are retired when the change commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def builds(monkeypatch):
    """Count how many times a chapter report is built (a cache miss)."""
    calls = []
    real = views_reports.chapter_report

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(views_reports, "chapter_report", counting)
    return calls


def _url(chapter, first=None, last=None, prefix=""):
    url = f"{prefix}/reports/chapters/{chapter.slug}/"
    assert reverse("reports:chapter", kwargs={"slug": chapter.slug}).endswith(url.removeprefix("/fr"))
    return url + (f"?from={first}&to={last}" if first else "")


def _figure(page, name):
    return page.split(f'data-figure="{name}">', 1)[1].split("<", 1)[0]


def _read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


def _read_twice(client, url, builds):
    """Read the report twice; the second read must come from the cache."""
    first = _read(client, url)
    built = len(builds)
    second = _read(client, url)
    assert len(builds) == built, "the second read built the report again"
    assert second.split("<main", 1)[1] == first.split("<main", 1)[1]
    return second


def test_check_in_and_guests_show_at_once(client, chapter, tonight, organizer, builds, committed):
    rsvp = RSVPFactory(meeting=tonight)
    client.force_login(organizer)
    page = _read_twice(client, _url(chapter), builds)
    assert _figure(page, "attendance") == "0"

    with committed():
        rsvp_check_in(rsvp=rsvp, by=organizer)
    assert _figure(_read(client, _url(chapter)), "attendance") == "1"

    with committed():
        meeting_guests_adjust(meeting=tonight, delta=3, by=organizer)
    assert _figure(_read_twice(client, _url(chapter), builds), "attendance") == "4"


def test_new_rsvp_and_renamed_meeting_show_at_once(client, chapter, tonight, organizer, builds, committed):
    client.force_login(organizer)
    assert _figure(_read_twice(client, _url(chapter), builds), "rsvps") == "0"

    with committed():
        RSVPFactory(meeting=tonight)
    assert _figure(_read(client, _url(chapter)), "rsvps") == "1"

    tonight.title = "Renamed at the last minute"
    with committed():
        tonight.save()
    assert "Renamed at the last minute" in _read(client, _url(chapter))


def test_other_chapters_data_leaves_the_report_cached(
    client, chapter, other_chapter, tonight, organizer, builds, committed
):
    client.force_login(organizer)
    _read(client, _url(chapter))
    built = len(builds)
    with committed():
        RSVPFactory(meeting=MeetingFactory(chapter=other_chapter, starts_at=tonight.starts_at))
    _read(client, _url(chapter))
    assert len(builds) == built


def test_consent_change_shows_at_once(client, chapter, tonight, builds, committed):
    SponsorshipFactory(chapter=chapter, starts_on=datetime.date(2020, 1, 1))
    liaison = SponsorLiaisonFactory(sponsor=chapter.sponsorships.get().sponsor).user
    member = MemberFactory(display_name="Connie Consent", email="connie@example.org")
    RSVPFactory(meeting=tonight, member=member, checked_in_at=tonight.starts_at)
    client.force_login(liaison)
    page = _read_twice(client, _url(chapter), builds)
    assert "Connie" not in page and "connie@example.org" not in page

    with committed():
        member_profile_update(member=member, share_contact_with_sponsors=True)
    page = _read(client, _url(chapter))
    assert "Connie Consent" in page and "connie@example.org" in page

    with committed():
        member_profile_update(member=member, share_contact_with_sponsors=False)
    page = _read(client, _url(chapter))
    assert "Connie" not in page and "connie@example.org" not in page


def test_sponsorship_change_shows_at_once(client, chapter, builds, committed):
    sponsorship = SponsorshipFactory(
        chapter=chapter, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31)
    )
    liaison = SponsorLiaisonFactory(sponsor=sponsorship.sponsor).user
    MeetingFactory(
        chapter=chapter, title="Spring meeting", starts_at=datetime.datetime(2025, 4, 15, 18, tzinfo=TORONTO)
    )
    client.force_login(liaison)
    spring = _url(chapter, "2025-01-01", "2025-06-30")
    assert "Spring meeting" in _read_twice(client, spring, builds)
    assert "Dec. 31, 2025" in _read(client, spring)

    sponsorship.ends_on = datetime.date(2025, 3, 31)
    with committed():
        sponsorship.save()
    assert client.get(spring).status_code == 403
    page = _read(client, _url(chapter, "2025-01-01", "2025-03-31"))
    assert "Spring meeting" not in page and "Dec. 31, 2025" not in page


def test_chapter_change_shows_at_once(client, chapter, tonight, organizer, builds, committed):
    client.force_login(organizer)
    _read_twice(client, _url(chapter), builds)
    chapter.name = "IT Pro GTA"
    with committed():
        chapter.save()
    assert "Attendance at IT Pro GTA" in _read(client, _url(chapter))


def test_a_meeting_that_starts_is_counted_without_any_write(client, chapter, organizer, builds, monkeypatch):
    soon = timezone.now() + datetime.timedelta(hours=1)
    MeetingFactory(chapter=chapter, starts_at=soon, title="Starting soon")
    today = timezone.localdate(timezone=TORONTO)
    url = _url(chapter, today - datetime.timedelta(days=30), today + datetime.timedelta(days=2))
    client.force_login(organizer)
    assert "Starting soon" not in _read_twice(client, url, builds)

    later = soon + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Starting soon" in _read(client, url)


def test_organizer_and_liaison_never_share_a_variant(client, chapter, tonight, organizer):
    SponsorshipFactory(chapter=chapter, starts_on=datetime.date(2020, 1, 1))
    liaison = SponsorLiaisonFactory(sponsor=chapter.sponsorships.get().sponsor).user
    private = MemberFactory(display_name="Percy Private", email="percy.private@example.org")
    RSVPFactory(meeting=tonight, member=private, checked_in_at=tonight.starts_at)
    url = _url(chapter)
    for reader in (organizer, liaison, organizer, liaison):
        client.force_login(reader)
        page = _read(client, url)
        if reader == liaison:
            assert "Percy" not in page and "percy.private" not in page
            assert "You read this report as a sponsor" in page
        else:
            assert "Percy Private" in page and "percy.private@example.org" in page
            assert "You read this report as a sponsor" not in page


def test_liaisons_of_different_sponsorships_never_share_a_variant(client, chapter):
    whole_year = SponsorshipFactory(
        chapter=chapter, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31)
    )
    half_year = SponsorshipFactory(
        chapter=chapter, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 6, 30)
    )
    year_liaison = SponsorLiaisonFactory(sponsor=whole_year.sponsor).user
    half_liaison = SponsorLiaisonFactory(sponsor=half_year.sponsor).user
    url = _url(chapter, "2025-01-01", "2025-06-30")
    for _ in range(2):
        client.force_login(year_liaison)
        page = _read(client, url)
        assert "Dec. 31, 2025" in page and "June 30, 2025, and names" not in page
        client.force_login(half_liaison)
        page = _read(client, url)
        assert "figures from Jan. 1, 2025 to June 30, 2025" in page
        assert "Dec. 31, 2025" not in page


def test_french_and_english_are_cached_apart(client, chapter, tonight, organizer, builds):
    client.force_login(organizer)
    for _ in range(2):
        assert "Attendance at IT Pro Toronto" in _read(client, _url(chapter))
        french = _read(client, _url(chapter, prefix="/fr"))
        assert "Attendance at" not in french and 'lang="fr"' in french
    assert len(builds) == 2


def test_every_read_is_logged_cached_or_not(client, chapter, tonight, builds):
    sponsorship = SponsorshipFactory(chapter=chapter, starts_on=datetime.date(2020, 1, 1))
    liaison = SponsorLiaisonFactory(sponsor=sponsorship.sponsor, user__email="liaison@example.org").user
    client.force_login(liaison)
    for _ in range(3):
        _read(client, _url(chapter))
    assert len(builds) == 1
    logs = ReportAccessLog.objects.filter(chapter=chapter, report="chapter", format="html")
    assert logs.count() == 3
    assert {log.user_email for log in logs} == {"liaison@example.org"}


def test_readers_of_one_variant_share_the_report_but_not_the_page(chapter, tonight, builds, monkeypatch):
    """Two liaisons of one sponsor see the same report, each in their own frame: their own CSRF token."""
    frames = []
    real_render = views_reports.render
    monkeypatch.setattr(views_reports, "render", lambda *a, **k: frames.append(a[1]) or real_render(*a, **k))
    sponsorship = SponsorshipFactory(chapter=chapter, starts_on=datetime.date(2020, 1, 1))
    readers = [SponsorLiaisonFactory(sponsor=sponsorship.sponsor).user for _ in range(2)]
    clients = []
    for reader in readers:
        reader_client = Client(enforce_csrf_checks=True)
        reader_client.force_login(reader)
        for _ in range(3):  # the first read sets the CSRF cookie, the next ones use the stored page
            page = _read(reader_client, _url(chapter))
        clients.append((reader_client, page))
    assert len(builds) == 1
    # Per reader: the first read (no CSRF cookie yet) and the second render the frame, the third not.
    assert frames == ["meetings/reports/chapter.html"] * 4
    tokens = [page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0] for _, page in clients]
    assert tokens[0] != tokens[1]
    for (reader_client, _page), token in zip(clients, reversed(tokens), strict=True):
        assert reader_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 403
    for (reader_client, _page), token in zip(clients, tokens, strict=True):
        assert reader_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
