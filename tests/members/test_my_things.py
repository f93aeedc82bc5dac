"""/me/: each RSVP with its state and QR ticket, the personal calendar feed, the time-zone picker."""

import base64
import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from PIL import Image

from chapters.models import Chapter, ChapterInterest
from meetings.checkin.links import checkin_qr_png
from meetings.models import RSVP, Meeting
from meetings.services.reminders import meeting_reminders_send
from tests.factories import ChapterFactory, MeetingFactory, MemberFactory
from tests.support.queries import assert_constant_queries, page_queries

pytestmark = pytest.mark.django_db


def _me(client):
    cache.clear()
    return client.get(reverse("members:me")).content.decode()


def _feed_path(member):
    member.refresh_from_db()
    return reverse("members:calendar_feed", kwargs={"token": member.calendar_token})


def _rsvp(meeting, member, status=RSVP.Status.GOING, **extra):
    if status == RSVP.Status.WAITLISTED:
        extra.setdefault("waitlisted_at", timezone.now())
    return RSVP.objects.create(meeting=meeting, member=member, status=status, **extra)


def test_me_shows_each_upcoming_rsvp_with_its_qr_ticket(member_client):
    meeting = MeetingFactory(title="Zero trust in practice")
    rsvp = _rsvp(meeting, member_client.member)
    page = _me(member_client)
    assert "Zero trust in practice" in page and "Going" in page
    expected = "data:image/png;base64," + base64.b64encode(checkin_qr_png(rsvp, scale=4)).decode()
    assert f'src="{expected}"' in page
    image = Image.open(io.BytesIO(checkin_qr_png(rsvp, scale=4)))
    assert image.width == image.height


def test_me_shows_the_waitlist_place(member_client):
    meeting = MeetingFactory(capacity=1)
    now = timezone.now()
    _rsvp(meeting, MemberFactory())
    _rsvp(meeting, MemberFactory(), RSVP.Status.WAITLISTED, waitlisted_at=now - datetime.timedelta(hours=2))
    _rsvp(meeting, MemberFactory(), RSVP.Status.WAITLISTED, waitlisted_at=now - datetime.timedelta(hours=1))
    _rsvp(meeting, member_client.member, RSVP.Status.WAITLISTED, waitlisted_at=now)
    assert "Waitlisted · place 3" in _me(member_client)


def test_me_gives_no_ticket_for_a_cancelled_meeting(member_client):
    meeting = MeetingFactory(title="Called off", status=Meeting.Status.CANCELLED)
    _rsvp(meeting, member_client.member)
    page = _me(member_client)
    assert "Called off" in page and "Cancelled" in page
    assert "data:image/png" not in page


def test_me_past_meetings_say_attended_or_no_show(member_client):
    past = timezone.now() - datetime.timedelta(days=10)
    came = MeetingFactory(title="Came to this", starts_at=past)
    missed = MeetingFactory(title="Missed this", starts_at=past - datetime.timedelta(days=30))
    _rsvp(came, member_client.member, checked_in_at=past)
    _rsvp(missed, member_client.member)
    page = _me(member_client)
    assert "Came to this</a>" in page and "attended" in page
    assert "no-show" in page


def _many_things(member, count):
    """Give the member `count` more chapters, each with an upcoming, a waitlisted and a past answer."""
    past = timezone.now() - datetime.timedelta(days=40)
    for _n in range(count):
        chapter = ChapterFactory()
        member.memberships.create(
            chapter=chapter, newsletter_subscribed=True, newsletter_consent_at=timezone.now()
        )
        ChapterInterest.objects.create(chapter=ChapterFactory(status=Chapter.Status.FORMING), user=member)
        _rsvp(MeetingFactory(chapter=chapter), member)
        full = MeetingFactory(chapter=chapter, capacity=1)
        _rsvp(full, MemberFactory())
        _rsvp(
            full,
            MemberFactory(),
            RSVP.Status.WAITLISTED,
            waitlisted_at=timezone.now() - datetime.timedelta(hours=1),
        )
        _rsvp(full, member, RSVP.Status.WAITLISTED)
        _rsvp(MeetingFactory(chapter=chapter, starts_at=past), member, checked_in_at=past)


@pytest.mark.parametrize("url_name", ["members:me", "members:profile", "mail:preferences"])
def test_my_pages_query_count_stays_constant_with_chapters_and_rsvps(member_client, url_name):
    _many_things(member_client.member, 1)
    few = page_queries(member_client, reverse(url_name))
    _many_things(member_client.member, 15)
    many = page_queries(member_client, reverse(url_name))
    assert_constant_queries(few, many)


