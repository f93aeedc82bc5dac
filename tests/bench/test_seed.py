"""The benchmark's COPY seeding, at a tiny scale: the rows it writes must be rows the app accepts."""

import datetime

import pytest
from django.db import connection

from bench.seed import (
    FANOUT_CHAPTER_SLUG,
    REPORT_CHAPTER_RSVPS_PER_MEETING,
    REPORT_CHAPTER_SLUG,
    Scale,
    Seeder,
    spread,
)
from chapters.models import Chapter, ChapterRole, SponsorLiaison
from meetings.models import RSVP, Meeting
from members.models import Member, Membership

# The benchmark's data generator, not the app: make test checks it, make test-fast leaves it out.
pytestmark = pytest.mark.slow

TINY = Scale("tiny", chapters=6, meetings=100, members=400, rsvps=2_000, fanout_subscribers=250)
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def seeded(db):
    return Seeder(TINY, now=NOW, log=lambda line: None).run()


@pytest.mark.parametrize(("total", "count"), [(1_000_000, 12_000), (10_000, 11_760), (7, 3), (0, 5)])
def test_spread_sums_to_total_without_negative_parts(total, count):
    parts = spread(total, count)
    assert sum(parts) == total
    assert len(parts) == count
    assert min(parts) >= 0


def test_seed_writes_the_requested_scale(seeded):
    assert Chapter.objects.count() == 6
    assert Meeting.objects.count() == 100
    assert (
        Member.objects.filter(is_staff=False, is_superuser=False)
        .exclude(sponsor_liaisons__isnull=False)
        .count()
        == 400
    )
    assert RSVP.objects.count() == 2_000
    assert seeded["meetings.RSVP"] == 2_000


def test_seed_keeps_the_report_chapter_history_fixed(seeded):
    meetings = Meeting.objects.filter(chapter__slug=REPORT_CHAPTER_SLUG)
    assert meetings.exists()
    for meeting in meetings:
        assert meeting.rsvps.count() == REPORT_CHAPTER_RSVPS_PER_MEETING


def test_seed_rows_satisfy_foreign_keys_loaded_without_triggers(seeded):
    # Seeding skips per-row foreign key triggers; check every reference by hand instead.
    checks = {
        "meetings_rsvp.meeting_id": "SELECT count(*) FROM meetings_rsvp r LEFT JOIN meetings_meeting m"
        " ON m.id = r.meeting_id WHERE m.id IS NULL",
        "meetings_rsvp.member_id": "SELECT count(*) FROM meetings_rsvp r LEFT JOIN members_member m"
        " ON m.id = r.member_id WHERE m.id IS NULL",
        "members_membership.chapter_id": "SELECT count(*) FROM members_membership s"
        " LEFT JOIN chapters_chapter c"
        " ON c.id = s.chapter_id WHERE c.id IS NULL",
        "meetings_meeting.venue_id": "SELECT count(*) FROM meetings_meeting m JOIN chapters_venue v"
        " ON v.id = m.venue_id WHERE v.chapter_id <> m.chapter_id",
    }
    with connection.cursor() as cursor:
        for name, sql in checks.items():
            cursor.execute(sql)
            assert cursor.fetchone()[0] == 0, name


def test_seed_checks_in_only_at_past_meetings_by_the_chapter_organizer(seeded):
    checked = RSVP.objects.filter(checked_in_at__isnull=False).select_related("meeting")
    assert checked.exists()
    for rsvp in checked:
        assert rsvp.meeting.starts_at < NOW
        assert rsvp.status == RSVP.Status.GOING
        assert ChapterRole.objects.filter(
            user_id=rsvp.checked_in_by_id, chapter_id=rsvp.meeting.chapter_id, role="organizer"
        ).exists()
    assert not RSVP.objects.filter(meeting__starts_at__gt=NOW, checked_in_at__isnull=False).exists()


def test_seed_never_overbooks_and_rsvps_come_from_chapter_members(seeded):
    for meeting in Meeting.objects.all():
        assert meeting.rsvps.filter(status=RSVP.Status.GOING).count() <= meeting.capacity
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM meetings_rsvp r JOIN meetings_meeting m ON m.id = r.meeting_id"
            " WHERE NOT EXISTS (SELECT 1 FROM members_membership s"
            " WHERE s.member_id = r.member_id AND s.chapter_id = m.chapter_id)"
        )
        assert cursor.fetchone()[0] == 0


def test_seed_subscriptions_have_consent_and_accounts_can_log_in(seeded, client):
    assert (
        Membership.objects.filter(newsletter_subscribed=True, newsletter_consent_at__isnull=True).count() == 0
    )
    assert Membership.objects.filter(newsletter_subscribed=True).exists()
    member = Member.objects.get(email="member000001@example.org")
    assert member.check_password("itpro-bench-2026")
    assert SponsorLiaison.objects.filter(user__email="liaison@example.org").exists()


def test_seed_runs_again_with_the_same_result(seeded):
    again = Seeder(TINY, now=NOW, log=lambda line: None).run()
    assert {k: v for k, v in again.items() if k != "seconds"} == {
        k: v for k, v in seeded.items() if k != "seconds"
    }
    assert RSVP.objects.count() == 2_000


def test_seed_gives_the_fanout_chapter_exactly_the_requested_subscribers(seeded):
    subscribed = Membership.objects.filter(chapter__slug=FANOUT_CHAPTER_SLUG, newsletter_subscribed=True)
    assert subscribed.count() == 250
    assert subscribed.filter(newsletter_consent_at__isnull=True).count() == 0


def test_seed_report_chapter_is_the_same_at_every_scale(db, monkeypatch):
    monkeypatch.setattr("bench.seed.REPORT_CHAPTER_MEMBER_POOL", 300)

    def report_chapter_rows():
        memberships = set(
            Membership.objects.filter(chapter__slug=REPORT_CHAPTER_SLUG).values_list(
                "member_id", "joined_at", "newsletter_subscribed"
            )
        )
        rsvps = set(
            RSVP.objects.filter(meeting__chapter__slug=REPORT_CHAPTER_SLUG).values_list(
                "meeting_id", "member_id", "status", "checked_in_at"
            )
        )
        return memberships, rsvps

    Seeder(TINY, now=NOW, log=lambda line: None).run()
    small = report_chapter_rows()
    larger = Scale("larger", chapters=6, meetings=100, members=900, rsvps=5_000, fanout_subscribers=250)
    Seeder(larger, now=NOW, log=lambda line: None).run()
    assert RSVP.objects.count() == 5_000
    assert report_chapter_rows() == small
    assert small[0] and small[1]
