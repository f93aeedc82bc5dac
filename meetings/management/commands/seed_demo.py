"""Load the demo network: chapters, venues, topics, a year of meetings, members, RSVPs, logins.

Safe to run again: existing rows are kept and only what is missing is added, so an organizer's edits
survive. Random choices are seeded from stable keys, so two runs on the same day build the same data.
"""

import datetime
import importlib
import random
import unicodedata
from functools import cached_property

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta, weekdays
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from chapters.models import (
    Chapter,
    ChapterInterest,
    ChapterRole,
    Sponsor,
    SponsorLiaison,
    Sponsorship,
    Venue,
)
from meetings import demo_data as data
from meetings.models import RSVP, AgendaItem, Meeting, Topic
from members.models import Member, Membership

MEMBER_COUNT = 320
PAST_MONTHS = 12
UPCOMING_MONTHS = 5
# (week of the month, weekday Monday=0, local start, local end) per chapter.
MONTHLY_PATTERN = {
    "opcug-it-pro-sig": (2, 2, datetime.time(19, 0), datetime.time(21, 0)),
    "it-pro-toronto": (3, 1, datetime.time(18, 0), datetime.time(21, 0)),
    "twsug": (4, 3, datetime.time(18, 30), datetime.time(20, 30)),
    "mitpro": (2, 1, datetime.time(18, 30), datetime.time(21, 0)),
}
# Where each chapter's members come from, as weights: most people belong to one chapter.
HOME_WEIGHTS = {"it-pro-toronto": 32, "twsug": 28, "opcug-it-pro-sig": 20, "mitpro": 20}


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _nth_weekday(month, week, weekday):
    """Return the `week`-th (1 = first) weekday (Monday = 0) of the month starting on `month`."""
    return month + relativedelta(day=1, weekday=weekdays[weekday](week))


def _aware(local_naive, tz):
    return local_naive.replace(tzinfo=tz).astimezone(datetime.UTC)


def _agenda_items(meeting, agenda):
    return [
        AgendaItem(
            meeting=meeting, position=i, kind=kind, title=title, speaker=speaker, duration_minutes=minutes
        )
        for i, (kind, title, speaker, minutes) in enumerate(agenda)
    ]


