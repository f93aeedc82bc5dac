"""Time zones of members and chapters: picked from the zones Python knows, used as tzinfo directly."""

import zoneinfo

import pytest
from django.forms import modelform_factory
from django.urls import reverse

from chapters.models import Chapter
from tests.factories import ChapterFactory

pytestmark = pytest.mark.django_db


def test_profile_time_zone_picker_offers_the_zones_and_keeps_the_members(member_client):
    page = member_client.get(reverse("members:profile")).content.decode()
    for zone in ("America/Toronto", "America/Moncton", "America/St_Johns", "Europe/Paris"):
        assert f'<option value="{zone}"' in page
    assert '<option value="America/Toronto" selected>' in page


def test_chapter_time_zone_is_a_zoneinfo_from_the_database():
    ChapterFactory(slug="maritug", time_zone="America/Moncton")
    chapter = Chapter.objects.get(slug="maritug")
    assert chapter.time_zone == zoneinfo.ZoneInfo("America/Moncton")
    assert chapter.tzinfo is chapter.time_zone


def test_chapter_form_refuses_an_unknown_time_zone_and_takes_a_known_one():
    # The admin's chapter form is a ModelForm over the same field.
    form_class = modelform_factory(Chapter, fields=["time_zone"])
    refused = form_class(data={"time_zone": "Mars/Olympus_Mons"})
    assert not refused.is_valid() and "time_zone" in refused.errors
    taken = form_class(data={"time_zone": "America/Halifax"})
    assert taken.is_valid() and taken.cleaned_data["time_zone"] == zoneinfo.ZoneInfo("America/Halifax")
