"""The door on a phone: the last result beside the forms and after a reload, a hint for no match,
people of the same name told apart."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import MembershipFactory, RSVPFactory

pytestmark = pytest.mark.django_db


def _door(meeting, query=""):
    url = reverse("checkin:meeting", kwargs={"meeting_id": meeting.pk})
    return f"{url}?q={query}" if query else url


def _status(html):
    return html.split('id="checkin-status"', 1)[1].split("</div>", 1)[0]


def test_door_last_result_is_still_shown_after_a_reload(client, tonight, volunteer):
    rsvp = RSVPFactory(meeting=tonight, member__display_name="Ada Example")
    client.force_login(volunteer)
    toggle = reverse("checkin:toggle", kwargs={"meeting_id": tonight.pk, "rsvp_id": rsvp.pk})
    client.post(toggle, {"action": "in"}, headers={"x-requested-with": "fetch"})
    for _ in range(2):
        assert "Ada Example is checked in." in _status(client.get(_door(tonight)).text)


def test_door_refusal_is_shown_beside_the_form_as_an_error(client, tonight, volunteer):
    client.force_login(volunteer)
    client.post(reverse("checkin:walk_in", kwargs={"meeting_id": tonight.pk}), {"email": "not-an-address"})
    status = _status(client.get(_door(tonight)).text)
    assert "alert-danger" in status and "Enter a valid email address" in status


def test_door_search_without_match_gives_a_hint_and_prefills_the_walk_in(client, tonight, volunteer):
    RSVPFactory(meeting=tonight, member__display_name="Ada Example")
    client.force_login(volunteer)
    html = client.get(_door(tonight, "zed@example.org")).text
    assert "Nobody on the list matches “zed@example.org”." in html
    assert "Check the spelling or try part of their email address." in html
    assert 'id="walkin-email"' in html and 'value="zed@example.org"' in html


def test_door_people_of_the_same_name_are_told_apart(client, tonight, volunteer, other_chapter):
    first = RSVPFactory(
        meeting=tonight, member__display_name="Sam Lee", member__email="samuel.lee@corp.example"
    )
    second = RSVPFactory(meeting=tonight, member__display_name="Sam Lee", member__email="sam@home.example")
    MembershipFactory(member=second.member, chapter=other_chapter)
    RSVPFactory(meeting=tonight, member__display_name="Una Unique", member__email="una@example.org")
    client.force_login(volunteer)
    html = client.get(_door(tonight)).text
    rows = {pk: html.split(f'data-rsvp="{pk}"', 1)[1].split("</li>", 1)[0] for pk in (first.pk, second.pk)}
    assert "sam…@corp.example" in rows[first.pk]
    assert (
        "sam…@home.example" in rows[second.pk]
        and "also in Toronto Windows Server User Group" in rows[second.pk]
    )
    assert "also in" not in rows[first.pk]


def test_door_list_query_count_does_not_grow_with_people(
    client, tonight, volunteer, django_assert_max_num_queries
):
    client.force_login(volunteer)
    for count in (2, 20):
        for _ in range(count):
            RSVPFactory(meeting=tonight)
        cache.clear()  # cold each time: kept parts (the navbar's links) would hide a difference
        with django_assert_max_num_queries(12) as captured:
            client.get(_door(tonight))
        if count == 2:
            few = len(captured)
        else:
            assert len(captured) == few
