"""A liaison whose sponsor sponsored a chapter twice, with a gap between, reads only the sponsored months."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse

from tests.factories import MeetingFactory, RSVPFactory, SponsorLiaisonFactory, SponsorshipFactory

pytestmark = pytest.mark.django_db
TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def _at(day):
    return datetime.datetime.combine(day, datetime.time(18), tzinfo=TORONTO)


@pytest.fixture
def gap(chapter):
    """IT Pro Toronto sponsored January to March and July to September 2025; a meeting in May between."""
    first = SponsorshipFactory(
        chapter=chapter, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 3, 31)
    )
    SponsorshipFactory(
        chapter=chapter,
        sponsor=first.sponsor,
        starts_on=datetime.date(2025, 7, 1),
        ends_on=datetime.date(2025, 9, 30),
    )
    liaison = SponsorLiaisonFactory(sponsor=first.sponsor).user
    meetings = {
        name: MeetingFactory(chapter=chapter, starts_at=_at(day), title=f"{name.title()} talk")
        for name, day in (
            ("february", datetime.date(2025, 2, 18)),
            ("may", datetime.date(2025, 5, 20)),
            ("august", datetime.date(2025, 8, 19)),
        )
    }
    for meeting in meetings.values():
        RSVPFactory(meeting=meeting, checked_in_at=meeting.starts_at)
    return {"liaison": liaison, **meetings}


def _chapter_urls(first, last):
    query = f"?from={first}&to={last}"
    return [
        reverse("reports:chapter", kwargs={"slug": "it-pro-toronto"}) + query,
        reverse("reports:chapter_csv", kwargs={"slug": "it-pro-toronto", "table": "meetings"}) + query,
    ]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2025-05-01", "2025-05-31"),  # inside the gap
        ("2025-03-01", "2025-05-31"),  # overlaps the gap
        ("2025-05-01", "2025-08-31"),  # overlaps the gap
        ("2025-01-01", "2025-09-30"),  # spans both sponsorships and the gap
    ],
)
def test_liaison_period_in_gap_between_sponsorships_is_refused(client, gap, first, last):
    client.force_login(gap["liaison"])
    for url in _chapter_urls(first, last):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "May talk" not in response.content.decode()
        assert "Your sponsorship of IT Pro Toronto covers" in response.content.decode()


@pytest.mark.parametrize(
    ("first", "last", "sponsored"),
    [
        ("2025-01-01", "2025-03-31", "figures from Jan. 1, 2025 to March 31, 2025"),
        ("2025-07-15", "2025-09-30", "figures from July 1, 2025 to Sept. 30, 2025"),
    ],
)
def test_liaison_period_within_one_sponsorship_is_read(client, gap, first, last, sponsored):
    client.force_login(gap["liaison"])
    for url in _chapter_urls(first, last):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "May talk" not in response.content.decode()
    # The note names the sponsorship read, not a stretch running through the gap.
    assert sponsored in client.get(_chapter_urls(first, last)[0]).text


def test_liaison_meeting_report_in_gap_is_refused(client, gap):
    client.force_login(gap["liaison"])
    for name, status in (("february", 200), ("may", 403), ("august", 200)):
        pk = gap[name].pk
        assert client.get(reverse("reports:meeting", kwargs={"pk": pk})).status_code == status, name
        csv = reverse("reports:meeting_csv", kwargs={"pk": pk, "table": "attendees"})
        assert client.get(csv).status_code == status, name


def test_liaison_default_report_stays_out_of_the_gap(client, gap):
    client.force_login(gap["liaison"])
    response = client.get(reverse("reports:chapter", kwargs={"slug": "it-pro-toronto"}))
    assert response.status_code == 200
    assert "May talk" not in response.text


def _network_rows(client, first, last):
    url = reverse("reports:network_csv", kwargs={"table": "chapters"}) + f"?from={first}&to={last}"
    response = client.get(url)
    assert response.status_code == 200
    return {row[0]: row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}


def test_liaison_network_report_leaves_the_gap_out(client, gap):
    client.force_login(gap["liaison"])
    # A year reaching both sponsorships is counted over the latest one, as its From and To say.
    row = _network_rows(client, "2025-01-01", "2025-12-31")["IT Pro Toronto"]
    assert row[1:4] == ["2025-07-01", "2025-09-30", "1"]
    # A period wholly in the gap leaves the chapter out.
    assert "IT Pro Toronto" not in _network_rows(client, "2025-04-01", "2025-06-30")
