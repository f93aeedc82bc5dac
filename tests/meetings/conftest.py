import datetime

import pytest
from django.utils import timezone

from chapters.models import ChapterRole
from tests.factories import ChapterFactory, ChapterRoleFactory, MeetingFactory, MemberFactory


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")


@pytest.fixture
def other_chapter(db):
    return ChapterFactory(name="Toronto Windows Server User Group", slug="twsug")


@pytest.fixture
def tonight(chapter):
    """A meeting that started half an hour ago: the door is open."""
    start = timezone.now() - datetime.timedelta(minutes=30)
    return MeetingFactory(chapter=chapter, starts_at=start, ends_at=start + datetime.timedelta(hours=3))


@pytest.fixture
def volunteer(chapter):
    return ChapterRoleFactory(
        chapter=chapter, role=ChapterRole.Role.VOLUNTEER, user__display_name="Vera Volunteer"
    ).user


@pytest.fixture
def organizer(chapter):
    return ChapterRoleFactory(chapter=chapter, role=ChapterRole.Role.ORGANIZER).user


@pytest.fixture
def other_volunteer(other_chapter):
    return ChapterRoleFactory(chapter=other_chapter, role=ChapterRole.Role.VOLUNTEER).user


@pytest.fixture
def member(db):
    return MemberFactory(display_name="Ada Example", email="ada@example.org")
