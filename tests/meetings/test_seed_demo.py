import datetime
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from chapters.models import Chapter, ChapterRole, SponsorLiaison, Sponsorship
from meetings.models import RSVP, AgendaItem, Meeting
from members.models import Member, Membership

pytestmark = pytest.mark.django_db


def _counts():
    models = (Chapter, Meeting, AgendaItem, RSVP, Member, Membership, ChapterRole, Sponsorship)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_twice_adds_nothing_the_second_time(seeded, capsys):
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert "(0 new)" in capsys.readouterr().out


def test_seed_demo_loads_the_network_and_its_history(seeded):
    chapters = {c.slug: c for c in Chapter.objects.all()}
    assert set(chapters) == {"opcug-it-pro-sig", "it-pro-toronto", "twsug", "mitpro", "maritug"}
    assert chapters["maritug"].status == Chapter.Status.FORMING
    assert str(chapters["maritug"].time_zone) == "America/Moncton"
    assert not Meeting.objects.filter(chapter=chapters["maritug"]).exists()
    assert chapters["maritug"].interests.count() > 5

    # IT Pro Toronto's first meeting: Tuesday 18 March 2008, 6 pm to 9 pm Toronto (EDT) time.
    first = Meeting.objects.filter(chapter=chapters["it-pro-toronto"]).order_by("starts_at").first()
    assert first.starts_at == datetime.datetime(2008, 3, 18, 22, 0, tzinfo=datetime.UTC)
    assert first.ends_at == datetime.datetime(2008, 3, 19, 1, 0, tzinfo=datetime.UTC)
    assert "Mississauga" in first.venue.city
    assert first.topics.filter(slug="virtualization").exists()
    opcug_first = Meeting.objects.filter(chapter=chapters["opcug-it-pro-sig"]).order_by("starts_at")[0]
    assert opcug_first.local_starts_at.date() == datetime.date(2004, 10, 13)
    assert opcug_first.guest_count == 12

    now = timezone.now()
    for slug in ("opcug-it-pro-sig", "it-pro-toronto", "twsug", "mitpro"):
        meetings = Meeting.objects.filter(chapter=chapters[slug])
        assert meetings.filter(starts_at__lt=now).count() >= 12
        assert meetings.filter(starts_at__gt=now, status=Meeting.Status.SCHEDULED).count() >= 3
        assert not meetings.filter(venue__isnull=True).exists()
        assert not meetings.filter(agenda_items__isnull=True).exists()
        assert not meetings.filter(topics__isnull=True).exists()


def test_seed_demo_people_rsvps_and_checkins(seeded):
    assert Member.objects.filter(email__endswith="@example.org").count() == Member.objects.count() >= 300
    assert not EmailAddress.objects.filter(verified=False).exists()
    memberships = Membership.objects.all()
    assert memberships.filter(newsletter_subscribed=True).exists()
    assert memberships.filter(newsletter_subscribed=False).exists()
    assert Member.objects.filter(share_contact_with_sponsors=True).exists()
    assert Member.objects.filter(share_contact_with_sponsors=False).exists()

    past = RSVP.objects.filter(meeting__starts_at__lt=timezone.now())
    checked_in = past.filter(checked_in_at__isnull=False)
    assert past.count() > 500
    assert 0.5 < checked_in.count() / past.filter(status=RSVP.Status.GOING).count() < 1
    assert not checked_in.exclude(status=RSVP.Status.GOING).exists()
    assert not RSVP.objects.filter(
        checked_in_at__isnull=False, meeting__starts_at__gt=timezone.now()
    ).exists()
    # Nobody RSVPs to a meeting of a chapter they are not a member of, nor before joining it.
    for rsvp in RSVP.objects.select_related("meeting")[:200]:
        membership = Membership.objects.get(member_id=rsvp.member_id, chapter_id=rsvp.meeting.chapter_id)
        assert membership.joined_at < rsvp.meeting.starts_at

    # One upcoming Toronto meeting is full and has a waitlist, served in order.
    full = [
        m
        for m in Meeting.objects.filter(chapter__slug="it-pro-toronto", starts_at__gt=timezone.now())
        if m.rsvps.filter(status=RSVP.Status.WAITLISTED).exists()
    ]
    assert len(full) >= 1
    assert full[0].rsvps.filter(status=RSVP.Status.GOING).count() == full[0].capacity


def test_seed_demo_accounts_log_in_with_their_roles(seeded, client):
    for email in (
        "admin@example.org",
        "organizer.toronto@example.org",
        "volunteer.toronto@example.org",
        "liaison@example.org",
        "member@example.org",
    ):
        assert client.login(email=email, password="itpro-demo-2026"), email
        client.logout()
    assert Member.objects.get(email="admin@example.org").is_superuser
    assert ChapterRole.objects.filter(role="organizer").values("chapter").distinct().count() == 5
    assert ChapterRole.objects.filter(
        user__email="volunteer.toronto@example.org", role="volunteer", chapter__slug="it-pro-toronto"
    ).exists()
    liaison = SponsorLiaison.objects.get(user__email="liaison@example.org")
    sponsored = set(liaison.sponsor.sponsorships.values_list("chapter__slug", flat=True))
    assert sponsored == {"it-pro-toronto", "opcug-it-pro-sig"}
