"""Who reads which report: a liaison of an IT Pro Toronto sponsor gets nothing else."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from chapters.models import ChapterRole
from meetings.models import ReportAccessLog
from tests.factories import (
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
    SponsorLiaisonFactory,
    SponsorshipFactory,
)

pytestmark = pytest.mark.django_db
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
SPONSORED_FROM = datetime.date(2025, 1, 1)
SPONSORED_TO = datetime.date(2025, 12, 31)


def _at(day):
    return datetime.datetime.combine(day, datetime.time(18), tzinfo=TORONTO)


@pytest.fixture
def world(chapter, other_chapter):
    """IT Pro Toronto sponsored in 2025 only; TWSUG not sponsored; attendees who did and did not consent."""
    sponsorship = SponsorshipFactory(chapter=chapter, starts_on=SPONSORED_FROM, ends_on=SPONSORED_TO)
    liaison = SponsorLiaisonFactory(sponsor=sponsorship.sponsor, user__email="liaison@example.org").user
    inside = MeetingFactory(
        chapter=chapter, starts_at=_at(datetime.date(2025, 6, 17)), title="Inside meeting"
    )
    outside = MeetingFactory(
        chapter=chapter, starts_at=_at(datetime.date(2024, 6, 18)), title="Outside meeting"
    )
    twsug = MeetingFactory(
        chapter=other_chapter, starts_at=_at(datetime.date(2025, 6, 18)), title="TWSUG meeting"
    )
    sharer = MemberFactory(
        display_name="Sharon Shares", email="sharon@example.org", share_contact_with_sponsors=True
    )
    private = MemberFactory(display_name="Percy Private", email="percy.private@example.org")
    for meeting in (inside, outside, twsug):
        for member in (sharer, private):
            RSVPFactory(meeting=meeting, member=member, checked_in_at=meeting.starts_at)
    return {"liaison": liaison, "inside": inside, "outside": outside, "twsug": twsug}


def _chapter_url(slug, first=None, last=None, csv_table=None):
    if csv_table:
        url = reverse("reports:chapter_csv", kwargs={"slug": slug, "table": csv_table})
    else:
        url = reverse("reports:chapter", kwargs={"slug": slug})
    if first:
        url += f"?from={first}&to={last}"
    return url


def test_liaison_reads_sponsored_chapter_inside_sponsorship(client, world):
    client.force_login(world["liaison"])
    page = client.get(_chapter_url("it-pro-toronto", "2025-01-01", "2025-12-31"))
    assert page.status_code == 200
    assert "Inside meeting" in page.text and "Outside meeting" not in page.text


def test_liaison_default_period_stays_inside_sponsorship(client, world):
    client.force_login(world["liaison"])
    page = client.get(_chapter_url("it-pro-toronto"))
    assert page.status_code == 200
    assert "Outside meeting" not in page.text


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2024-01-01", "2024-12-31"),
        ("2024-12-31", "2025-06-30"),
        ("2025-06-01", "2026-01-01"),
        ("2000-01-01", "2030-01-01"),
    ],
)
def test_liaison_period_outside_sponsorship_is_refused(client, world, first, last):
    client.force_login(world["liaison"])
    for url in (
        _chapter_url("it-pro-toronto", first, last),
        _chapter_url("it-pro-toronto", first, last, "meetings"),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Outside meeting" not in response.text
        assert "Your sponsorship of IT Pro Toronto covers" in response.text


@pytest.mark.parametrize("table", ["summary", "meetings", "attendees"])
def test_liaison_gets_no_report_of_unsponsored_chapter(client, world, table):
    client.force_login(world["liaison"])
    for url in (_chapter_url("twsug"), _chapter_url("twsug", "2025-01-01", "2025-12-31", table)):
        response = client.get(url)
        assert response.status_code == 403
        assert "TWSUG meeting" not in response.text


def test_liaison_meeting_reports_only_inside_sponsorship(client, world):
    client.force_login(world["liaison"])
    assert client.get(reverse("reports:meeting", kwargs={"pk": world["inside"].pk})).status_code == 200
    for meeting in ("outside", "twsug"):
        pk = world[meeting].pk
        assert client.get(reverse("reports:meeting", kwargs={"pk": pk})).status_code == 403
        assert (
            client.get(reverse("reports:meeting_csv", kwargs={"pk": pk, "table": "attendees"})).status_code
            == 403
        )


def test_liaison_never_sees_a_non_consenting_member(client, world):
    client.force_login(world["liaison"])
    urls = [_chapter_url("it-pro-toronto", "2025-01-01", "2025-12-31")]
    urls += [_chapter_url("it-pro-toronto", "2025-01-01", "2025-12-31", t) for t in ("attendees", "summary")]
    urls += [
        reverse("reports:meeting", kwargs={"pk": world["inside"].pk}),
        reverse("reports:meeting_csv", kwargs={"pk": world["inside"].pk, "table": "attendees"}),
        reverse("reports:network") + "?from=2025-01-01&to=2025-12-31",
        reverse("reports:network_csv", kwargs={"table": "chapters"}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Percy" not in body and "percy.private" not in body, url
    page = client.get(urls[0]).text
    assert "Sharon Shares" in page and "sharon@example.org" in page
    assert "1 attendee did not agree to share their name with sponsors" in page
    assert "sharon@example.org" in client.get(urls[1]).content.decode()


def test_organizer_sees_every_attendee_and_no_other_chapter(client, world, organizer):
    client.force_login(organizer)
    page = client.get(_chapter_url("it-pro-toronto", "2024-01-01", "2025-12-31")).text
    assert "Percy Private" in page and "Outside meeting" in page
    assert client.get(_chapter_url("twsug")).status_code == 403
    assert client.get(reverse("reports:meeting", kwargs={"pk": world["twsug"].pk})).status_code == 403


@pytest.mark.parametrize("role", [ChapterRole.Role.VOLUNTEER, ChapterRole.Role.BOARD])
def test_volunteers_and_board_read_no_reports(client, world, chapter, role):
    user = ChapterRoleFactory(chapter=chapter, role=role).user
    client.force_login(user)
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(_chapter_url("it-pro-toronto")).status_code == 403


def test_member_and_anonymous_read_no_reports(client, world):
    assert client.get(reverse("reports:index"))["Location"].startswith("/accounts/login/")
    assert client.get(_chapter_url("it-pro-toronto"))["Location"].startswith("/accounts/login/")
    client.force_login(MemberFactory())
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:network")).status_code == 403


def test_superuser_reads_every_chapter(client, world):
    client.force_login(MemberFactory(is_superuser=True, is_staff=True))
    assert "Percy Private" in client.get(_chapter_url("twsug", "2025-01-01", "2025-12-31")).text
    index = client.get(reverse("reports:index")).text
    assert "IT Pro Toronto" in index and "Toronto Windows Server User Group" in index


def test_index_lists_what_the_liaison_may_read(client, world):
    client.force_login(world["liaison"])
    page = client.get(reverse("reports:index")).text
    assert "IT Pro Toronto" in page and "Toronto Windows Server User Group" not in page


def test_network_for_liaison_counts_only_sponsored_chapter_inside_period(client, world):
    client.force_login(world["liaison"])
    response = client.get(
        reverse("reports:network_csv", kwargs={"table": "chapters"}) + "?from=2024-01-01&to=2026-06-30"
    )
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    # Chapter, from, to, meetings held, RSVPs, attendance, ...: clamped to 2025, one meeting, two people.
    assert lines[1].startswith("IT Pro Toronto,2025-01-01,2025-12-31,1,2,2,")


@pytest.mark.parametrize(
    "query",
    [
        "?from=yesterday&to=2025-01-01",
        "?from=2025-02-30&to=2025-03-01",
        "?from=2025-06-01&to=2025-01-01",
        "?from=1900-01-01&to=2025-01-01",
        "?from=9999-12-31&to=9999-12-31",
        "?from=0001-01-01&to=0001-01-02",
        "?from=%01&to=x",  # a NUL never gets this far: the site answers 400 before any view
        "?to=2020-01-01",
    ],
)
def test_malformed_period_is_a_clear_400(client, world, organizer, query):
    client.force_login(organizer)
    response = client.get(_chapter_url("it-pro-toronto") + query)
    assert response.status_code == 400
    assert "This report cannot be shown" in response.text


def test_unknown_csv_table_and_chapter_are_404(client, world, organizer):
    client.force_login(organizer)
    assert client.get(_chapter_url("it-pro-toronto", csv_table="passwords")).status_code == 404
    assert client.get(_chapter_url("no-such-chapter")).status_code == 404


def test_every_liaison_read_is_logged_and_organizers_reads_are_not(client, world, organizer):
    client.force_login(world["liaison"])
    client.get(_chapter_url("it-pro-toronto", "2025-01-01", "2025-06-30"))
    client.get(_chapter_url("it-pro-toronto", "2025-01-01", "2025-06-30", "attendees"))
    client.get(reverse("reports:meeting", kwargs={"pk": world["inside"].pk}))
    client.get(reverse("reports:network"))
    client.get(_chapter_url("twsug"))  # refused: nothing read, nothing logged
    logs = list(ReportAccessLog.objects.order_by("created_at", "pk"))
    assert [(log.report, log.format, log.table) for log in logs] == [
        ("chapter", "html", ""),
        ("chapter", "csv", "attendees"),
        ("meeting", "html", ""),
        ("network", "html", ""),
    ]
    assert {log.user_email for log in logs} == {"liaison@example.org"}
    assert logs[0].period_first == datetime.date(2025, 1, 1) and logs[0].period_last == datetime.date(
        2025, 6, 30
    )
    assert logs[2].meeting == world["inside"]
    client.force_login(organizer)
    client.get(_chapter_url("it-pro-toronto"))
    assert ReportAccessLog.objects.count() == 4


def test_liaison_without_a_sponsorship_sees_an_empty_index(client, db):
    lonely = SponsorLiaisonFactory(user__email="lonely@example.org").user
    client.force_login(lonely)
    page = client.get(reverse("reports:index"))
    assert page.status_code == 200
    assert "No chapter's reports are open to you yet." in page.text


@pytest.mark.parametrize("query", ["?from=9999-12-30&to=9999-12-31", "?from=2026-01-01&to=2025-01-01"])
def test_network_malformed_period_is_a_clear_400(client, world, organizer, query):
    client.force_login(organizer)
    for url in (reverse("reports:network"), reverse("reports:network_csv", kwargs={"table": "chapters"})):
        response = client.get(url + query)
        assert response.status_code == 400
        assert "This report cannot be shown" in response.text
