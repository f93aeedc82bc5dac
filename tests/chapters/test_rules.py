"""The permission predicates: each role, inside and outside its chapters, and liaison periods."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from chapters import rules as chapter_rules
from chapters.models import ChapterRole
from tests.factories import (
    ChapterFactory,
    ChapterRoleFactory,
    MemberFactory,
    SponsorFactory,
    SponsorLiaisonFactory,
    SponsorshipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapters():
    return ChapterFactory(), ChapterFactory()


def _with_role(chapter, role):
    return ChapterRoleFactory(chapter=chapter, role=role).user


@pytest.fixture
def superuser():
    return MemberFactory(is_superuser=True, is_staff=True)


def test_is_superuser_only_for_an_active_superuser(superuser, chapters):
    assert chapter_rules.is_superuser.test(superuser)
    assert not chapter_rules.is_superuser.test(_with_role(chapters[0], ChapterRole.Role.ORGANIZER))
    assert not chapter_rules.is_superuser.test(AnonymousUser())
    superuser.is_active = False
    assert not chapter_rules.is_superuser.test(superuser)


def test_organizes_only_the_organizers_own_chapter(chapters):
    mine, other = chapters
    organizer = _with_role(mine, ChapterRole.Role.ORGANIZER)
    board = _with_role(mine, ChapterRole.Role.BOARD)
    assert chapter_rules.organizes.test(organizer, mine)
    assert chapter_rules.organizes.test(organizer, mine.pk)
    assert not chapter_rules.organizes.test(organizer, other)
    assert not chapter_rules.organizes.test(board, mine)
    assert not chapter_rules.organizes.test(AnonymousUser(), mine)


def test_organizes_any_for_organizers_only(chapters):
    assert chapter_rules.organizes_any.test(_with_role(chapters[0], ChapterRole.Role.ORGANIZER))
    assert not chapter_rules.organizes_any.test(_with_role(chapters[0], ChapterRole.Role.VOLUNTEER))
    assert not chapter_rules.organizes_any.test(MemberFactory())


@pytest.mark.parametrize(
    "role", [ChapterRole.Role.ORGANIZER, ChapterRole.Role.BOARD, ChapterRole.Role.VOLUNTEER]
)
def test_checks_in_at_for_every_door_role_of_that_chapter_only(chapters, role):
    mine, other = chapters
    user = _with_role(mine, role)
    assert chapter_rules.checks_in_at.test(user, mine)
    assert not chapter_rules.checks_in_at.test(user, other)


def test_checks_in_at_not_for_a_plain_member(chapters):
    assert not chapter_rules.checks_in_at.test(MemberFactory(), chapters[0])


def test_is_liaison_for_any_sponsor_link():
    assert chapter_rules.is_liaison.test(SponsorLiaisonFactory().user)
    assert not chapter_rules.is_liaison.test(MemberFactory())


def _liaison_of(chapter, *spans):
    sponsor = SponsorFactory()
    for first, last in spans:
        SponsorshipFactory(sponsor=sponsor, chapter=chapter, starts_on=first, ends_on=last)
    return SponsorLiaisonFactory(sponsor=sponsor).user


def test_is_liaison_for_only_the_sponsored_chapter(chapters):
    sponsored, other = chapters
    liaison = _liaison_of(sponsored, (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)))
    assert chapter_rules.is_liaison_for.test(liaison, sponsored)
    assert not chapter_rules.is_liaison_for.test(liaison, other)


def test_is_liaison_on_inside_each_sponsorship_but_not_in_the_gap_between(chapters):
    chapter = chapters[0]
    liaison = _liaison_of(
        chapter,
        (datetime.date(2023, 1, 1), datetime.date(2023, 6, 30)),
        (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)),
    )
    assert chapter_rules.is_liaison_on.test(liaison, (chapter, datetime.date(2023, 3, 1)))
    assert chapter_rules.is_liaison_on.test(liaison, (chapter, datetime.date(2024, 6, 30)))
    assert not chapter_rules.is_liaison_on.test(liaison, (chapter, datetime.date(2023, 9, 1)))
    assert not chapter_rules.is_liaison_on.test(liaison, (chapter, datetime.date(2024, 7, 1)))
    assert not chapter_rules.is_liaison_on.test(liaison, (chapters[1], datetime.date(2023, 3, 1)))


def test_liaison_periods_join_back_to_back_sponsorships_and_keep_gaps(chapters):
    chapter = chapters[0]
    liaison = _liaison_of(
        chapter,
        (datetime.date(2023, 1, 1), datetime.date(2023, 6, 30)),
        (datetime.date(2023, 7, 1), datetime.date(2023, 12, 31)),
        (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
    )
    assert chapter_rules.liaison_periods(liaison, chapter.pk) == [
        (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
        (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
    ]


def test_organize_permission_for_superusers_and_the_chapters_organizers(superuser, chapters):
    mine, other = chapters
    organizer = _with_role(mine, ChapterRole.Role.ORGANIZER)
    assert chapter_rules.can_organize(superuser, other.pk)
    assert chapter_rules.can_organize(organizer, mine.pk)
    assert not chapter_rules.can_organize(organizer, other.pk)
    assert not chapter_rules.can_organize(_with_role(mine, ChapterRole.Role.VOLUNTEER), mine.pk)


def test_check_in_permission_for_superusers_and_door_roles(superuser, chapters):
    mine, other = chapters
    volunteer = _with_role(mine, ChapterRole.Role.VOLUNTEER)
    assert chapter_rules.can_check_in(superuser, other.pk)
    assert chapter_rules.can_check_in(volunteer, mine.pk)
    assert not chapter_rules.can_check_in(volunteer, other.pk)


def test_enter_admin_permission_for_superusers_and_organizers_only(superuser, chapters):
    assert chapter_rules.may_enter_admin(superuser)
    assert chapter_rules.may_enter_admin(_with_role(chapters[0], ChapterRole.Role.ORGANIZER))
    assert not chapter_rules.may_enter_admin(_with_role(chapters[0], ChapterRole.Role.BOARD))
    assert not chapter_rules.may_enter_admin(SponsorLiaisonFactory().user)


def test_read_reports_permission_for_superusers_organizers_and_liaisons(superuser, chapters):
    assert chapter_rules.may_read_reports(superuser)
    assert chapter_rules.may_read_reports(_with_role(chapters[0], ChapterRole.Role.ORGANIZER))
    assert chapter_rules.may_read_reports(SponsorLiaisonFactory().user)
    assert not chapter_rules.may_read_reports(_with_role(chapters[0], ChapterRole.Role.VOLUNTEER))
    assert not chapter_rules.may_read_reports(AnonymousUser())


def test_read_report_permission_follows_the_chapter(superuser, chapters):
    sponsored, other = chapters
    liaison = _liaison_of(sponsored, (datetime.date(2024, 1, 1), None))
    organizer = _with_role(other, ChapterRole.Role.ORGANIZER)
    assert liaison.has_perm("meetings.read_report", sponsored)
    assert not liaison.has_perm("meetings.read_report", other)
    assert organizer.has_perm("meetings.read_report", other)
    assert not organizer.has_perm("meetings.read_report", sponsored)
    assert superuser.has_perm("meetings.read_report", sponsored)


def test_role_chapter_ids_are_read_once_per_user_object(chapters, django_assert_num_queries):
    organizer = _with_role(chapters[0], ChapterRole.Role.ORGANIZER)
    with django_assert_num_queries(1):
        for _ in range(3):
            assert chapter_rules.can_organize(organizer, chapters[0].pk)
            assert not chapter_rules.can_organize(organizer, chapters[1].pk)