def test_personal_feed_holds_the_members_going_and_waitlisted_meetings_only(client, verified_member):
    going = MeetingFactory(title="Going to this")
    waitlisted = MeetingFactory(title="Waiting for this")
    declined = MeetingFactory(title="Said no to this")
    draft = MeetingFactory(title="Still a draft", status=Meeting.Status.DRAFT)
    other = MeetingFactory(title="Someone else's")
    _rsvp(going, verified_member)
    _rsvp(waitlisted, verified_member, RSVP.Status.WAITLISTED)
    _rsvp(declined, verified_member, RSVP.Status.NOT_GOING)
    _rsvp(draft, verified_member)
    _rsvp(other, MemberFactory())
    response = client.get(_feed_path(verified_member))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    summaries = {str(event["SUMMARY"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}
    assert summaries == {
        f"{going.chapter.name}: Going to this",
        f"{waitlisted.chapter.name}: Waiting for this",
    }


def test_new_feed_address_makes_the_old_one_answer_404(member_client):
    _rsvp(MeetingFactory(), member_client.member)
    old = _feed_path(member_client.member)
    assert member_client.get(old).status_code == 200
    response = member_client.post(reverse("members:calendar_feed_renew"), follow=True)
    assert "new address" in response.content.decode()
    new = _feed_path(member_client.member)
    assert new != old
    assert member_client.get(old).status_code == 404
    assert member_client.get(new).status_code == 200
    assert new in _me(member_client)


def test_feed_with_a_made_up_secret_answers_404(client, verified_member):
    assert client.get(reverse("members:calendar_feed", kwargs={"token": "not-a-secret"})).status_code == 404


def test_feed_of_a_closed_account_answers_404(client, verified_member):
    path = _feed_path(verified_member)
    verified_member.is_active = False
    verified_member.save()
    assert client.get(path).status_code == 404


def test_new_feed_address_needs_a_post(member_client):
    old = _feed_path(member_client.member)
    assert member_client.get(reverse("members:calendar_feed_renew")).status_code == 405
    assert _feed_path(member_client.member) == old


def test_each_member_gets_their_own_feed_secret():
    assert MemberFactory().calendar_token != MemberFactory().calendar_token


def test_time_zone_picker_lists_the_chapters_zones_first_then_regions(member_client):
    ChapterFactory(time_zone="America/Moncton")
    ChapterFactory(time_zone="America/Toronto")
    page = member_client.get(reverse("members:profile")).content.decode()
    first_group = page.index('<optgroup label="Zones of our chapters">')
    americas = page.index('<optgroup label="Americas">')
    europe = page.index('<optgroup label="Europe">')
    assert first_group < page.index('value="America/Moncton"') < americas < europe
    assert first_group < page.index('value="America/Toronto"') < americas
    assert americas < page.index('value="America/Vancouver"') < europe
    assert europe < page.index('value="Europe/Paris"')


def test_time_zone_picker_saves_a_zone_from_a_region_group(member_client):
    member = member_client.member
    data = {
        "display_name": "Ada",
        "bio": "",
        "preferred_language": "en",
        "time_zone": "Europe/Paris",
    }
    member_client.post(reverse("members:profile"), data)
    member.refresh_from_db()
    assert str(member.time_zone) == "Europe/Paris"
    member_client.post(reverse("members:profile"), {**data, "time_zone": "Mars/Olympus"})
    member.refresh_from_db()
    assert str(member.time_zone) == "Europe/Paris"


def test_member_who_turned_reminders_off_gets_none(member_client, sent, django_capture_on_commit_callbacks):
    member = member_client.member
    profile = {
        "display_name": "Ada",
        "bio": "",
        "preferred_language": "en",
        "time_zone": "America/Toronto",
    }
    member_client.post(reverse("members:profile"), profile)  # the reminders box left unticked
    member.refresh_from_db()
    assert member.meeting_reminders is False
    starts = timezone.now() + datetime.timedelta(hours=20)
    meeting = MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    week_ago = timezone.now() - datetime.timedelta(days=7)
    _rsvp(meeting, member, created_at=week_ago)
    other = MemberFactory(email="wants-reminders@example.org")
    _rsvp(meeting, other, created_at=week_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_reminders_send() == 1
    assert [message["To"] for message in sent()] == ["wants-reminders@example.org"]


def test_reminders_are_on_until_the_member_unticks_them(member_client):
    assert member_client.member.meeting_reminders is True
    page = member_client.get(reverse("members:profile")).content.decode()
    assert 'name="meeting_reminders"' in page and "checked" in page.split('name="meeting_reminders"')[1][:80]


def test_me_shows_each_chapters_email_choices_and_the_reminders_choice(member_client):
    member = member_client.member
    now = timezone.now()
    member.memberships.create(
        chapter=ChapterFactory(name="OVUG"), announcements_subscribed=True, announcements_consent_at=now
    )
    member.memberships.create(
        chapter=ChapterFactory(name="TWSUG"), newsletter_subscribed=True, newsletter_consent_at=now
    )
    page = _me(member_client)
    ovug, twsug = page.split("TWSUG</a>")
    assert "gets meeting announcements" in ovug and "no newsletter" in ovug
    assert "no announcements" in twsug and "gets the newsletter" in twsug
    assert "You get a reminder the day before" in page
    member.meeting_reminders = False
    member.save()
    assert "You get no reminders before meetings." in _me(member_client)
