"""manage.py import_members: an existing mailing list into a chapter, safely, twice if need be."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from members.models import Member, Membership
from tests.factories import ChapterFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CSV = """email,name,consent date
ada@example.org,Ada Example,2019-05-04
BOB@Example.org,Bob Example,
not-an-email,Broken Row,2019-05-04
carol@example.org,Carol Example,04/05/2019
dan@example.org,Dan Example,2099-01-01
erin@example.org,Erin Example,2021-11-30T18:30:00
ada@example.org,Ada Again,2019-05-04
"""


@pytest.fixture
def chapter():
    return ChapterFactory(slug="twsug", name="TWSUG")


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def run(path, slug="twsug"):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_members", str(path), chapter=slug, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_subscribes_only_rows_with_a_consent_date_and_reports_bad_rows(chapter, csv_file):
    out, err = run(csv_file)
    assert "3 new members" in out and "2 subscribed" in out and "1 without a consent date" in out
    assert "line 4: not a valid email address: 'not-an-email'; skipped" in err
    assert "line 5: consent date '04/05/2019'" in err
    assert "line 6: consent date '2099-01-01'" in err
    assert "line 8: ada@example.org appears more than once" in err
    subscribed = Membership.objects.filter(chapter=chapter, newsletter_subscribed=True)
    assert sorted(subscribed.values_list("member__email", flat=True)) == [
        "ada@example.org",
        "erin@example.org",
    ]
    ada = subscribed.get(member__email="ada@example.org")
    assert timezone.localdate(ada.newsletter_consent_at, chapter.tzinfo).isoformat() == "2019-05-04"
    assert ada.newsletter_consent_source == Membership.Source.IMPORT
    bob = Membership.objects.get(member__email="bob@example.org")
    assert not bob.newsletter_subscribed and bob.newsletter_consent_at is None
    assert Member.objects.get(email="ada@example.org").display_name == "Ada Example"
    assert not Member.objects.get(email="ada@example.org").has_usable_password()


def test_import_twice_changes_nothing_more(chapter, csv_file):
    run(csv_file)
    before = list(Membership.objects.order_by("pk").values())
    out, _ = run(csv_file)
    assert "0 new members, 3 already known, 0 joined the chapter; 0 subscribed" in out
    assert list(Membership.objects.order_by("pk").values()) == before
    assert Member.objects.count() == 3


def test_import_does_not_resubscribe_someone_who_unsubscribed(chapter, csv_file):
    run(csv_file)
    Membership.objects.filter(member__email="ada@example.org").update(
        newsletter_subscribed=False, newsletter_unsubscribed_at=timezone.now()
    )
    out, _ = run(csv_file)
    assert "1 kept unsubscribed" in out
    assert not Membership.objects.get(member__email="ada@example.org").newsletter_subscribed


def test_import_keeps_existing_members_and_their_names(chapter, tmp_path):
    MembershipFactory(member=MemberFactory(email="ada@example.org", display_name="Ada L."), chapter=chapter)
    path = tmp_path / "one.csv"
    path.write_text("Email,Name,Consent_Date\nAda@example.org,Someone Else,2020-01-02\n", encoding="utf-8")
    out, _ = run(path)
    assert "0 new members, 1 already known, 0 joined the chapter; 1 subscribed" in out
    assert Member.objects.get().display_name == "Ada L."


def test_import_refuses_unknown_chapter_and_headerless_file(chapter, csv_file, tmp_path):
    with pytest.raises(CommandError, match="No chapter with the slug 'nope'"):
        run(csv_file, slug="nope")
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("ada@example.org,Ada,2020-01-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="email column"):
        run(headerless)
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")
    assert not Member.objects.exists()
