"""Seed the benchmark database with a large network: 50 chapters, 12,000 meetings, 100,000 members and
1,000,000 RSVPs with check-ins, loaded with COPY in well under two minutes.

The data is deterministic (no randomness): the same scale always gives the same rows, so two runs
measure the same thing. One chapter, the OPCUG IT Pro SIG, has the same history at every scale (its
meetings, their 30 RSVPs each, its members and their join dates); the report-scaling benchmark
reads it while the rest of the network grows around it.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.seed --scale full [--force]
"""

import argparse
import dataclasses
import datetime
import json
import os
import sys
import time
import zoneinfo

# Measured chapter: same history at every scale.
REPORT_CHAPTER_SLUG = "opcug-it-pro-sig"
REPORT_CHAPTER_RSVPS_PER_MEETING = 30
# Only the first members (as many as the smallest scale has) belong to the report chapter.
REPORT_CHAPTER_MEMBER_POOL = 5_000
# The newsletter fan-out goes to this chapter, which gets exactly Scale.fanout_subscribers subscribers.
FANOUT_CHAPTER_SLUG = "twsug"
UPCOMING_MONTHS = 12
FRENCH_CITIES = {"Montreal", "Quebec City", "Sherbrooke", "Gatineau"}
CAPACITY = 150
BENCH_PASSWORD = "itpro-bench-2026"  # noqa: S105 (fictional accounts on a local database)


@dataclasses.dataclass(frozen=True)
class Scale:
    name: str
    chapters: int = 50
    meetings: int = 12_000
    members: int = 100_000
    rsvps: int = 1_000_000
    # Consenting newsletter subscribers of the fan-out chapter (0: leave it as seeded).
    fanout_subscribers: int = 10_000


SCALES = {
    "full": Scale("full"),
    "100k": Scale("100k", members=20_000, rsvps=100_000, fanout_subscribers=0),
    "10k": Scale("10k", members=5_000, rsvps=10_000, fanout_subscribers=0),
}

