"""factory_boy factories for every model the suite builds. Fictional people, example.org emails."""

import datetime
from functools import cache

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from chapters.models import Chapter, ChapterRole, Sponsor, SponsorLiaison, Sponsorship, Venue
from meetings.models import RSVP, AgendaItem, Meeting, Topic
from members.models import Member, Membership


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test Chapter {n}")
    slug = factory.Sequence(lambda n: f"test-chapter-{n}")
    city = "Toronto"
    region = "ON"
    time_zone = "America/Toronto"
    status = Chapter.Status.ACTIVE
    mailing_address = "100 Example Street, Toronto ON M5V 0A1"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    chapter = factory.SubFactory(ChapterFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    address = "100 Example Street"
    city = factory.SelfAttribute("chapter.city")
    capacity = 80


@cache
def _hashed_password():
    # Hashed once and written with the row: a member is one INSERT, not an INSERT and an UPDATE.
    return make_password("correct-horse-battery")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    password = factory.LazyFunction(_hashed_password)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    chapter = factory.SubFactory(ChapterFactory)


class ChapterRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterRole

    user = factory.SubFactory(MemberFactory)
    chapter = factory.SubFactory(ChapterFactory)
    role = ChapterRole.Role.ORGANIZER


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Sponsor {n}")
    slug = factory.Sequence(lambda n: f"sponsor-{n}")


class SponsorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsorship

    sponsor = factory.SubFactory(SponsorFactory)
    chapter = factory.SubFactory(ChapterFactory)
    starts_on = datetime.date(2020, 1, 1)
    ends_on = None


class SponsorLiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SponsorLiaison

    user = factory.SubFactory(MemberFactory)
    sponsor = factory.SubFactory(SponsorFactory)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    chapter = factory.SubFactory(ChapterFactory)
    title = factory.Sequence(lambda n: f"Monthly meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    venue = factory.SubFactory(VenueFactory, chapter=factory.SelfAttribute("..chapter"))
    status = Meeting.Status.SCHEDULED
    capacity = 50


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Talk {n}")
    speaker = "Alex Example"
    kind = AgendaItem.Kind.TALK
    duration_minutes = 45


class RSVPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RSVP

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)
    status = RSVP.Status.GOING
