"""The organizer's home at /admin/: next meetings, what they lack, tonight's door; in French too."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from chapters.models import ChapterRole
from meetings.models import RSVP, AgendaItem, Meeting
from members.models import Member
from members.newsletters.models import Delivery, Newsletter
from tests.factories import (
    AgendaItemFactory,
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    RSVPFactory,
)
from tests.support.queries import assert_constant_queries, page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def toronto():
    return ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto", time_zone="America/Toronto")


@pytest.fixture
def organizer(toronto):
    return ChapterRoleFactory(
        user=MemberFactory(email="organizer@example.org"), chapter=toronto, role=ChapterRole.Role.ORGANIZER
    ).user


def _in_days(days, hour=23):
    moment = timezone.now() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _complete_meeting(chapter, **fields):
    """Return a scheduled in-person meeting with a venue and a talk whose speaker has a bio."""
    meeting = MeetingFactory(chapter=chapter, **fields)
    AgendaItemFactory(meeting=meeting, speaker_bio="Runs Hyper-V clusters for a living.")
    return meeting


def _home(client, user, prefix=""):
    client.force_login(user)
    response = client.get(f"{prefix}/admin/")
    assert response.status_code == 200
    return response.content.decode()


def _meeting_card(html, title):
    """Return the text of the home's entry for one meeting, tags stripped."""
    for chunk in html.split('<li class="home-meeting">')[1:]:
        chunk = chunk.split("<h3>")[0]
        if f">{title}<" in chunk:
            return " ".join(re.sub(r"<[^>]+>", " ", chunk).split())
    raise AssertionError(f"{title!r} is not on the home")


def test_organizer_home_complete_meeting_has_nothing_missing(client, organizer, toronto):
    _complete_meeting(toronto, title="Hyper-V in production")
    card = _meeting_card(_home(client, organizer), "Hyper-V in production")
    assert "Nothing missing." in card
    assert "Missing" not in card.replace("Nothing missing", "")


def test_organizer_home_in_person_meeting_without_venue_is_missing_a_venue(client, organizer, toronto):
    _complete_meeting(toronto, title="Where are we", venue=None)
    _complete_meeting(
        toronto,
        title="On the web",
        venue=None,
        format=Meeting.Format.ONLINE,
        online_url="https://meet.example.org/it-pro",
    )
    html = _home(client, organizer)
    assert "No venue" in _meeting_card(html, "Where are we")
    assert "Nothing missing." in _meeting_card(html, "On the web")


def test_organizer_home_online_meeting_without_link_is_missing_the_link(client, organizer, toronto):
    _complete_meeting(toronto, title="Somewhere online", venue=None, format=Meeting.Format.ONLINE)
    assert "No online link" in _meeting_card(_home(client, organizer), "Somewhere online")


def test_organizer_home_meeting_without_agenda_is_missing_the_agenda(client, organizer, toronto):
    MeetingFactory(chapter=toronto, title="Topic to be announced")
    assert "No agenda" in _meeting_card(_home(client, organizer), "Topic to be announced")


def test_organizer_home_draft_close_to_its_date_is_not_published(client, organizer, toronto):
    _complete_meeting(
        toronto, title="Draft for next week", status=Meeting.Status.DRAFT, starts_at=_in_days(7)
    )
    _complete_meeting(toronto, title="Far away draft", status=Meeting.Status.DRAFT, starts_at=_in_days(60))
    html = _home(client, organizer)
    card = _meeting_card(html, "Draft for next week")
    assert re.search(r"Not published, [67] days before the meeting", card)
    assert "Nothing missing." in _meeting_card(html, "Far away draft")


def test_organizer_home_talks_without_speaker_bio_are_counted(client, organizer, toronto):
    meeting = MeetingFactory(chapter=toronto, title="Two talks, one bio")
    AgendaItemFactory(meeting=meeting, speaker_bio="Writes PowerShell modules.")
    AgendaItemFactory(meeting=meeting, speaker_bio="")
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.SHORT, speaker_bio="")
    # A discussion has a facilitator, not a speaker to introduce: no bio needed.
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.DISCUSSION, speaker_bio="")
    assert "2 talks without a speaker bio" in _meeting_card(_home(client, organizer), "Two talks, one bio")


def test_organizer_home_shows_going_waitlisted_and_capacity(client, organizer, toronto):
    meeting = _complete_meeting(toronto, title="Full house", capacity=2)
    RSVPFactory.create_batch(2, meeting=meeting)
    RSVPFactory(meeting=meeting, status=RSVP.Status.WAITLISTED, waitlisted_at=timezone.now())
    RSVPFactory(meeting=meeting, status=RSVP.Status.NOT_GOING)
    card = _meeting_card(_home(client, organizer), "Full house")
    assert "2 going · 1 waitlisted · 2 seats" in card


