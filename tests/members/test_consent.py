"""Newsletter consent is recorded the same way whichever way a member subscribes: time and source."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from members.models import Membership
from members.newsletters.subscriptions import newsletter_preferences_update
from members.services import membership_join
from tests.factories import ChapterFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.now() - datetime.timedelta(days=365)


@pytest.fixture
def unsubscribed():
    """A member of a chapter who unsubscribed from its newsletter a year ago."""
    return MembershipFactory(
        member=MemberFactory(email="ada@example.org"),
        chapter=ChapterFactory(slug="twsug"),
        newsletter_subscribed=False,
        newsletter_unsubscribed_at=LAST_YEAR,
    )


def _consent(membership):
    membership.refresh_from_db()
    return (
        membership.newsletter_subscribed,
        membership.newsletter_consent_source,
        membership.newsletter_unsubscribed_at,
    )


def test_consent_by_joining_records_now_and_website(unsubscribed):
    before = timezone.now()
    membership_join(member=unsubscribed.member, chapter=unsubscribed.chapter, newsletter=True)
    assert _consent(unsubscribed) == (True, Membership.Source.WEBSITE, None)
    assert unsubscribed.newsletter_consent_at >= before


def test_consent_by_preferences_page_records_now_and_website(unsubscribed):
    before = timezone.now()
    newsletter_preferences_update(
        member=unsubscribed.member, subscribed_chapter_ids=[unsubscribed.chapter_id]
    )
    assert _consent(unsubscribed) == (True, Membership.Source.WEBSITE, None)
    assert unsubscribed.newsletter_consent_at >= before


def test_consent_by_import_records_the_files_date_and_import(unsubscribed, tmp_path):
    # The file records a consent given after the unsubscription: the member is subscribed again.
    path = tmp_path / "list.csv"
    consented = timezone.localdate() - datetime.timedelta(days=2)
    path.write_text(f"email,consent date\nada@example.org,{consented.isoformat()}\n", encoding="utf-8")
    call_command("import_members", str(path), chapter="twsug", stdout=io.StringIO(), stderr=io.StringIO())
    assert _consent(unsubscribed) == (True, Membership.Source.IMPORT, None)
    assert (
        timezone.localtime(unsubscribed.newsletter_consent_at, unsubscribed.chapter.tzinfo).date()
        == consented
    )
