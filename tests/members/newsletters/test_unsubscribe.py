"""Unsubscribe links and the email preferences page."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from members.mail.tokens import unsubscribe_token, unsubscribe_url
from members.models import Membership
from tests.factories import ChapterFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def subscribed(member, chapter):
    return MembershipFactory(
        member=member,
        chapter=chapter,
        newsletter_subscribed=True,
        newsletter_consent_at=timezone.now() - datetime.timedelta(days=30),
        newsletter_consent_source=Membership.Source.WEBSITE,
    )


@pytest.fixture
def two_chapters():
    return ChapterFactory(name="IT Pro Toronto"), ChapterFactory(name="MITPro")


def test_get_asks_and_post_unsubscribes_only_that_member_and_chapter(client, two_chapters):
    toronto, montreal = two_chapters
    ada, bob = MemberFactory(email="ada@example.org"), MemberFactory()
    ada_toronto, ada_montreal, bob_toronto = (
        subscribed(ada, toronto),
        subscribed(ada, montreal),
        subscribed(bob, toronto),
    )
    url = unsubscribe_url(member_id=ada.pk, chapter_id=toronto.pk)

    page = client.get(url)
    assert page.status_code == 200
    assert "ada@example.org will no longer get IT Pro Toronto" in page.content.decode()
    ada_toronto.refresh_from_db()
    assert ada_toronto.newsletter_subscribed  # a GET (a link scanner) changes nothing

    done = client.post(url)  # as a mail client's one-click POST: no session, no CSRF token
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    for membership, still in ((ada_toronto, False), (ada_montreal, True), (bob_toronto, True)):
        membership.refresh_from_db()
        assert membership.newsletter_subscribed is still
    ada_toronto.refresh_from_db()
    assert ada_toronto.newsletter_unsubscribed_at is not None
    assert ada_toronto.newsletter_consent_at is not None  # the consent record stays (CASL)


def test_one_click_post_works_with_csrf_checks_on(two_chapters):
    from django.test import Client

    toronto, _ = two_chapters
    member = MemberFactory()
    membership = subscribed(member, toronto)
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_url(member_id=member.pk, chapter_id=toronto.pk),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert not membership.newsletter_subscribed


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_gets_400_and_changes_nothing(client, two_chapters, method):
    toronto, montreal = two_chapters
    member = MemberFactory()
    membership = subscribed(member, montreal)
    token = unsubscribe_token(member_id=member.pk, chapter_id=toronto.pk)
    value, signature = token.split(":", 1)
    forged = signing.b64_encode(f"[{member.pk},{montreal.pk}]".encode()).decode() + ":" + signature
    for bad in (forged, token[:-2] + "xx", "not-a-token"):
        response = getattr(client, method)(reverse("mail:unsubscribe", kwargs={"token": bad}))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    membership.refresh_from_db()
    assert membership.newsletter_subscribed


def test_expired_token_gets_400(client, two_chapters, settings, monkeypatch):
    toronto, _ = two_chapters
    member = MemberFactory()
    membership = subscribed(member, toronto)
    settings.UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS = 90
    url = unsubscribe_url(member_id=member.pk, chapter_id=toronto.pk)
    later = timezone.now().timestamp() + 91 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.post(url).status_code == 400
    membership.refresh_from_db()
    assert membership.newsletter_subscribed


def test_token_still_works_after_60_days(client, two_chapters, monkeypatch):
    toronto, _ = two_chapters
    member = MemberFactory()
    membership = subscribed(member, toronto)
    url = unsubscribe_url(member_id=member.pk, chapter_id=toronto.pk)
    later = timezone.now().timestamp() + 61 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.post(url).status_code == 200
    membership.refresh_from_db()
    assert not membership.newsletter_subscribed


def test_unsubscribe_page_in_french(client, two_chapters):
    toronto, _ = two_chapters
    member = MemberFactory(preferred_language="fr")
    subscribed(member, toronto)
    with_fr = unsubscribe_url(member_id=member.pk, chapter_id=toronto.pk)
    assert "/unsubscribe/" in with_fr
    response = client.get(with_fr.replace("http://testserver/", "/fr/", 1).replace("/fr/fr/", "/fr/"))
    assert "Se désabonner" in response.content.decode()


def test_preferences_page_subscribes_with_consent_and_unsubscribes(client, two_chapters):
    toronto, montreal = two_chapters
    member = MemberFactory()
    toronto_membership = subscribed(member, toronto)
    montreal_membership = MembershipFactory(member=member, chapter=montreal)
    client.force_login(member)

    page = client.get(reverse("mail:preferences"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "IT Pro Toronto" in html and "MITPro" in html

    response = client.post(reverse("mail:preferences"), {"newsletter": [str(montreal.pk)]}, follow=True)
    assert "Your email preferences are saved." in response.content.decode()
    toronto_membership.refresh_from_db()
    montreal_membership.refresh_from_db()
    assert not toronto_membership.newsletter_subscribed
    assert montreal_membership.newsletter_subscribed
    assert montreal_membership.newsletter_consent_at is not None
    assert montreal_membership.newsletter_consent_source == Membership.Source.WEBSITE


def test_preferences_refuse_a_chapter_the_member_is_not_in(client, two_chapters):
    toronto, montreal = two_chapters
    member = MemberFactory()
    MembershipFactory(member=member, chapter=toronto)
    client.force_login(member)
    for bad in ([str(montreal.pk)], ["abc"]):
        response = client.post(reverse("mail:preferences"), {"newsletter": bad}, follow=True)
        assert "nothing was changed" in response.content.decode()
    assert not Membership.objects.filter(newsletter_subscribed=True).exists()
    assert not Membership.objects.filter(member=member, chapter=montreal).exists()


def test_preferences_need_login(client):
    response = client.get(reverse("mail:preferences"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
