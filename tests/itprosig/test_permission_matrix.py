"""Every role against every admin model's list, add, change and delete pages.

The object under test always belongs to IT Pro Toronto; outcomes are named in
tests/support/admin_matrix.py.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.support.admin_matrix import outcomes_by_role
from tests.support.world import PASSWORD

ROLES = ["anonymous", "member", "volunteer", "other_organizer", "organizer", "liaison", "superuser"]
NOBODY = ("login", "login", "login", "login")
DENIED = ("forbidden", "forbidden", "forbidden", "forbidden")

# model: {role: (list, add, change, delete)}; roles without the admin are filled in below.
EXPECTED = {
    "chapters.chapter": {
        "other_organizer": ("hidden", "forbidden", "missing", "forbidden"),
        "organizer": ("shown", "forbidden", "edit", "forbidden"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "chapters.venue": {
        "other_organizer": ("hidden", "ok", "missing", "missing"),
        "organizer": ("shown", "ok", "edit", "ok"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "chapters.chapterrole": {
        "other_organizer": ("hidden", "ok", "missing", "missing"),
        "organizer": ("shown", "ok", "edit", "ok"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "chapters.chapterinterest": {
        "other_organizer": ("hidden", "forbidden", "missing", "missing"),
        "organizer": ("shown", "forbidden", "view", "ok"),
        "superuser": ("shown", "forbidden", "view", "ok"),
    },
    "chapters.sponsor": {
        "other_organizer": DENIED,
        "organizer": DENIED,
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "chapters.sponsorship": {
        "other_organizer": DENIED,
        "organizer": DENIED,
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "chapters.sponsorliaison": {
        "other_organizer": DENIED,
        "organizer": DENIED,
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "members.member": {
        "other_organizer": ("hidden", "forbidden", "missing", "forbidden"),
        "organizer": ("shown", "forbidden", "view", "forbidden"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "members.membership": {
        "other_organizer": ("hidden", "ok", "missing", "missing"),
        "organizer": ("shown", "ok", "edit", "ok"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "meetings.topic": {
        # Topics are shared by the whole network.
        "other_organizer": ("shown", "ok", "view", "forbidden"),
        "organizer": ("shown", "ok", "view", "forbidden"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "meetings.meeting": {
        "other_organizer": ("hidden", "ok", "missing", "missing"),
        "organizer": ("shown", "ok", "edit", "ok"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "meetings.rsvp": {
        "other_organizer": ("hidden", "forbidden", "missing", "forbidden"),
        "organizer": ("shown", "forbidden", "view", "forbidden"),
        "superuser": ("shown", "forbidden", "view", "ok"),
    },
    "members.newsletter": {
        "other_organizer": ("hidden", "ok", "missing", "missing"),
        "organizer": ("shown", "ok", "edit", "ok"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    # Records of what happened: read-only for everyone, superusers included.
    "members.outboxmessage": {
        "other_organizer": ("hidden", "forbidden", "missing", "forbidden"),
        "organizer": ("shown", "forbidden", "view", "forbidden"),
        "superuser": ("shown", "forbidden", "view", "forbidden"),
    },
    "meetings.reportaccesslog": {
        "other_organizer": ("hidden", "forbidden", "missing", "forbidden"),
        "organizer": ("shown", "forbidden", "view", "forbidden"),
        "superuser": ("shown", "forbidden", "view", "forbidden"),
    },
    "meetings.checkinchange": {
        "other_organizer": ("hidden", "forbidden", "missing", "forbidden"),
        "organizer": ("shown", "forbidden", "view", "forbidden"),
        "superuser": ("shown", "forbidden", "view", "forbidden"),
    },
    "meetings.walkinguest": {
        "other_organizer": ("hidden", "forbidden", "missing", "forbidden"),
        "organizer": ("shown", "forbidden", "view", "forbidden"),
        "superuser": ("shown", "forbidden", "view", "forbidden"),
    },
}
for outcomes in EXPECTED.values():
    for role in ("anonymous", "member", "volunteer", "liaison"):
        outcomes.setdefault(role, NOBODY)

OUR_APPS = ("chapters", "members", "meetings")


def test_matrix_covers_every_model_the_admin_registers():
    registered = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if type(model_admin).__module__.split(".")[0] in OUR_APPS
    }
    assert registered == set(EXPECTED)


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_admin_permission_matrix(client, world, label):
    users = {role: world["users"][role] for role in ROLES}
    seen = outcomes_by_role(client, users, label, world["objects"][label])
    assert seen == EXPECTED[label]


@pytest.mark.parametrize("role", ["other_organizer", "organizer"])
def test_admin_delete_post_only_for_own_chapter(client, world, role):
    meeting = world["objects"]["meetings.meeting"]
    meeting.rsvps.all().delete()
    # The door's record is kept, never deleted through the admin: a meeting that has one stays.
    meeting.checkin_changes.all().delete()
    meeting.walk_in_guests.all().delete()
    assert client.login(email=world["users"][role].email, password=PASSWORD)
    client.post(reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert type(meeting).objects.filter(pk=meeting.pk).exists() == (role == "other_organizer")


def test_admin_organizer_cannot_delete_a_meeting_people_answered(client, world):
    # Deleting would drop RSVPs without telling anyone: cancelling is the way.
    meeting = world["objects"]["meetings.meeting"]
    assert client.login(email="organizer@example.org", password=PASSWORD)
    response = client.post(reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(meeting).objects.filter(pk=meeting.pk).exists()


@pytest.mark.parametrize(
    ("role", "admitted"),
    [("member", False), ("volunteer", False), ("liaison", False), ("organizer", True), ("superuser", True)],
)
def test_admin_login_form_admits_organizers_by_role_alone(client, world, role, admitted):
    user = world["users"][role]
    assert not user.is_staff or role == "superuser"  # the role, not is_staff, opens the admin
    response = client.post(
        reverse("admin:login"), {"username": user.email, "password": PASSWORD, "next": "/admin/"}
    )
    if admitted:
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200
    else:
        assert response.status_code == 200
        assert "This account does not organize a chapter" in response.content.decode()
        assert client.get(reverse("admin:index")).status_code == 302


def test_admin_losing_the_organizer_role_closes_the_admin(client, world):
    organizer = world["users"]["organizer"]
    assert client.login(email=organizer.email, password=PASSWORD)
    assert client.get(reverse("admin:meetings_meeting_changelist")).status_code == 200
    organizer.chapter_roles.all().delete()
    assert client.get(reverse("admin:meetings_meeting_changelist")).status_code == 302
