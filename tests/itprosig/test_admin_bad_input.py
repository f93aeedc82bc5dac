"""Malformed ids and NUL bytes in admin addresses, searches and actions: a clear 400 or 404, never 500."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["organizer", "superuser"]
# An id that cannot be a key is a page that does not exist; a NUL byte is an unreadable address.
BAD_IDS = {"abc": (404, "Page not found"), "1.5": (404, "Page not found"), "%00": (400, "We could not read")}


@pytest.fixture
def as_role(client, world, request):
    client.raise_request_exception = False
    assert client.login(email=world["users"][request.param].email, password=PASSWORD)
    return client


@pytest.mark.parametrize("as_role", ROLES, indirect=True)
@pytest.mark.parametrize("bad_id", BAD_IDS)
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_admin_meeting_page_with_a_malformed_id_is_not_found(as_role, bad_id, view):
    status, text = BAD_IDS[bad_id]
    response = as_role.get(f"/admin/meetings/meeting/{bad_id}/{view}/")
    assert response.status_code == status
    assert text in response.content.decode()


@pytest.mark.parametrize("as_role", ROLES, indirect=True)
@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_admin_post_to_a_malformed_id_is_not_found(as_role, bad_id):
    response = as_role.post(f"/admin/meetings/meeting/{bad_id}/change/", {"title": "x"})
    assert response.status_code == BAD_IDS[bad_id][0]


@pytest.mark.parametrize("as_role", ROLES, indirect=True)
@pytest.mark.parametrize(
    "source",
    [
        {"app_label": "members", "model_name": "membership", "field_name": "member"},
        {"app_label": "meetings", "model_name": "meeting", "field_name": "topics"},
        {"app_label": "chapters", "model_name": "chapterrole", "field_name": "user"},
    ],
)
def test_admin_autocomplete_with_nul_is_a_bad_request(as_role, source):
    response = as_role.get(reverse("admin:autocomplete"), {**source, "term": "\x00"})
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


@pytest.mark.parametrize("as_role", ROLES, indirect=True)
def test_admin_list_search_with_nul_is_a_bad_request(as_role):
    response = as_role.get(reverse("admin:meetings_meeting_changelist"), {"q": "a\x00b"})
    assert response.status_code == 400


@pytest.mark.parametrize("as_role", ROLES, indirect=True)
@pytest.mark.parametrize("selected", ["abc", "1.5", "\x00"])
@pytest.mark.parametrize(
    ("changelist", "action"),
    [
        ("admin:meetings_meeting_changelist", "export_rsvps"),
        ("admin:meetings_meeting_changelist", "cancel_meetings"),
        ("admin:members_membership_changelist", "delete_selected"),
    ],
)
def test_admin_action_with_a_malformed_selection_is_a_bad_request(
    as_role, world, changelist, action, selected
):
    meeting = world["objects"]["meetings.meeting"]
    response = as_role.post(
        reverse(changelist), {"action": action, ACTION_CHECKBOX_NAME: [selected], "confirmed": "yes"}
    )
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
