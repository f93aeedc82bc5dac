"""The chapters' admin pages as a superuser uses them."""

import pytest
from django.urls import reverse

from chapters.models import Chapter, ChapterRole
from tests.factories import ChapterFactory, ChapterRoleFactory, MemberFactory
from tests.support.html_forms import read_form, without_templates
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_admin_chapter_list_is_in_name_order(client, world):
    for name in ["Alpha IT", "Zeta Pros", "Mid Group"]:
        ChapterFactory(name=name, slug=name.lower().replace(" ", "-"))
    assert client.login(email="admin@example.org", password=PASSWORD)
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "chapters", "model_name": "venue", "field_name": "chapter", "term": ""},
    )
    names = [row["text"] for row in found.json()["results"]]
    assert names == sorted(Chapter.objects.values_list("name", flat=True))
    listing = client.get(reverse("admin:chapters_chapter_changelist"))
    shown = [chapter.name for chapter in listing.context["cl"].result_list]
    assert shown == names


def test_admin_chapter_saves_unchanged_with_team_members_outside_the_choices(client, world):
    # A team member who is not a member of the chapter (or is a network administrator) stays on the
    # team when the organizer saves the chapter; they cannot be picked anew, but they are not lost.
    toronto = world["chapters"]["toronto"]
    admin_on_team = MemberFactory(email="netadmin@example.org", is_staff=True)
    ChapterRoleFactory(user=admin_on_team, chapter=toronto, role=ChapterRole.Role.BOARD)
    outsider = MemberFactory(email="not.a.member@example.org")
    ChapterRoleFactory(user=outsider, chapter=toronto, role=ChapterRole.Role.VOLUNTEER)
    assert client.login(email="organizer@example.org", password=PASSWORD)
    url = reverse("admin:chapters_chapter_change", args=[toronto.pk])
    data = without_templates(read_form(client.get(url).content.decode(), "chapter_form"))
    data["description"] = ["Monthly meetings for IT pros in Toronto."]

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    toronto.refresh_from_db()
    assert toronto.description == "Monthly meetings for IT pros in Toronto."
    assert set(ChapterRole.objects.filter(chapter=toronto).values_list("user__email", flat=True)) >= {
        "netadmin@example.org",
        "not.a.member@example.org",
    }


def test_admin_chapter_team_refuses_a_new_outsider_even_beside_kept_ones(client, world):
    toronto = world["chapters"]["toronto"]
    outsider = MemberFactory(email="not.a.member@example.org")
    role = ChapterRoleFactory(user=outsider, chapter=toronto, role=ChapterRole.Role.VOLUNTEER)
    stranger = MemberFactory(email="stranger@example.org")
    assert client.login(email="organizer@example.org", password=PASSWORD)
    url = reverse("admin:chapters_chapter_change", args=[toronto.pk])
    data = without_templates(read_form(client.get(url).content.decode(), "chapter_form"))
    row = next(name for name, values in data.items() if name.endswith("-id") and values == [str(role.pk)])
    data[row.removesuffix("-id") + "-user"] = [str(stranger.pk)]

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    role.refresh_from_db()
    assert role.user == outsider
