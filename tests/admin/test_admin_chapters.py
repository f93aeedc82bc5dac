"""The chapters' admin pages as a superuser uses them."""

import pytest
from django.urls import reverse

from chapters.models import Chapter
from tests.factories import ChapterFactory

from .conftest import PASSWORD

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