# The chapters the network started with (see the project's facts), then fictional ones.
NAMED_CHAPTERS = [
    ("OPCUG IT Pro SIG", "opcug-it-pro-sig", "Ottawa", "ON", "Canada", "America/Toronto", "2004-10-13"),
    ("IT Pro Toronto", "it-pro-toronto", "Toronto", "ON", "Canada", "America/Toronto", "2008-03-18"),
    (
        "Toronto Windows Server User Group",
        "twsug",
        "Toronto",
        "ON",
        "Canada",
        "America/Toronto",
        "2004-07-15",
    ),
    ("MITPro", "mitpro", "Montreal", "QC", "Canada", "America/Toronto", "2006-05-10"),
]
FORMING_CHAPTER = ("MariTUG", "maritug", "Moncton", "NB", "Canada", "America/Moncton", None)
MORE_CITIES = [
    ("Vancouver", "BC", "Canada", "America/Vancouver"),
    ("Calgary", "AB", "Canada", "America/Edmonton"),
    ("Edmonton", "AB", "Canada", "America/Edmonton"),
    ("Winnipeg", "MB", "Canada", "America/Winnipeg"),
    ("Regina", "SK", "Canada", "America/Regina"),
    ("Saskatoon", "SK", "Canada", "America/Regina"),
    ("Halifax", "NS", "Canada", "America/Halifax"),
    ("Quebec City", "QC", "Canada", "America/Toronto"),
    ("Sherbrooke", "QC", "Canada", "America/Toronto"),
    ("Gatineau", "QC", "Canada", "America/Toronto"),
    ("Kingston", "ON", "Canada", "America/Toronto"),
    ("Waterloo", "ON", "Canada", "America/Toronto"),
    ("London", "ON", "Canada", "America/Toronto"),
    ("Hamilton", "ON", "Canada", "America/Toronto"),
    ("Sudbury", "ON", "Canada", "America/Toronto"),
    ("Thunder Bay", "ON", "Canada", "America/Toronto"),
    ("St. John's", "NL", "Canada", "America/St_Johns"),
    ("Charlottetown", "PE", "Canada", "America/Halifax"),
    ("Fredericton", "NB", "Canada", "America/Moncton"),
    ("Victoria", "BC", "Canada", "America/Vancouver"),
    ("Kelowna", "BC", "Canada", "America/Vancouver"),
    ("Whitehorse", "YT", "Canada", "America/Whitehorse"),
    ("Orlando", "FL", "United States", "America/New_York"),
    ("Boston", "MA", "United States", "America/New_York"),
    ("Buffalo", "NY", "United States", "America/New_York"),
    ("Rochester", "NY", "United States", "America/New_York"),
    ("Detroit", "MI", "United States", "America/Detroit"),
    ("Chicago", "IL", "United States", "America/Chicago"),
    ("Minneapolis", "MN", "United States", "America/Chicago"),
    ("Denver", "CO", "United States", "America/Denver"),
    ("Seattle", "WA", "United States", "America/Los_Angeles"),
    ("Portland", "OR", "United States", "America/Los_Angeles"),
    ("Austin", "TX", "United States", "America/Chicago"),
    ("Atlanta", "GA", "United States", "America/New_York"),
    ("Raleigh", "NC", "United States", "America/New_York"),
    ("Pittsburgh", "PA", "United States", "America/New_York"),
    ("Cleveland", "OH", "United States", "America/New_York"),
    ("Columbus", "OH", "United States", "America/New_York"),
    ("Phoenix", "AZ", "United States", "America/Phoenix"),
    ("Salt Lake City", "UT", "United States", "America/Denver"),
    ("San Diego", "CA", "United States", "America/Los_Angeles"),
    ("Sacramento", "CA", "United States", "America/Los_Angeles"),
    ("Nashville", "TN", "United States", "America/Chicago"),
    ("Burlington", "VT", "United States", "America/New_York"),
    ("Albany", "NY", "United States", "America/New_York"),
]
TOPICS = [
    "Virtualization",
    "PowerShell",
    "System Center",
    "Exchange",
    "SQL Server",
    "Home Server",
    "High Performance Computing",
    "Small Business Server",
    "OS Deployment",
    "Application Deployment",
    "Hyper-V",
    "VMware",
    "Patch Management",
    "Help Desk",
    "Server Management",
    "Security",
    "Virtual Desktop",
    "Cloud",
    "Networking",
    "Identity",
]
FIRST_NAMES = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Jamie",
    "Robin",
    "Chris",
    "Pat",
    "Dana",
    "Lee",
    "Noor",
    "Amara",
    "Mei",
    "Luc",
    "Élise",
    "Mathieu",
    "Priya",
    "Tomás",
]
LAST_NAMES = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Smith",
    "Brown",
    "Wilson",
    "Martin",
    "Lee",
    "Singh",
    "Chen",
    "Nguyen",
    "Okafor",
    "Haddad",
    "Kowalski",
    "Murphy",
    "Leblanc",
    "Park",
    "Silva",
]


def chapter_specs():
    """Return the 50 chapter tuples (name, slug, city, region, country, tz, founded, status)."""
    specs = [(*spec, "active") for spec in NAMED_CHAPTERS]
    specs.append((*FORMING_CHAPTER, "forming"))
    for index, (city, region, country, tz) in enumerate(MORE_CITIES):
        slug = "it-pro-" + city.lower().replace(".", "").replace("'", "").replace(" ", "-")
        founded = f"{2005 + index % 12}-{1 + index % 12:02d}-15"
        specs.append((f"IT Pro {city}", slug, city, region, country, tz, founded, "active"))
    return specs


def spread(total, count, swing=0.3):
    """Split `total` into `count` non-negative parts that vary around the mean and sum to `total`."""
    if count == 0:
        return []
    base, extra = divmod(total, count)
    delta = int(base * swing)
    parts = [base + (1 if index < extra else 0) for index in range(count)]
    # Alternate +delta/-delta in pairs so the sum is unchanged.
    for index in range(0, count - 1, 2):
        parts[index] += delta
        parts[index + 1] -= delta
    return parts


