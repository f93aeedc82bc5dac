"""Every role against the talks admin: list, add, change and delete pages of each model.

Outcomes are named in tests/support/admin_matrix.py.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chapters.models import ChapterRole
from speakers import services
from speakers.models import CallForSpeakers
from tests.factories import ChapterRoleFactory, MemberFactory
from tests.support.admin_matrix import outcomes_by_role

from .conftest import submit

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "volunteer", "other_organizer", "organizer", "superuser"]
NOBODY = ("login", "login", "login", "login")
DENIED = ("forbidden", "forbidden", "forbidden", "forbidden")
EXPECTED = {
    "proposal": {
        "other_organizer": ("hidden", "forbidden", "missing", "forbidden"),
        "organizer": ("shown", "forbidden", "view", "forbidden"),
        "superuser": ("shown", "forbidden", "view", "ok"),
    },
    "callforspeakers": {
        "other_organizer": ("hidden", "ok", "missing", "missing"),
        "organizer": ("shown", "ok", "edit", "ok"),
        "superuser": ("shown", "ok", "edit", "ok"),
    },
    "speakerprofile": {
        "other_organizer": DENIED,
        "organizer": DENIED,
        "superuser": ("shown", "forbidden", "edit", "ok"),
    },
    "tour": {
        "other_organizer": DENIED,
        "organizer": DENIED,
        "superuser": ("shown", "ok", "edit", "ok"),
    },
}
for outcomes in EXPECTED.values():
    for role in ("anonymous", "member", "volunteer"):
        outcomes.setdefault(role, NOBODY)


@pytest.fixture
def objects(world):
    now = timezone.now()
    today = timezone.localdate()
    volunteer = MemberFactory(email="volunteer@example.org")
    ChapterRoleFactory(user=volunteer, chapter=world["toronto"], role=ChapterRole.Role.VOLUNTEER)
    world["volunteer"] = volunteer
    world["member"] = world["speaker"]
    world["superuser"] = MemberFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    return {
        "proposal": submit(world),
        "callforspeakers": CallForSpeakers.objects.create(
            chapter=world["toronto"], title="Spring", opens_at=now, closes_at=now + datetime.timedelta(days=9)
        ),
        "speakerprofile": services.speaker_profile_save(member=world["speaker"], bio="Bio", is_public=True),
        "tour": services.tour_create(
            speaker=world["speaker"],
            title="Tour",
            abstract="Abstract",
            kind="talk",
            duration_minutes=60,
            available_from=today,
            available_to=today,
        ),
    }


@pytest.mark.parametrize("model", sorted(EXPECTED))
def test_speakers_admin_permission_matrix(client, world, objects, model):
    users = {role: None if role == "anonymous" else world[role] for role in ROLES}
    seen = outcomes_by_role(client, users, f"speakers.{model}", objects[model])
    assert seen == EXPECTED[model]


def test_chapter_page_invites_members_to_propose_a_talk(client, world):
    html = client.get(world["toronto"].get_absolute_url()).content.decode()
    assert reverse("speakers:propose", kwargs={"slug": "it-pro-toronto"}) in html