def test_organizer_home_lists_only_the_next_meetings_of_own_chapters(client, organizer, toronto):
    for n in range(5):
        _complete_meeting(toronto, title=f"Toronto meeting {n}", starts_at=_in_days(10 + 30 * n))
    _complete_meeting(toronto, title="Toronto last month", starts_at=_in_days(-30))
    _complete_meeting(toronto, title="Toronto called off", status=Meeting.Status.CANCELLED)
    _complete_meeting(ChapterFactory(name="MITPro"), title="MITPro secret plans")
    html = _home(client, organizer)
    titles = re.findall(r'meetings/meeting/\d+/change/">([^<]+)<', html)
    assert titles == ["Toronto meeting 0", "Toronto meeting 1", "Toronto meeting 2"]
    assert "MITPro" not in html


def test_organizer_home_links_tonights_door_only_on_meeting_night(client, organizer, toronto):
    later = _complete_meeting(toronto, title="Next month", starts_at=_in_days(30))
    html = _home(client, organizer)
    assert "Open tonight’s door" not in html
    assert reverse("checkin:meeting", kwargs={"meeting_id": later.pk}) not in html

    # Half an hour from now, or half an hour ago when that would be after midnight in Toronto.
    start = timezone.now() + datetime.timedelta(minutes=30)
    if timezone.localdate(start, toronto.tzinfo) != timezone.localdate(timezone=toronto.tzinfo):
        start -= datetime.timedelta(hours=1)
    tonight = _complete_meeting(toronto, title="Tonight's meeting", starts_at=start)
    html = _home(client, organizer)
    door = reverse("checkin:meeting", kwargs={"meeting_id": tonight.pk})
    assert f'href="{door}">Open tonight’s door' in html


def test_organizer_home_shows_latest_newsletter_progress(client, organizer, toronto):
    Newsletter.objects.create(chapter=toronto, subject="October news", body="Old.", status="sent")
    sending = Newsletter.objects.create(
        chapter=toronto, subject="November news", body="Hello.", status="sending", recipient_count=3
    )
    members = MemberFactory.create_batch(3)
    Delivery.objects.bulk_create(
        Delivery(newsletter=sending, member=m, status=s)
        for m, s in zip(members, ["sent", "sent", "pending"], strict=True)
    )
    html = _home(client, organizer)
    assert "November news" in html
    assert "October news" not in html
    assert "2 of 3 sent" in html
    assert '<progress class="home-progress" max="3" value="2"' in html


def test_organizer_home_links_the_chapter_report_and_new_meeting(client, organizer, toronto):
    html = _home(client, organizer)
    assert f'href="{reverse("reports:chapter", kwargs={"slug": toronto.slug})}"' in html
    assert f'href="{reverse("admin:meetings_meeting_add")}?chapter={toronto.pk}"' in html
    assert "No upcoming meeting." in html
    assert "No newsletter yet." in html


def test_superuser_home_shows_every_chapter_and_the_models(client, toronto):
    ChapterFactory(name="MITPro")
    superuser = MemberFactory(is_superuser=True, is_staff=True)
    html = _home(client, superuser)
    assert '<h2 id="chapter-' in html and "IT Pro Toronto" in html and "MITPro" in html
    assert 'class="app-list"' in html and "Meetings" in html


def _network(chapters, meetings_per_chapter, rsvps_per_meeting):
    """Create chapters with meetings, agendas, RSVPs and newsletters; return their organizer."""
    organizer = MemberFactory()
    for c in range(chapters):
        chapter = ChapterFactory()
        ChapterRoleFactory(user=organizer, chapter=chapter)
        meetings = Meeting.objects.bulk_create(
            Meeting(
                chapter=chapter,
                title=f"M{c}-{n}",
                starts_at=_in_days(n * 7 + 1),
                ends_at=_in_days(n * 7 + 1) + datetime.timedelta(hours=3),
                status=Meeting.Status.SCHEDULED,
            )
            for n in range(meetings_per_chapter)
        )
        AgendaItem.objects.bulk_create(AgendaItem(meeting=m, title="Talk") for m in meetings)
        members = Member.objects.bulk_create(
            Member(email=f"n{chapter.pk}-{n}@example.org") for n in range(rsvps_per_meeting)
        )
        RSVP.objects.bulk_create(
            RSVP(meeting=m, member=member, status=RSVP.Status.GOING) for m in meetings for member in members
        )
        for n in range(meetings_per_chapter):
            Newsletter.objects.create(chapter=chapter, subject=f"News {n}", body="Hi.")
    return organizer