def month_meeting_start(year, month, tz):
    """Return the second Tuesday of the month at 18:30 local time, in UTC."""
    first = datetime.date(year, month, 1)
    tuesday = first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)
    local = datetime.datetime.combine(tuesday, datetime.time(18, 30), tzinfo=zoneinfo.ZoneInfo(tz))
    return local.astimezone(datetime.UTC)


def add_months(year, month, offset):
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


class Seeder:
    def __init__(self, scale, *, now=None, log=print):
        self.scale = scale
        self.now = now or datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        self.log = log
        self.counts = {}

    def run(self):
        from django.db import connection, transaction

        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys are consistent by construction: skip their per-row triggers while loading.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")
            self.truncate(cursor)
            self.seed_chapters()
            self.seed_members()
            self.seed_meetings()
            self.seed_rsvps()
            self.reset_sequences(cursor)
            self.write_marker(cursor)
        with connection.cursor() as cursor:
            tables = sorted({model._meta.db_table for model in self.models()})
            cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))
        self.counts["seconds"] = round(time.monotonic() - started, 1)
        self.log(f"seeded {self.scale.name}: {json.dumps(self.counts)}")
        return self.counts

    # ---- helpers ------------------------------------------------------------------------------

    def models(self):
        from django.apps import apps

        labels = ("chapters", "members", "meetings", "account", "sessions")
        return [
            model
            for label in labels
            if label in {config.label for config in apps.get_app_configs()}
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        ]

    def truncate(self, cursor):
        from django.db import connection

        tables = sorted({model._meta.db_table for model in self.models()})
        cursor.execute(
            "TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(map(connection.ops.quote_name, tables)))
        )

    def reset_sequences(self, cursor):
        from django.core.management.color import no_style
        from django.db import connection

        for statement in connection.ops.sequence_reset_sql(no_style(), self.models()):
            cursor.execute(statement)

    def write_marker(self, cursor):
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed"
            " (scale text PRIMARY KEY, seeded_at timestamptz, counts text)"
        )
        cursor.execute("DELETE FROM bench_seed")
        cursor.execute(
            "INSERT INTO bench_seed VALUES (%s, %s, %s)", [self.scale.name, self.now, json.dumps(self.counts)]
        )

    def copy(self, model, names, rows):
        from .copyload import copy_rows

        written = copy_rows(model, names, rows)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        return written

    # ---- chapters, venues, topics, sponsors ---------------------------------------------------

    def seed_chapters(self):
        from chapters.models import Chapter, Sponsor, Sponsorship, Venue
        from meetings.models import Topic

        specs = chapter_specs()[: self.scale.chapters]
        self.chapters = []
        rows = []
        for pk, (name, slug, city, region, country, tz, founded, status) in enumerate(specs, start=1):
            description = (
                f"The IT Pro user group of {city}: monthly evenings of talks and discussion on "
                "infrastructure, deployment, virtualization and automation. Free to join."
            )
            rows.append(
                (
                    pk,
                    name,
                    slug,
                    city,
                    region,
                    country,
                    tz,
                    founded,
                    status,
                    description,
                    f"https://{slug}.example.org/",
                    f"organizers@{slug}.example.org",
                    f"{name}\nPO Box {100 + pk}\n{city}, {region}",
                )
            )
            self.chapters.append({"pk": pk, "slug": slug, "tz": tz, "city": city, "status": status})
        self.copy(
            Chapter,
            [
                "id",
                "name",
                "slug",
                "city",
                "region",
                "country",
                "time_zone",
                "founded_on",
                "status",
                "description",
                "website",
                "contact_email",
                "mailing_address",
            ],
            rows,
        )
        venue_rows = []
        for chapter in self.chapters:
            for offset, (kind, capacity) in enumerate((("Library", 80), ("Tech Hub", CAPACITY))):
                pk = chapter["pk"] * 2 - 1 + offset
                venue_rows.append(
                    (
                        pk,
                        chapter["pk"],
                        f"{chapter['city']} {kind}",
                        f"{100 + pk} Main Street",
                        chapter["city"],
                        capacity,
                        "Step-free entrance; elevator to the meeting room.",
                    )
                )
            chapter["venue_ids"] = (chapter["pk"] * 2 - 1, chapter["pk"] * 2)
        self.copy(
            Venue,
            ["id", "chapter_id", "name", "address", "city", "capacity", "accessibility_notes"],
            venue_rows,
        )
        self.topic_ids = list(range(1, len(TOPICS) + 1))
        self.copy(
            Topic,
            ["id", "name", "slug", "description"],
            (
                (pk, name, name.lower().replace(" ", "-"), f"Talks and discussions on {name}.")
                for pk, name in enumerate(TOPICS, start=1)
            ),
        )
        self.copy(
            Sponsor,
            ["id", "name", "slug", "website", "description"],
            [
                (1, "Contoso", "contoso", "https://contoso.example.org/", "Supports IT Pro communities."),
                (2, "Fabrikam", "fabrikam", "https://fabrikam.example.org/", "Infrastructure software."),
            ],
        )
        sponsorships = []
        for chapter in self.chapters[:10]:
            sponsorships.append((chapter["pk"], 1, chapter["pk"], "gold", "2004-01-01", None))
        for chapter in self.chapters[10:20]:
            sponsorships.append((chapter["pk"], 2, chapter["pk"], "silver", "2015-01-01", "2022-12-31"))
        self.copy(
            Sponsorship, ["id", "sponsor_id", "chapter_id", "level", "starts_on", "ends_on"], sponsorships
        )

    # ---- members and memberships --------------------------------------------------------------

    def seed_members(self):
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from chapters.models import ChapterRole, SponsorLiaison
        from members.models import Member, Membership

        password = make_password(BENCH_PASSWORD)
        count = self.scale.members
        chapters = self.chapters
        first_joined = datetime.datetime(2004, 6, 1, tzinfo=datetime.UTC)
        span = (self.now - first_joined).total_seconds()

        def joined(index):
            # Spread over the years within each block of the pool, so a member's date does not
            # depend on how many members the scale has.
            block = REPORT_CHAPTER_MEMBER_POOL
            return first_joined + datetime.timedelta(seconds=int(span * (index % block) / block))

        def member_rows():
            for index in range(count):
                home = chapters[index % len(chapters)]
                name = f"{FIRST_NAMES[index % 20]} {LAST_NAMES[(index // 20) % 20]}"
                french = home["city"] in FRENCH_CITIES or index % 10 == 3
                yield (
                    index + 1,
                    f"member{index + 1:06d}@example.org",
                    name,
                    password,
                    "fr" if french else "en",
                    home["tz"],
                    index % 3 == 0,
                    index % 5 < 2,
                    joined(index),
                )

        names = [
            "id",
            "email",
            "display_name",
            "password",
            "preferred_language",
            "time_zone",
            "share_contact_with_sponsors",
            "show_name_on_attendee_lists",
            "date_joined",
        ]
        self.copy(Member, names, member_rows())

        # Staff accounts after the members: a superuser, one organizer per chapter, a liaison.
        staff = [(count + 1, "admin@example.org", "Network Admin", True, True)]
        for chapter in chapters:
            pk = count + 1 + chapter["pk"]
            chapter["organizer_id"] = pk
            email = f"organizer-{chapter['slug']}@example.org"
            staff.append((pk, email, f"Organizer {chapter['city']}", True, False))
        self.liaison_id = count + len(chapters) + 2
        staff.append((self.liaison_id, "liaison@example.org", "Contoso IT Pro Advisor", False, False))
        self.copy(
            Member,
            ["id", "email", "display_name", "is_staff", "is_superuser", "password", "date_joined"],
            ((*row, password, first_joined) for row in staff),
        )
        self.copy(
            ChapterRole,
            ["id", "user_id", "chapter_id", "role", "since"],
            ((c["pk"], c["organizer_id"], c["pk"], "organizer", "2008-01-01") for c in chapters),
        )
        self.copy(SponsorLiaison, ["id", "user_id", "sponsor_id"], [(1, self.liaison_id, 1)])
        self.copy(
            EmailAddress,
            ["id", "user_id", "email", "verified", "primary"],
            (
                (pk, pk, email, True, True)
                for pk, email in [(i + 1, f"member{i + 1:06d}@example.org") for i in range(count)]
                + [(row[0], row[1]) for row in staff]
            ),
        )

        # Everyone belongs to their home chapter; a third also to a second one.
        self.chapter_members = {chapter["pk"]: [] for chapter in chapters}

        report_position = next(
            (position for position, c in enumerate(chapters) if c["slug"] == REPORT_CHAPTER_SLUG), None
        )
        fanout_pk = next((c["pk"] for c in chapters if c["slug"] == FANOUT_CHAPTER_SLUG), None)

        def membership_rows():
            pk = 0
            fanout_subscribed = 0
            for index in range(count):
                homes = [index % len(chapters)]
                if index % 3 == 0 and len(chapters) > 1:
                    homes.append((homes[0] + 1 + index % min(7, len(chapters) - 1)) % len(chapters))
                if index >= REPORT_CHAPTER_MEMBER_POOL and report_position in homes:
                    # The report chapter keeps the same members at every scale.
                    homes.remove(report_position)
                    homes = homes or [(report_position + 1) % len(chapters)]
                for position in homes:
                    pk += 1
                    chapter_pk = chapters[position]["pk"]
                    self.chapter_members[chapter_pk].append(index + 1)
                    at = joined(index)
                    subscribed = index % 5 < 3
                    fanout_subscribed += chapter_pk == fanout_pk and subscribed
                    yield (
                        pk,
                        index + 1,
                        chapter_pk,
                        at,
                        "website",
                        subscribed,
                        at if subscribed else None,
                        "website" if subscribed else "",
                    )
            # Top the fan-out chapter up with subscribers from other chapters (they joined it too).
            already = set(self.chapter_members.get(fanout_pk, ()))
            for index in range(count):
                if fanout_subscribed >= self.scale.fanout_subscribers:
                    break
                if index + 1 in already:
                    continue
                pk += 1
                fanout_subscribed += 1
                self.chapter_members[fanout_pk].append(index + 1)
                at = joined(index)
                yield (pk, index + 1, fanout_pk, at, "website", True, at, "website")

        self.copy(
            Membership,
            [
                "id",
                "member_id",
                "chapter_id",
                "joined_at",
                "source",
                "newsletter_subscribed",
                "newsletter_consent_at",
                "newsletter_consent_source",
            ],
            membership_rows(),
        )

    # ---- meetings, topics, agenda -------------------------------------------------------------

    def seed_meetings(self):
        from meetings.models import AgendaItem, Meeting

        active = [chapter for chapter in self.chapters if chapter["status"] == "active"]
        per_chapter = spread(self.scale.meetings, len(active), swing=0)
        today = self.now.date()
        self.meetings = []  # (pk, chapter, starts_at, is_past, is_cancelled)
        rows, topic_rows, agenda_rows = [], [], []
        for chapter, count in zip(active, per_chapter, strict=True):
            first_year, first_month = add_months(today.year, today.month, UPCOMING_MONTHS - count + 1)
            for number in range(count):
                pk = len(self.meetings) + 1
                year, month = add_months(first_year, first_month, number)
                starts_at = month_meeting_start(year, month, chapter["tz"])
                past = starts_at < self.now
                cancelled = past and number % 50 == 17
                topic = TOPICS[(number * 7 + chapter["pk"]) % len(TOPICS)]
                online = number % 6 == 5
                rows.append(
                    (
                        pk,
                        chapter["pk"],
                        f"{topic} night",
                        starts_at,
                        starts_at + datetime.timedelta(hours=2, minutes=30),
                        chapter["venue_ids"][number % 2],
                        "https://meet.example.org/" + chapter["slug"] if online else "",
                        "hybrid" if online else "in_person",
                        CAPACITY,
                        "cancelled" if cancelled else "scheduled",
                        f"An evening on **{topic}**: a main talk, a short session and open discussion.",
                        starts_at - datetime.timedelta(days=30),
                    )
                )
                self.meetings.append((pk, chapter, starts_at, past, cancelled))
                topic_rows.append((pk, 1 + (number * 7 + chapter["pk"]) % len(TOPICS)))
                if number % 2:
                    topic_rows.append((pk, 1 + (number * 3 + chapter["pk"] + 5) % len(TOPICS)))
                agenda_rows.append(
                    (pk * 2 - 1, pk, 1, f"{topic} in practice", "talk", f"Speaker {pk % 97}", 60)
                )
                agenda_rows.append((pk * 2, pk, 2, "PowerShell Snack", "short", f"Volunteer {pk % 53}", 15))
        self.copy(
            Meeting,
            [
                "id",
                "chapter_id",
                "title",
                "starts_at",
                "ends_at",
                "venue_id",
                "online_url",
                "format",
                "capacity",
                "status",
                "description",
                "created_at",
            ],
            rows,
        )
        through = Meeting.topics.through
        self.copy(
            through,
            ["id", "meeting_id", "topic_id"],
            ((index, meeting, topic) for index, (meeting, topic) in enumerate(topic_rows, start=1)),
        )
        self.copy(
            AgendaItem,
            ["id", "meeting_id", "position", "title", "kind", "speaker", "duration_minutes"],
            agenda_rows,
        )

    # ---- RSVPs and check-ins ------------------------------------------------------------------

    def seed_rsvps(self):
        from meetings.models import RSVP

        fixed = [m for m in self.meetings if m[1]["slug"] == REPORT_CHAPTER_SLUG]
        others = [m for m in self.meetings if m[1]["slug"] != REPORT_CHAPTER_SLUG]
        rest = max(0, self.scale.rsvps - REPORT_CHAPTER_RSVPS_PER_MEETING * len(fixed))
        plan = [(m, REPORT_CHAPTER_RSVPS_PER_MEETING) for m in fixed]
        plan += list(zip(others, spread(rest, len(others)), strict=True))

        def rows():
            pk = 0
            for (meeting_pk, chapter, starts_at, past, cancelled), size in plan:
                people = self.chapter_members[chapter["pk"]]
                size = min(size, len(people), CAPACITY)
                start = (meeting_pk * 997) % len(people)
                for seat in range(size):
                    pk += 1
                    member = people[(start + seat) % len(people)]
                    going = seat % 20 != 19
                    checked_in = past and going and not cancelled and seat % 4 != 3
                    yield (
                        pk,
                        meeting_pk,
                        member,
                        "going" if going else "not_going",
                        starts_at - datetime.timedelta(days=1 + seat % 20, minutes=seat),
                        starts_at + datetime.timedelta(minutes=seat % 40) if checked_in else None,
                        chapter["organizer_id"] if checked_in else None,
                    )

        self.copy(
            RSVP,
            ["id", "meeting_id", "member_id", "status", "created_at", "checked_in_at", "checked_in_by_id"],
            rows(),
        )


def seeded_counts():
    """Return the counts recorded by the last complete seed of this schema, or None."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_seed')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT scale, counts FROM bench_seed")
        row = cursor.fetchone()
    return {"scale": row[0], **json.loads(row[1])} if row else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--force", action="store_true", help="seed again even if this scale is there")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    existing = seeded_counts()
    if existing and existing["scale"] == args.scale and not args.force:
        print(f"already seeded ({args.scale}); --force to seed again", file=sys.stderr)
        return 0
    Seeder(SCALES[args.scale], log=lambda line: print(line, file=sys.stderr)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