class Command(BaseCommand):
    help = "Load the demo chapters, meetings, members and logins (safe to run again)."

    def handle(self, *args, **options):
        started = timezone.now()
        with transaction.atomic():
            chapters = self._chapters()
            topics = self._topics()
            accounts = self._accounts(chapters)
            members = self._members()
            self._memberships(chapters, accounts, members)
            self._sponsor(chapters, accounts)
            created = self._first_meetings(chapters, topics)
            created += self._monthly_meetings(chapters, topics, accounts, members)
        elapsed = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"Demo data ready: {Chapter.objects.count()} chapters, {Meeting.objects.count()} meetings "
            f"({created} new), {Member.objects.count()} members, {RSVP.objects.count()} RSVPs "
            f"in {elapsed:.1f} s."
        )
        self._print_logins()
        self._seed_other_apps()

    def _seed_other_apps(self):
        """Run the `seed()` of every installed app's `demo` module, in INSTALLED_APPS order.

        The apps built on meetings (talks, volunteering) add their demo data on top of this one's;
        found by name, so meetings never imports the apps above it.
        """
        for config in apps.get_app_configs():
            if config.name != "meetings" and module_has_submodule(config.module, "demo"):
                self.stdout.write(importlib.import_module(f"{config.name}.demo").seed())

    # Chapters, venues, topics.

    def _chapters(self):
        chapters = {}
        for facts in data.CHAPTERS:
            fields = {k: v for k, v in facts.items() if k not in ("slug", "venues")}
            chapter, _ = Chapter.objects.get_or_create(slug=facts["slug"], defaults=fields)
            chapter.demo_venues = []
            for venue_facts in facts["venues"]:
                venue, _ = Venue.objects.get_or_create(
                    chapter=chapter,
                    name=venue_facts["name"],
                    defaults={k: v for k, v in venue_facts.items() if k != "name"},
                )
                chapter.demo_venues.append(venue)
            chapters[chapter.slug] = chapter
        return chapters

    def _topics(self):
        Topic.objects.bulk_create(
            [Topic(slug=slug, name=name) for slug, name in data.TOPICS], ignore_conflicts=True
        )
        return {topic.slug: topic for topic in Topic.objects.all()}

    # People.

    def _accounts(self, chapters):
        """Create the demo logins and return them by role key."""
        password = self._password_hash
        wanted = {"admin": data.SUPERUSER, "liaison": data.LIAISON, "member": data.MEMBER}
        wanted["volunteer"] = data.VOLUNTEER[:2]
        for slug, account in data.ORGANIZERS.items():
            wanted[f"organizer:{slug}"] = account
        Member.objects.bulk_create(
            [
                Member(email=email, display_name=name, password=password, is_staff=key == "admin")
                for key, (email, name) in wanted.items()
            ],
            ignore_conflicts=True,
        )
        Member.objects.filter(email=data.SUPERUSER[0]).update(is_superuser=True, is_staff=True)
        by_email = Member.objects.in_bulk([email for email, _ in wanted.values()], field_name="email")
        accounts = {key: by_email[email] for key, (email, _) in wanted.items()}
        self._verify_emails(accounts.values())

        roles = [
            ChapterRole(user=accounts[f"organizer:{slug}"], chapter=chapters[slug], role="organizer")
            for slug in data.ORGANIZERS
        ]
        roles.append(
            ChapterRole(user=accounts["volunteer"], chapter=chapters[data.VOLUNTEER[2]], role="volunteer")
        )
        ChapterRole.objects.bulk_create(roles, ignore_conflicts=True)
        return accounts

    def _members(self):
        """Create the fictional members and return them in a stable order."""
        rng = random.Random("itprosig-members")
        password = self._password_hash
        now = timezone.now()
        people = []
        for n in range(MEMBER_COUNT):
            first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
            # Most joined years ago; a steady trickle joined over the last year (growth to report).
            days_ago = rng.randint(30, 365) if rng.random() < 0.2 else rng.randint(366, 2600)
            people.append(
                Member(
                    email=f"{_ascii(first)}.{_ascii(last)}.{n + 1}@example.org",
                    display_name=f"{first} {last}",
                    password=password,
                    preferred_language="fr" if rng.random() < 0.2 else "en",
                    share_contact_with_sponsors=rng.random() < 0.35,
                    show_name_on_attendee_lists=rng.random() < 0.45,
                    date_joined=now - datetime.timedelta(days=days_ago, minutes=rng.randint(0, 1440)),
                )
            )
        Member.objects.bulk_create(people, ignore_conflicts=True)
        emails = [person.email for person in people]
        by_email = Member.objects.in_bulk(emails, field_name="email")
        members = [by_email[email] for email in emails]
        self._verify_emails(members)
        return members

    @cached_property
    def _password_hash(self):
        # Hashing is deliberately slow: hash the shared demo password once for everyone.
        return make_password(data.DEMO_PASSWORD)

    def _verify_emails(self, members):
        # Demo people can log in at once: their addresses count as verified.
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=m, email=m.email, verified=True, primary=True) for m in members],
            ignore_conflicts=True,
        )

    def _memberships(self, chapters, accounts, members):
        rng = random.Random("itprosig-memberships")
        active = list(HOME_WEIGHTS)
        rows = []

        def membership(member, slug, joined_at, consent):
            return Membership(
                member=member,
                chapter=chapters[slug],
                joined_at=joined_at,
                source=Membership.Source.WEBSITE,
                newsletter_subscribed=consent,
                newsletter_consent_at=joined_at if consent else None,
                newsletter_consent_source=Membership.Source.WEBSITE if consent else "",
            )

        for member in members:
            home = rng.choices(active, weights=[HOME_WEIGHTS[s] for s in active])[0]
            rows.append(membership(member, home, member.date_joined, rng.random() < 0.6))
            if rng.random() < 0.25:
                other = rng.choice([s for s in active if s != home])
                rows.append(membership(member, other, member.date_joined, rng.random() < 0.5))
        long_ago = timezone.now() - relativedelta(years=3)
        for slug in data.ORGANIZERS:
            rows.append(membership(accounts[f"organizer:{slug}"], slug, long_ago, True))
        rows.append(membership(accounts["volunteer"], data.VOLUNTEER[2], long_ago, True))
        for slug in ("twsug", "it-pro-toronto"):
            rows.append(membership(accounts["member"], slug, long_ago, slug == "twsug"))
        # The sponsor's advisor joins the groups it sponsors as a member, as the groups tell it.
        for slug in data.SPONSOR["sponsorships"]:
            rows.append(membership(accounts["liaison"], slug, long_ago, False))
        Membership.objects.bulk_create(rows, ignore_conflicts=True)

        # People in Moncton saying "count me in" to the forming chapter.
        ChapterInterest.objects.bulk_create(
            [ChapterInterest(chapter=chapters["maritug"], user=m) for m in members[::23]],
            ignore_conflicts=True,
        )

    def _sponsor(self, chapters, accounts):
        facts = data.SPONSOR
        sponsor, _ = Sponsor.objects.get_or_create(
            slug=facts["slug"],
            defaults={k: facts[k] for k in ("name", "website", "description")},
        )
        for slug, (level, starts_on, ends_on) in facts["sponsorships"].items():
            Sponsorship.objects.get_or_create(
                sponsor=sponsor,
                chapter=chapters[slug],
                starts_on=starts_on,
                defaults={"level": level, "ends_on": ends_on},
            )
        SponsorLiaison.objects.get_or_create(user=accounts["liaison"], sponsor=sponsor)

    # Meetings.

    def _existing_starts(self):
        return set(Meeting.objects.values_list("chapter_id", "starts_at"))

    def _first_meetings(self, chapters, topics):
        existing = self._existing_starts()
        created = 0
        for slug, start, end, title, text, topic_slugs, agenda, venue_index, guests in data.FIRST_MEETINGS:
            chapter = chapters[slug]
            starts_at = _aware(start, chapter.tzinfo)
            if (chapter.pk, starts_at) in existing:
                continue
            meeting = Meeting.objects.create(
                chapter=chapter,
                title=title,
                description=text,
                starts_at=starts_at,
                ends_at=_aware(end, chapter.tzinfo),
                venue=chapter.demo_venues[venue_index],
                status=Meeting.Status.SCHEDULED,
                guest_count=guests,
            )
            meeting.topics.set([topics[t] for t in topic_slugs])
            AgendaItem.objects.bulk_create(_agenda_items(meeting, agenda))
            created += 1
        return created

    def _plan_monthly(self, chapters, topics):
        """Return unsaved meetings, one a month per active chapter, with their agenda and topics."""
        this_month = timezone.localdate().replace(day=1)
        now = timezone.now()
        planned = []
        for chapter_index, (slug, (week, weekday, start, end)) in enumerate(MONTHLY_PATTERN.items()):
            chapter = chapters[slug]
            tz = chapter.tzinfo
            venue = chapter.demo_venues[-1]
            for offset in range(-PAST_MONTHS, UPCOMING_MONTHS + 1):
                month = this_month + relativedelta(months=offset)
                day = _nth_weekday(month, week, weekday)
                rng = random.Random(f"{slug}-{day.isoformat()}")
                talk_title, talk_topics = data.TALKS[(month.month + chapter_index * 3) % len(data.TALKS)]
                starts_at = _aware(datetime.datetime.combine(day, start), tz)
                meeting = Meeting(
                    chapter=chapter,
                    title=talk_title,
                    description=(
                        f"Our {day:%B} meeting: **{talk_title}**, then time to talk shop. "
                        "Free, everyone welcome; pizza from 6 pm."
                    ),
                    starts_at=starts_at,
                    ends_at=_aware(datetime.datetime.combine(day, end), tz),
                    venue=venue,
                    capacity=venue.capacity,
                    status=Meeting.Status.SCHEDULED,
                )
                if slug == "mitpro" and offset % 2 == 0:
                    meeting.format = Meeting.Format.HYBRID
                    meeting.online_url = "https://meet.example.org/mitpro"
                if offset == UPCOMING_MONTHS:
                    meeting.status = Meeting.Status.DRAFT  # the organizer is still planning it
                if slug == "twsug" and offset == -4:
                    meeting.status = Meeting.Status.CANCELLED
                    meeting.description = "Cancelled: the venue closed for a snowstorm."
                if slug == "it-pro-toronto" and starts_at > now and offset <= 1:
                    meeting.capacity = 20  # small room: this one fills up and has a waitlist
                agenda = [("talk", talk_title, rng.choice(data.SPEAKERS), 60)]
                if slug == "it-pro-toronto":
                    agenda.append(("short", rng.choice(data.SHORT_SESSIONS), "Theo Organizer", 15))
                if rng.random() < 0.5:
                    agenda.append(("discussion", rng.choice(data.DISCUSSIONS), "", 30))
                meeting.demo_agenda = agenda
                meeting.demo_topics = [topics[t] for t in talk_topics]
                if slug == "it-pro-toronto":
                    meeting.demo_topics.append(topics["powershell"])
                if starts_at < now:
                    meeting.guest_count = rng.randint(0, 4)
                meeting.demo_rng = rng
                planned.append(meeting)
        return planned

    def _monthly_meetings(self, chapters, topics, accounts, members):
        existing = self._existing_starts()
        planned = [
            m for m in self._plan_monthly(chapters, topics) if (m.chapter_id, m.starts_at) not in existing
        ]
        if not planned:
            return 0
        # bulk_create returns the planned instances themselves, now saved: their demo_* stay on them.
        meetings = Meeting.objects.bulk_create(planned)
        AgendaItem.objects.bulk_create(item for m in meetings for item in _agenda_items(m, m.demo_agenda))
        Meeting.topics.through.objects.bulk_create(
            Meeting.topics.through(meeting_id=m.pk, topic_id=t.pk) for m in meetings for t in m.demo_topics
        )
        RSVP.objects.bulk_create(self._rsvps(meetings, accounts), ignore_conflicts=True)
        return len(meetings)

    def _rsvps(self, meetings, accounts):
        now = timezone.now()
        pools = {}
        for membership in Membership.objects.select_related("member").order_by("pk"):
            pools.setdefault(membership.chapter_id, []).append(membership)
        door_staff = {
            "it-pro-toronto": [accounts["volunteer"], accounts["organizer:it-pro-toronto"]],
        }
        next_meeting = {}
        for meeting in sorted(meetings, key=lambda m: m.starts_at):
            if meeting.starts_at > now and meeting.status == Meeting.Status.SCHEDULED:
                next_meeting.setdefault(meeting.chapter_id, meeting)
        for meeting in meetings:
            rng = meeting.demo_rng
            if meeting.status != Meeting.Status.SCHEDULED:
                continue
            upcoming = meeting.starts_at > now
            eligible = [
                m.member for m in pools.get(meeting.chapter_id, []) if m.joined_at < meeting.starts_at
            ]
            if not eligible:
                continue
            if upcoming:
                # RSVPs open for the next two months; the Toronto meeting overflows into a waitlist.
                if meeting.starts_at > now + datetime.timedelta(days=62):
                    continue
                wanted = meeting.capacity + 6 if meeting.capacity == 20 else rng.randint(6, 18)
            else:
                wanted = rng.randint(12, min(45, meeting.capacity or 45))
            chosen = rng.sample(eligible, min(wanted, len(eligible)))
            staff = door_staff.get(meeting.chapter.slug, [accounts[f"organizer:{meeting.chapter.slug}"]])
            going = 0
            for position, member in enumerate(chosen):
                created_at = min(
                    meeting.starts_at - datetime.timedelta(days=rng.randint(1, 20), minutes=position),
                    now - datetime.timedelta(minutes=len(chosen) - position),
                )
                rsvp = RSVP(meeting=meeting, member=member, created_at=created_at, status=RSVP.Status.GOING)
                if rng.random() < 0.12:
                    rsvp.status = RSVP.Status.NOT_GOING
                elif meeting.capacity is not None and going >= meeting.capacity:
                    rsvp.status = RSVP.Status.WAITLISTED
                    rsvp.waitlisted_at = created_at
                else:
                    going += 1
                    if not upcoming and rng.random() < 0.78:
                        rsvp.checked_in_at = meeting.starts_at + datetime.timedelta(
                            minutes=rng.randint(-20, 40)
                        )
                        rsvp.checked_in_by = rng.choice(staff)
                yield rsvp

    def _print_logins(self):
        rows = [("superuser", data.SUPERUSER[0])]
        for slug, (email, _) in data.ORGANIZERS.items():
            rows.append((f"organizer of {slug}", email))
        rows.append((f"volunteer at {data.VOLUNTEER[2]}", data.VOLUNTEER[0]))
        rows.append((f"sponsor liaison ({data.SPONSOR['name']})", data.LIAISON[0]))
        rows.append(("member (TWSUG, IT Pro Toronto)", data.MEMBER[0]))
        width = max(len(role) for role, _ in rows)
        self.stdout.write(f"\nDemo logins (password for all: {data.DEMO_PASSWORD}):")
        for role, email in rows:
            self.stdout.write(f"  {role.ljust(width)}  {email}")
        example = Member.objects.filter(email__endswith=".1@example.org").values_list("email", flat=True)
        self.stdout.write(f"  {'fictional members'.ljust(width)}  e.g. {example.first()}")
