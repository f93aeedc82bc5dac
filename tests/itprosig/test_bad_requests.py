"""A NUL byte anywhere in an address gets the 400 page, never a 500.

PostgreSQL refuses NUL in text, so any view that looks a path segment or a query parameter up in
the database would fail; the request is refused before any of them runs.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ChapterFactory, ChapterRoleFactory, MeetingFactory, MemberFactory

pytestmark = pytest.mark.django_db

BAD_REQUEST_PAGE = "We could not read that request"


@pytest.fixture
def browser():
    # Answer as a real server would: a view's exception becomes the 500 page, not a test error.
    return Client(raise_request_exception=False)


@pytest.fixture
def organizer_browser(browser):
    meeting = MeetingFactory()
    organizer = ChapterRoleFactory(user=MemberFactory(), chapter=meeting.chapter).user
    browser.force_login(organizer)
    browser.meeting = meeting
    return browser


def _assert_bad_request(response):
    assert response.status_code == 400
    assert BAD_REQUEST_PAGE in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/chapters/it%00pro/",
        "/topics/virtualization%00/",
        "/?utm=%00",
        "/chapters/?page=1%00",
        "/chapters/?%00=1",
        "/%00",
    ],
)
def test_nul_in_a_public_address_gets_the_bad_request_page(browser, address):
    ChapterFactory(slug="it-pro")
    _assert_bad_request(browser.get(address))


def test_nul_in_a_french_address_gets_the_french_bad_request_page(browser):
    response = browser.get("/fr/chapters/%00/")
    assert response.status_code == 400
    assert "Nous n’avons pas pu lire cette requête" in response.content.decode()


def test_nul_in_a_posted_address_gets_the_bad_request_page(browser):
    meeting = MeetingFactory()
    response = browser.post(f"/chapters/{meeting.chapter.slug}%00/meetings/{meeting.pk}/rsvp/")
    _assert_bad_request(response)


def test_nul_in_an_admin_address_gets_the_bad_request_page(organizer_browser):
    meeting = organizer_browser.meeting
    for address in (
        "/admin/meetings/meeting/%00/change/",
        f"/admin/meetings/meeting/{meeting.pk}%00/change/",
        "/admin/meetings/meeting/?q=%00",
        "/admin/autocomplete/?app_label=meetings&model_name=meeting&field_name=topics&term=%00",
    ):
        _assert_bad_request(organizer_browser.get(address))


def test_nul_in_the_door_search_gets_the_bad_request_page(organizer_browser):
    meeting = organizer_browser.meeting
    _assert_bad_request(organizer_browser.get(f"/checkin/{meeting.pk}/?q=%00"))


def test_addresses_without_nul_still_work(organizer_browser):
    meeting = organizer_browser.meeting
    assert organizer_browser.get(meeting.get_absolute_url()).status_code == 200
    assert organizer_browser.get(reverse("admin:meetings_meeting_changelist") + "?q=hyper").status_code == 200
