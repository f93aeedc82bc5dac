"""The organizer's month in the admin: a prefilled new meeting, publish and announce, message the
people going, duplicate, cancel with a reason, held meetings, and the reminder to those who have not
answered. Mail goes through the real outbox (eager Celery, locmem mailer)."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import RSVP, AgendaItem, Meeting
from meetings.services.reminders import meeting_unanswered_reminders_send
from meetings.services.scheduling import meeting_announce, meeting_publish
from members.mail.models import OutboxMessage
from members.models import Member, Membership
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    RSVPFactory,
    TopicFactory,
)
from tests.support.html_forms import read_form, without_templates
from tests.support.queries import assert_constant_queries, page_queries
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def toronto(world):
    return world["chapters"]["toronto"]


@pytest.fixture
def organizer(world, client):
    assert client.login(email="organizer@example.org", password=PASSWORD)
    return world["users"]["organizer"]


def _opted_in(chapter, email, **member):
    member = MemberFactory(email=email, **member)
    MembershipFactory(
        member=member, chapter=chapter, announcements_subscribed=True, announcements_consent_at=timezone.now()
    )
    return member


@pytest.fixture
def draft(toronto):
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=20)
    meeting = MeetingFactory(
        chapter=toronto,
        title="Entra ID in practice",
        status=Meeting.Status.DRAFT,
        venue=toronto.venues.first(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    AgendaItemFactory(meeting=meeting, title="Conditional access", speaker="Sam Speaker")
    return meeting


def _url(name, meeting):
    return reverse(f"admin:meetings_meeting_{name}", args=[meeting.pk])


def _messages(response):
    return [str(m) for m in response.context["messages"]]


# A new meeting, prefilled from the last one


def test_new_meeting_form_is_prefilled_from_the_chapters_last_meeting(client, organizer, world, toronto):
    last = world["objects"]["meetings.meeting"]
    page = client.get(reverse("admin:meetings_meeting_add")).content.decode()
    form = read_form(page, "meeting_form")
    local = timezone.localtime(last.starts_at, toronto.tzinfo)
    day = datetime.date.fromisoformat(form["starts_at_0"][0])
    assert day.weekday() == local.weekday()
    assert (day.year, day.month) != (local.year, local.month)
    assert form["starts_at_1"][0].startswith(local.strftime("%H:%M"))
    assert form["venue"] == [str(last.venue_id)]
    assert form["capacity"] == [str(last.capacity)]
    # Nothing to count or revise yet; two empty talks, positions not typed.
    assert "guest_count" not in form
    assert "id_guest_count" not in page and "id_cancellation_reason" not in page
    assert form["agenda_items-TOTAL_FORMS"] == ["2"]
    assert 'type="hidden" name="agenda_items-0-position"' in page


def test_new_meeting_saved_from_the_prefilled_form_keeps_its_two_talks_in_order(client, organizer, toronto):
    page = client.get(reverse("admin:meetings_meeting_add")).content.decode()
    data = without_templates(read_form(page, "meeting_form"))
    data["title"] = ["Azure Arc"]
    for index, (title, speaker) in enumerate([("Arc servers", "Ana"), ("Arc data", "Ben")]):
        prefix = f"agenda_items-{index}-"
        data[prefix + "title"] = [title]
        data[prefix + "speaker"] = [speaker]
        data[prefix + "speaker_bio"] = [f"{speaker} runs servers."]
        data[prefix + "slides_url"] = [f"https://slides.example.org/{index}"]
        data[prefix + "position"] = [str(index + 1)]
    data["_publish"] = ["Save and publish"]
    response = client.post(reverse("admin:meetings_meeting_add"), data)
    meeting = Meeting.objects.get(title="Azure Arc")
    assert response.status_code == 302
    assert response["Location"] == _url("publish", meeting)
    assert list(meeting.agenda_items.values_list("title", "slides_url")) == [
        ("Arc servers", "https://slides.example.org/0"),
        ("Arc data", "https://slides.example.org/1"),
    ]
    assert meeting.status == Meeting.Status.DRAFT


def test_blank_extra_agenda_row_with_only_a_position_is_not_saved(client, organizer):
    page = client.get(reverse("admin:meetings_meeting_add")).content.decode()
    data = without_templates(read_form(page, "meeting_form"))
    data["title"] = ["One talk"]
    data["agenda_items-0-title"] = ["Only talk"]
    data["agenda_items-0-position"] = ["1"]
    data["agenda_items-1-position"] = ["2"]  # what the script sets on the blank second row
    response = client.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 302
    assert list(AgendaItem.objects.filter(meeting__title="One talk").values_list("title", flat=True)) == [
        "Only talk"
    ]


# Publish and announce


def test_publish_page_previews_the_email_and_counts_opted_in_members(client, organizer, draft, toronto):
    _opted_in(toronto, "ann@example.org")
    MembershipFactory(member=MemberFactory(email="quiet@example.org"), chapter=toronto)
    response = client.get(_url("publish", draft))
    page = response.content.decode()
    assert "1 member who opted in to announcements will receive this email." in page
    assert "New meeting: Entra ID in practice" in page
    assert "BEGIN:VCALENDAR" in page
    assert "Publish and announce" in page


def test_publish_and_announce_sends_each_opted_in_member_one_email_with_the_ics(
    client, organizer, draft, toronto, sent, django_capture_on_commit_callbacks
):
    _opted_in(toronto, "ann@example.org")
    _opted_in(toronto, "bob@example.org")
    MembershipFactory(member=MemberFactory(email="quiet@example.org"), chapter=toronto)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("publish", draft), {"announce": "yes"}, follow=True)
    assert "Published and announced: 2 members will receive the announcement." in _messages(response)
    messages = sent()
    assert sorted(m["To"] for m in messages) == ["ann@example.org", "bob@example.org"]
    for message in messages:
        assert message["Subject"].startswith("New meeting: Entra ID in practice")
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        calendar = icalendar.Calendar.from_ical(part.get_content())
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert "Entra ID in practice" in str(calendar.walk("VEVENT")[0]["SUMMARY"])
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.SCHEDULED and draft.announced_at is not None


def test_announcing_twice_never_sends_twice(draft, toronto, django_capture_on_commit_callbacks):
    _opted_in(toronto, "ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_publish(meeting=draft, announce=True) == 1
    with pytest.raises(Exception, match="not sent twice"):
        meeting_announce(meeting=draft)
    assert OutboxMessage.objects.filter(kind="announcement").count() == 1


def test_announce_with_nobody_opted_in_says_so_and_leaves_the_meeting_a_draft(client, organizer, draft):
    page = client.get(_url("publish", draft)).content.decode()
    assert "Nobody would receive an announcement" in page
    assert "Publish and announce" not in page
    response = client.post(_url("publish", draft), {"announce": "yes"}, follow=True)
    assert any("nobody to announce it to" in text for text in _messages(response))
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT and draft.announced_at is None
    assert not OutboxMessage.objects.filter(kind="announcement").exists()


def test_publish_without_announcing_sends_nothing(client, organizer, draft, toronto):
    _opted_in(toronto, "ann@example.org")
    response = client.post(_url("publish", draft), {"announce": "no"}, follow=True)
    assert any("without an announcement" in text for text in _messages(response))
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.SCHEDULED
    assert not OutboxMessage.objects.filter(kind="announcement").exists()


def test_publish_of_an_incomplete_meeting_says_what_is_missing(client, organizer, draft):
    draft.agenda_items.all().delete()
    Meeting.objects.filter(pk=draft.pk).update(venue=None)
    page = client.get(_url("publish", draft)).content.decode()
    assert "It has no venue." in page
    assert "It has no agenda" in page
    response = client.post(_url("publish", draft), {"announce": "no"}, follow=True)
    assert "It has no venue." in _messages(response)
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT


def test_organizer_of_another_chapter_cannot_reach_the_publish_page(client, world, draft):
    assert client.login(email="organizer.mitpro@example.org", password=PASSWORD)
    assert client.get(_url("publish", draft)).status_code in (302, 403, 404)
    assert client.post(_url("publish", draft), {"announce": "no"}).status_code in (302, 403, 404)
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT


def test_publish_page_with_a_malformed_id_is_not_found(client, organizer):
    assert client.get("/admin/meetings/meeting/abc/publish/").status_code == 404


# Message the people going


def test_message_reaches_only_the_people_going_after_a_preview(
    client, organizer, world, sent, django_capture_on_commit_callbacks
):
    meeting = world["objects"]["meetings.meeting"]  # Max Member is going
    waiting = RSVPFactory(meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    data = {"audience": "going", "message": "Room changed to 204."}
    preview = client.post(_url("message", meeting), data).content.decode()
    assert "1 person will receive it." in preview
    assert not OutboxMessage.objects.filter(kind="message_going").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("message", meeting), {**data, "send": "yes"}, follow=True)
    assert "Message sent to 1 person." in _messages(response)
    (message,) = sent()
    assert message["To"] == "member@example.org" != waiting.member.email
    text = [p for p in message.walk() if p.get_content_type() == "text/plain"][0].get_content()
    assert "Room changed to 204." in text


def test_message_with_nobody_on_the_list_says_so_and_sends_nothing(client, organizer, world):
    meeting = world["objects"]["meetings.meeting"]
    data = {"audience": "waitlisted", "message": "Room changed to 204.", "send": "yes"}
    page = client.post(_url("message", meeting), data).content.decode()
    assert "Nobody is on this list yet, so the message was not sent." in page
    assert not OutboxMessage.objects.filter(kind="message_going").exists()


def test_empty_message_is_refused(client, organizer, world):
    meeting = world["objects"]["meetings.meeting"]
    response = client.post(_url("message", meeting), {"audience": "going", "message": "  ", "send": "yes"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not OutboxMessage.objects.filter(kind="message_going").exists()


# Duplicate, cancel, held


def test_duplicate_button_opens_the_copy_with_its_title_marked(client, organizer, world):
    meeting = world["objects"]["meetings.meeting"]
    AgendaItemFactory(meeting=meeting, title="Replicas")
    response = client.post(_url("duplicate", meeting))
    copy = Meeting.objects.exclude(pk=meeting.pk).get(chapter=meeting.chapter, title__endswith="(copy)")
    assert response["Location"] == _url("change", copy)
    assert copy.title == "Hyper-V in production (copy)"
    assert copy.status == Meeting.Status.DRAFT
    assert list(copy.agenda_items.values_list("title", flat=True)) == ["Replicas"]
    page = client.get(_url("change", meeting)).content.decode()
    assert "Duplicate to next month" in page


def test_cancel_with_a_reason_puts_it_in_the_mail(
    client, organizer, world, sent, django_capture_on_commit_callbacks
):
    meeting = world["objects"]["meetings.meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("cancel", meeting), {"reason": "The speaker is snowed in."}, follow=True)
    assert "Meeting cancelled; everyone going or waitlisted is told why." in _messages(response)
    (message,) = sent()
    text = [p for p in message.walk() if p.get_content_type() == "text/plain"][0].get_content()
    assert "The reason: The speaker is snowed in." in text
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancellation_reason == "The speaker is snowed in."


def test_cancel_without_a_reason_is_refused(client, organizer, world):
    meeting = world["objects"]["meetings.meeting"]
    response = client.post(_url("cancel", meeting), {"reason": ""})
    assert "This field is required." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_past_meeting_is_listed_as_held(client, organizer, toronto):
    start = timezone.now() - datetime.timedelta(days=10)
    MeetingFactory(
        chapter=toronto, title="Last month", starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    page = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    row = page[page.index("Last month") :].split("</tr>")[0]
    assert "Held" in row and "Scheduled" not in row


# The reminder to those who have not answered


def _announced(chapter, start):
    end = start + datetime.timedelta(hours=2)
    return MeetingFactory(chapter=chapter, starts_at=start, ends_at=end, announced_at=timezone.now())


def test_unanswered_reminder_goes_once_to_opted_in_members_who_did_not_answer(
    toronto, settings, django_capture_on_commit_callbacks
):
    settings.UNANSWERED_REMINDER_DAYS_BEFORE = 3
    start = timezone.now() + datetime.timedelta(days=2)
    meeting = _announced(toronto, start)
    silent = _opted_in(toronto, "silent@example.org")
    answered = _opted_in(toronto, "answered@example.org")
    RSVPFactory(meeting=meeting, member=answered, status=RSVP.Status.NOT_GOING)
    MembershipFactory(member=MemberFactory(email="not.opted@example.org"), chapter=toronto)
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_unanswered_reminders_send() == 1
        assert meeting_unanswered_reminders_send() == 0
    (row,) = OutboxMessage.objects.filter(kind="not_answered")
    assert row.to_email == silent.email


def test_unanswered_reminder_waits_until_the_configured_days_before(toronto, settings):
    settings.UNANSWERED_REMINDER_DAYS_BEFORE = 3
    start = timezone.now() + datetime.timedelta(days=5)
    _announced(toronto, start)
    _opted_in(toronto, "silent@example.org")
    assert meeting_unanswered_reminders_send() == 0


# The member's choice


def test_member_ticks_announcements_on_the_preferences_page_with_consent_recorded(client, world):
    member = world["users"]["member"]
    membership = Membership.objects.get(member=member)
    assert membership.announcements_subscribed is False  # unticked until the member ticks it
    client.force_login(member)
    page = client.get(reverse("mail:preferences")).content.decode()
    assert "Meeting announcements" in page
    client.post(reverse("mail:preferences"), {"announcements": [membership.chapter_id]})
    membership.refresh_from_db()
    assert membership.announcements_subscribed is True
    assert membership.announcements_consent_at is not None
    assert membership.announcements_consent_source == Membership.Source.WEBSITE
    assert membership.newsletter_subscribed is False


def test_meeting_page_links_each_talks_slides_and_recording_from_the_editor(client, world):
    meeting = world["objects"]["meetings.meeting"]
    AgendaItemFactory(
        meeting=meeting,
        title="Replicas",
        slides_url="https://slides.example.org/replicas",
        recording_url="https://video.example.org/replicas",
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'href="https://slides.example.org/replicas"' in page
    assert 'href="https://video.example.org/replicas"' in page
    assert "Slides: Replicas" in page and "Recording: Replicas" in page


def test_publish_page_queries_do_not_grow_with_recipients_or_talks(client, organizer, draft, toronto):
    _opted_in(toronto, "first@example.org")
    few = page_queries(client, _url("publish", draft))
    for n in range(15):
        _opted_in(toronto, f"more{n}@example.org")
        AgendaItemFactory(meeting=draft, title=f"Talk {n}")
    assert_constant_queries(few, page_queries(client, _url("publish", draft)))


@pytest.mark.parametrize("user", ["other_organizer", "volunteer", "member"])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("publish", {"announce": "no"}),
        ("message", {"audience": "going", "message": "Hi", "send": "yes"}),
        ("duplicate", {}),
        ("cancel", {"reason": "Because."}),
    ],
)
def test_editor_buttons_change_nothing_for_anyone_but_the_chapters_organizers(
    client, world, draft, user, action, data
):
    client.force_login(world["users"][user])
    meeting = world["objects"]["meetings.meeting"] if action in ("message", "cancel") else draft
    before = Meeting.objects.count()
    response = client.post(_url(action, meeting), data)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/login/" in response["Location"]
    meeting.refresh_from_db()
    assert meeting.status == (Meeting.Status.SCHEDULED if meeting != draft else Meeting.Status.DRAFT)
    assert Meeting.objects.count() == before
    assert not OutboxMessage.objects.filter(kind__in=["message_going", "meeting_cancelled"]).exists()


def test_agenda_start_time_typed_in_the_editor_is_the_one_members_see(world):
    from meetings.calendar import agenda_schedule
    from meetings.page_states import agenda_with_times

    meeting = world["objects"]["meetings.meeting"]
    local = meeting.local_starts_at
    AgendaItemFactory(meeting=meeting, position=1, title="Welcome", duration_minutes=15)
    AgendaItemFactory(meeting=meeting, position=2, title="Keynote", starts_at=datetime.time(19, 45))
    AgendaItemFactory(meeting=meeting, position=3, title="Q&A", duration_minutes=20)
    times = [(item.title, f"{start:%H:%M}") for item, start in agenda_with_times(meeting)]
    assert times == [("Welcome", f"{local:%H:%M}"), ("Keynote", "19:45"), ("Q&A", "20:30")]
    # The calendar's agenda (the .ics and Google link) reads the same times.
    assert [f"{start:%H:%M}" for start, _item in agenda_schedule(meeting)] == [t for _title, t in times]


def test_member_export_holds_the_announcements_consent(client, world):
    import json

    member = world["users"]["member"]
    Membership.objects.filter(member=member).update(
        announcements_subscribed=True,
        announcements_consent_at=timezone.now(),
        announcements_consent_source=Membership.Source.WEBSITE,
    )
    client.force_login(member)
    (membership,) = json.loads(client.get(reverse("members:export")).content)["memberships"]
    assert membership["announcements_subscribed"] is True
    assert membership["announcements_consent_source"] == "website"
    assert membership["announcements_consent_at"]


def test_announcement_carries_a_one_click_link_that_stops_the_chapters_announcements(
    draft, toronto, sent, client, django_capture_on_commit_callbacks
):
    member = _opted_in(toronto, "ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_publish(meeting=draft, announce=True)
    (message,) = sent()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    text = [p for p in message.walk() if p.get_content_type() == "text/plain"][0].get_content()
    # The body's link is signed when the email is written, the header's when it was queued.
    assert "Stop these announcements: http://testserver/unsubscribe/announcements/" in text
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}").content.decode()
    assert "will no longer get IT Pro Toronto’s meeting announcements" in page
    response = client.post(f"/{path}")  # what a mail client's one-click unsubscribe does
    assert response.status_code == 200
    membership = Membership.objects.get(member=member, chapter=toronto)
    assert membership.announcements_subscribed is False
    assert client.get("/unsubscribe/announcements/forged/").status_code == 400


@pytest.mark.parametrize("reader", ["organizer", "superuser"])
def test_admin_meeting_list_queries_do_not_grow_with_meetings_rsvps_or_topics(client, world, toronto, reader):
    client.force_login(world["users"][reader])
    url = reverse("admin:meetings_meeting_changelist")

    def more(count):
        chapter = ChapterFactory()
        for target in (toronto, chapter):
            meetings = Meeting.objects.bulk_create(
                Meeting(
                    chapter=target,
                    title=f"{target.slug} {n}",
                    starts_at=timezone.now() + datetime.timedelta(days=n - count // 2),
                    ends_at=timezone.now() + datetime.timedelta(days=n - count // 2, hours=3),
                    status=Meeting.Status.SCHEDULED,
                    capacity=5,
                )
                for n in range(count)
            )
            topics = [TopicFactory() for _ in range(count // 10 + 1)]
            for meeting in meetings[:5]:
                meeting.topics.add(*topics)
            members = Member.objects.bulk_create(
                Member(email=f"l{target.pk}-{n}-{count}@example.org") for n in range(count // 10 + 1)
            )
            RSVP.objects.bulk_create(
                RSVP(meeting=m, member=member, status=RSVP.Status.GOING)
                for m in meetings
                for member in members
            )

    more(3)
    few = page_queries(client, url)
    more(200)
    many = page_queries(client, url)
    assert_constant_queries(few, many)
