"""The newsletter form: the only chapter preselected, the audience counted, a preview before saving."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from members.newsletters.models import Newsletter
from tests.factories import ChapterFactory, ChapterRoleFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def toronto():
    return ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")


@pytest.fixture
def mitpro():
    return ChapterFactory(name="MITPro", slug="mitpro")


def _subscribe(chapter, count):
    for _ in range(count):
        MembershipFactory(chapter=chapter, newsletter_subscribed=True, newsletter_consent_at=timezone.now())
    # Members without consent are not an audience (CASL).
    MembershipFactory(chapter=chapter, newsletter_subscribed=False)


def _selected_chapter(html):
    select = html.split('name="chapter"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\d+)" selected', select)


def test_newsletter_form_preselects_the_organizers_only_chapter_and_counts_its_audience(client, toronto):
    _subscribe(toronto, 3)
    client.force_login(ChapterRoleFactory(chapter=toronto).user)
    html = client.get(reverse("admin:members_newsletter_add")).text
    assert _selected_chapter(html) == [str(toronto.pk)]
    assert "IT Pro Toronto: 3 subscribed members" in html


def test_newsletter_form_of_an_organizer_of_two_chapters_leaves_the_choice(client, toronto, mitpro):
    _subscribe(mitpro, 1)
    organizer = ChapterRoleFactory(chapter=toronto).user
    ChapterRoleFactory(chapter=mitpro, user=organizer)
    client.force_login(organizer)
    html = client.get(reverse("admin:members_newsletter_add")).text
    assert _selected_chapter(html) == []
    assert "IT Pro Toronto: 0 subscribed members" in html and "MITPro: 1 subscribed member" in html


def test_newsletter_preview_before_saving_shows_it_and_saves_nothing(client, toronto):
    _subscribe(toronto, 2)
    client.force_login(ChapterRoleFactory(chapter=toronto, user=MemberFactory(preferred_language="en")).user)
    response = client.post(
        reverse("admin:members_newsletter_preview_draft"),
        {"chapter": toronto.pk, "subject": "Q&A: what's new", "body": "Hello **Toronto**."},
    )
    assert response.status_code == 200
    assert "2 subscribed members of IT Pro Toronto would get it now." in response.text
    assert "<strong>Toronto</strong>" in response.text
    assert "Q&amp;A: what&#x27;s new" in response.text
    assert not Newsletter.objects.exists()


def test_newsletter_preview_for_another_chapter_is_refused(client, toronto, mitpro):
    client.force_login(ChapterRoleFactory(chapter=toronto).user)
    response = client.post(
        reverse("admin:members_newsletter_preview_draft"),
        {"chapter": mitpro.pk, "subject": "Hijack", "body": "x"},
    )
    assert "Select a valid choice" in response.text
    assert "would get it now" not in response.text


def test_newsletter_preview_of_an_incomplete_form_says_what_is_missing(client, toronto):
    client.force_login(ChapterRoleFactory(chapter=toronto).user)
    response = client.post(reverse("admin:members_newsletter_preview_draft"), {"chapter": toronto.pk})
    assert response.status_code == 200
    assert "cannot be previewed yet" in response.text and "This field is required." in response.text