@pytest.mark.parametrize("reader", ["organizer", "superuser"])
def test_organizer_home_queries_do_not_grow_with_the_network(client, reader):
    superuser = MemberFactory(is_staff=True, is_superuser=True)
    queries = []
    # One chapter with one meeting, or six with twelve meetings, twenty RSVPs and twelve newsletters each.
    for size in ((1, 1, 1), (6, 12, 20)):
        organizer = _network(*size)
        client.force_login(organizer if reader == "organizer" else superuser)
        queries.append(page_queries(client, "/admin/"))
    assert_constant_queries(*queries)


# French, and the organizer's own language.


def test_french_admin_shows_the_home_and_menus_in_french(client, organizer, toronto):
    _complete_meeting(
        toronto,
        title="Hyper-V",
        starts_at=datetime.datetime(2027, 1, 19, 23, tzinfo=datetime.UTC),
        venue=None,
    )
    html = _home(client, organizer, prefix="/fr")
    assert '<html lang="fr"' in html
    assert "Vos sections" in html
    assert "Prochaines rencontres" in html
    assert "Aucun lieu" in html
    assert "19 janvier 2027" in html
    assert "Se déconnecter" in html and "Modifier le mot de passe" in html  # Django's own menu
    assert '<a href="/fr/">Voir le site</a>' in html
    assert 'href="/fr/admin/meetings/meeting/add/?chapter=' in html


def test_french_admin_messages_are_in_french(client, organizer):
    client.force_login(organizer)
    response = client.get("/fr/admin/meetings/meeting/999999/change/", follow=True)
    assert "n’existe pas" in response.content.decode() or "n'existe pas" in response.content.decode()


def test_french_admin_login_refusal_is_in_french(client):
    MemberFactory(email="member@example.org")
    response = client.post(
        "/fr/admin/login/", {"username": "member@example.org", "password": "correct-horse-battery"}
    )
    assert "Ce compte n’organise aucune section" in response.content.decode()


def test_admin_follows_the_organizers_preferred_language(client, organizer):
    organizer.preferred_language = "fr"
    organizer.save(update_fields=["preferred_language"])
    client.force_login(organizer)
    response = client.get("/admin/meetings/meeting/?status=draft")
    assert response.status_code == 302
    assert response["Location"] == "/fr/admin/meetings/meeting/?status=draft"
    assert "Vos sections" in client.get("/admin/", follow=True).content.decode()


def test_french_organizer_logging_in_at_admin_lands_on_the_french_home(client, organizer):
    organizer.preferred_language = "fr"
    organizer.save(update_fields=["preferred_language"])
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": organizer.email, "password": "correct-horse-battery", "next": "/admin/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/fr/admin/"
    assert "Prochaines rencontres" in response.content.decode()


def test_admin_form_posted_in_english_is_not_redirected_for_a_french_organizer(client, organizer, toronto):
    organizer.preferred_language = "fr"
    organizer.save(update_fields=["preferred_language"])
    client.force_login(organizer)
    response = client.post("/admin/meetings/meeting/add/", {"chapter": toronto.pk, "title": ""})
    # The form comes back with its errors instead of a redirect that would drop what was typed.
    assert response.status_code == 200
    assert Meeting.objects.count() == 0


def test_admin_stays_english_for_an_english_organizer_and_french_when_asked(client, organizer):
    client.force_login(organizer)
    assert "Your chapters" in client.get("/admin/").content.decode()
    assert "Vos sections" in client.get("/fr/admin/").content.decode()


# The navbar's "Organize" link.


def _organize_link(client, user, path="/chapters/"):
    if user is not None:
        client.force_login(user)
    html = client.get(path).content.decode()
    match = re.search(r'<a class="nav-link" href="([^"]+)">(Organize|Organiser)</a>', html)
    return match.group(1) if match else None


def test_navbar_organize_leads_organizers_to_the_admin_in_their_language(client, organizer):
    assert _organize_link(client, organizer) == "/admin/"
    assert _organize_link(client, organizer, "/fr/chapters/") == "/fr/admin/"


def test_navbar_organize_leads_volunteers_to_the_next_door(
    client, toronto, django_capture_on_commit_callbacks
):
    volunteer = ChapterRoleFactory(chapter=toronto, role=ChapterRole.Role.VOLUNTEER).user
    assert _organize_link(client, volunteer) is None
    # The navbar's links are kept until a change commits (the test's transaction never does).
    with django_capture_on_commit_callbacks(execute=True):
        MeetingFactory(chapter=toronto, starts_at=_in_days(-30))
        tonight = MeetingFactory(chapter=toronto, starts_at=timezone.now() + datetime.timedelta(hours=1))
        MeetingFactory(chapter=toronto, starts_at=_in_days(30))
        MeetingFactory(starts_at=timezone.now())  # another chapter's
    assert _organize_link(client, volunteer) == reverse("checkin:meeting", kwargs={"meeting_id": tonight.pk})


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_navbar_has_no_organize_link_without_a_role(client, role):
    MeetingFactory()
    assert _organize_link(client, MemberFactory() if role == "member" else None) is None
