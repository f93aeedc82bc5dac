"""Two chapters, their organizers, a verified member who proposes talks, next month's meeting."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone, translation

from chapters.models import ChapterRole
from speakers import services
from tests.factories import ChapterFactory, ChapterRoleFactory, MeetingFactory, MemberFactory

PASSWORD = "correct-horse-battery"


def verified(member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


@pytest.fixture(autouse=True)
def english_outside_requests():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def locmem_mail(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }
    return mail.outbox


@pytest.fixture
def world(db):
    toronto = ChapterFactory(name="IT Pro Toronto", slug="it-pro-toronto")
    montreal = ChapterFactory(name="MITPro", slug="mitpro", city="Montréal", region="QC")
    organizer = verified(MemberFactory(email="organizer@example.org", display_name="Theo Organizer"))
    ChapterRoleFactory(user=organizer, chapter=toronto, role=ChapterRole.Role.ORGANIZER)
    other = verified(MemberFactory(email="organizer.mitpro@example.org", display_name="Mathieu Organisateur"))
    ChapterRoleFactory(user=other, chapter=montreal, role=ChapterRole.Role.ORGANIZER)
    speaker = verified(
        MemberFactory(email="speaker@example.org", display_name="Avery Speaker", bio="Sysadmin.")
    )
    unverified = MemberFactory(email="unverified@example.org", display_name="Una Verified")
    next_month = timezone.now() + datetime.timedelta(days=30)
    meeting = MeetingFactory(chapter=toronto, title="Hyper-V night", starts_at=next_month)
    mtl_meeting = MeetingFactory(chapter=montreal, title="Soirée PowerShell", starts_at=next_month)
    return {
        "toronto": toronto,
        "montreal": montreal,
        "organizer": organizer,
        "other_organizer": other,
        "speaker": speaker,
        "unverified": unverified,
        "meeting": meeting,
        "mtl_meeting": mtl_meeting,
    }


def submit(world, **overrides):
    fields = {
        "member": world["speaker"],
        "chapter": world["toronto"],
        "title": "PowerShell remoting in practice",
        "abstract": "How we manage **200 servers** from one console.",
        "kind": "talk",
        "level": "intermediate",
        "preferred_months": [],
        "speaker_bio": "Runs the servers of a mid-size firm.",
    }
    fields.update(overrides)
    return services.proposal_submit(**fields)
