"""An IT Pro Toronto organizer schedules a meeting in the admin with Chromium, and cannot reach MITPro's."""

import datetime

import pytest
from playwright.sync_api import expect

from chapters.models import ChapterRole
from meetings.models import Meeting
from tests.factories import (
    ChapterFactory,
    ChapterRoleFactory,
    MeetingFactory,
    MemberFactory,
    TopicFactory,
    VenueFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def network():
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto", time_zone="America/Toronto")
    VenueFactory(chapter=toronto, name="King Street Conference Centre", city="Toronto")
    VenueFactory(chapter=toronto, name="Mississauga Tech Centre", city="Mississauga")
    mitpro = ChapterFactory(name="MITPro", slug="mitpro", city="Montréal")
    secret = MeetingFactory(
        chapter=mitpro,
        title="MITPro planning night",
        venue=VenueFactory(chapter=mitpro, name="Centre de conférences Exemple", city="Montréal"),
    )
    TopicFactory(name="Virtualization", slug="virtualization")
    organizer = MemberFactory(email="organizer.toronto@example.org", display_name="Theo Organizer")
    ChapterRoleFactory(user=organizer, chapter=toronto, role=ChapterRole.Role.ORGANIZER)
    return {"toronto": toronto, "mitpro_meeting": secret}


def test_admin_organizer_schedules_a_meeting_in_toronto_time(page, live_server, network):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill("organizer.toronto@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your chapters")).to_be_visible()

    page.goto(f"{live_server.url}/admin/meetings/meeting/add/")
    chapter_options = page.locator("#id_chapter option:not([value=''])").all_inner_texts()
    assert chapter_options == ["IT Pro Toronto"]
    venue_options = page.locator("#id_venue option:not([value=''])").all_inner_texts()
    assert "King Street Conference Centre (Toronto)" in venue_options
    assert not [o for o in venue_options if "Exemple" in o]

    page.locator("#id_title").fill("Hyper-V in production")
    page.locator("#id_status").select_option("scheduled")
    page.locator("#id_starts_at_0").fill("2027-01-19")
    page.locator("#id_starts_at_1").fill("18:00:00")
    # Leaving the start lets the end follow it (same length); then the end is set to what is wanted.
    page.locator("#id_starts_at_1").press("Tab")
    page.locator("#id_ends_at_0").fill("2027-01-19")
    page.locator("#id_ends_at_1").fill("21:00:00")
    page.locator("#id_venue").select_option(label="King Street Conference Centre (Toronto)")
    page.locator("#id_capacity").fill("60")

    # Topic autocomplete: type part of the name, pick the suggestion.
    page.locator(".field-topics .select2-selection").click()
    page.locator(".select2-search__field").fill("Virt")
    page.locator(".select2-results__option", has_text="Virtualization").click()

    # A new meeting opens with two talk forms; their order on the page is the agenda's order.
    page.locator("#id_agenda_items-0-title").fill("Hyper-V in production")
    page.locator("#id_agenda_items-0-speaker").fill("Avery Example")
    page.locator("#id_agenda_items-1-title").fill("PowerShell Snack: remoting")
    page.locator("#id_agenda_items-1-kind").select_option("short")
    page.locator("#id_agenda_items-1-duration_minutes").fill("15")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    meeting = Meeting.objects.get(title="Hyper-V in production")
    # 6 pm to 9 pm Eastern Standard Time (UTC-5) is 23:00 to 02:00 UTC.
    assert meeting.starts_at == datetime.datetime(2027, 1, 19, 23, 0, tzinfo=datetime.UTC)
    assert meeting.ends_at == datetime.datetime(2027, 1, 20, 2, 0, tzinfo=datetime.UTC)
    assert meeting.chapter == network["toronto"]
    assert meeting.venue.name == "King Street Conference Centre"
    assert [t.slug for t in meeting.topics.all()] == ["virtualization"]
    assert list(meeting.agenda_items.values_list("title", "kind")) == [
        ("Hyper-V in production", "talk"),
        ("PowerShell Snack: remoting", "short"),
    ]

    # The list shows the meeting in Toronto time, and nothing of MITPro's.
    page.goto(f"{live_server.url}/admin/meetings/meeting/")
    expect(page.locator("#result_list")).to_contain_text("2027-01-19 18:00 EST")
    expect(page.locator("#result_list")).not_to_contain_text("MITPro")
    page.goto(f"{live_server.url}/admin/meetings/meeting/?q=planning")
    expect(page.locator("#result_list")).to_have_count(0)

    # Guessing MITPro's meeting URL gets "does not exist", and its data never shows.
    secret = network["mitpro_meeting"]
    page.goto(f"{live_server.url}/admin/meetings/meeting/{secret.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("doesn’t exist")
    assert "MITPro planning night" not in page.content()
    page.goto(f"{live_server.url}/admin/meetings/meeting/{secret.pk}/delete/")
    expect(page.locator(".messagelist")).to_contain_text("doesn’t exist")
    assert Meeting.objects.filter(pk=secret.pk).exists()
