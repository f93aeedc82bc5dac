"""Demo talks, speakers and a speaker tour, beside the demo network (run by `seed_demo`).

Safe to run again: every row is looked up by its natural key first. The community tour follows the
groups' own story: a visiting speaker's "Virtualization Reality" talk at MITPro in May 2008, here
also given in Mississauga for IT Pro Toronto the month before.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from chapters.models import Chapter
from meetings import demo_data
from meetings.models import AgendaItem, Meeting, Topic
from members.models import Member

from .models import CallForSpeakers, Proposal, SpeakerProfile, Tour, TourStop

SPEAKERS = {
    # email: (display name, profile slug, bio)
    "morgan.placeholder@example.org": (
        "Morgan Placeholder",
        "morgan-placeholder",
        "Infrastructure consultant and community speaker. Toured the IT pro user groups in 2008 with "
        "**Virtualization Reality**, on what running virtual servers is like once the demo is over.",
    ),
    "avery.example@example.org": (
        "Avery Example",
        "avery-example",
        "Systems administrator in Mississauga; gave the first talk at IT Pro Toronto, on taking "
        "virtualization from the lab to production.",
    ),
}
TOUR_TITLE = "Virtualization Reality"
TOUR_ABSTRACT = (
    "What virtualization means in practice: consolidation figures that hold, storage and backup "
    "after the move, licensing, and what to leave on physical servers."
)
TORONTO_TOUR_STOP = (datetime.datetime(2008, 4, 15, 18, 0), datetime.datetime(2008, 4, 15, 21, 0))


def seed():
    """Add the demo speakers, proposals, a call for speakers and the community tour; return a summary."""
    with transaction.atomic():
        chapters = Chapter.objects.in_bulk(["it-pro-toronto", "mitpro", "twsug"], field_name="slug")
        if len(chapters) < 3:
            return "speakers: the demo chapters are missing; run seed_demo first."
        speakers = _speakers()
        _credit_first_talk(speakers["avery.example@example.org"], chapters["it-pro-toronto"])
        _tour(speakers["morgan.placeholder@example.org"], chapters)
        _proposals(chapters)
        _call(chapters["it-pro-toronto"])
    return (
        f"speakers: {SpeakerProfile.objects.filter(is_public=True).count()} public speaker profiles, "
        f"{Proposal.objects.count()} proposals, {Tour.objects.count()} tours."
    )


def _speakers():
    password = make_password(demo_data.DEMO_PASSWORD)
    found = {}
    for email, (name, slug, bio) in SPEAKERS.items():
        member, _ = Member.objects.get_or_create(
            email=email, defaults={"display_name": name, "password": password}
        )
        EmailAddress.objects.get_or_create(
            user=member, email=email, defaults={"verified": True, "primary": True}
        )
        SpeakerProfile.objects.get_or_create(
            member=member,
            defaults={"slug": slug, "bio": bio, "is_public": True, "public_consent_at": member.date_joined},
        )
        found[email] = member
    return found


def _scheduled(member, item, chapter, *, level=Proposal.Level.INTERMEDIATE):
    """Credit an agenda item to its speaker, as a proposal placed on it would."""
    proposal = Proposal.objects.filter(agenda_item=item).first()
    if proposal is None:
        proposal = Proposal.objects.create(
            chapter=chapter,
            speaker=member,
            title=item.title,
            abstract=item.description or TOUR_ABSTRACT,
            kind=item.kind,
            level=level,
            speaker_bio=item.speaker_bio,
            state=Proposal.State.SCHEDULED,
            agenda_item=item,
        )
    return proposal


def _credit_first_talk(member, toronto):
    item = AgendaItem.objects.filter(
        meeting__chapter=toronto,
        title="Virtualization: from the lab to production",
        speaker=member.display_name,
    ).first()
    if item is not None:
        _scheduled(member, item, toronto, level=Proposal.Level.INTRODUCTORY)


def _toronto_stop_meeting(toronto):
    tz = toronto.tzinfo
    start, end = (moment.replace(tzinfo=tz) for moment in TORONTO_TOUR_STOP)
    meeting, created = Meeting.objects.get_or_create(
        chapter=toronto,
        starts_at=start,
        defaults={
            "title": "Virtualization Reality: community tour",
            "description": "A visiting speaker's community-tour talk, in Mississauga.",
            "ends_at": end,
            "venue": toronto.venues.order_by("pk").first(),
            "status": Meeting.Status.SCHEDULED,
            "guest_count": 30,
        },
    )
    if created:
        meeting.topics.set(Topic.objects.filter(slug="virtualization"))
        AgendaItem.objects.create(
            meeting=meeting,
            title=TOUR_TITLE,
            kind=AgendaItem.Kind.TALK,
            speaker="Morgan Placeholder",
            duration_minutes=90,
        )
    return meeting


def _tour(member, chapters):
    tour, _ = Tour.objects.get_or_create(
        speaker=member,
        title=TOUR_TITLE,
        defaults={
            "abstract": TOUR_ABSTRACT,
            "kind": AgendaItem.Kind.TALK,
            "duration_minutes": 90,
            "available_from": datetime.date(2008, 4, 1),
            "available_to": datetime.date(2008, 6, 30),
        },
    )
    mitpro_meeting = Meeting.objects.filter(chapter=chapters["mitpro"], title__startswith=TOUR_TITLE).first()
    for chapter, meeting in (
        (chapters["it-pro-toronto"], _toronto_stop_meeting(chapters["it-pro-toronto"])),
        (chapters["mitpro"], mitpro_meeting),
    ):
        if meeting is None or TourStop.objects.filter(tour=tour, chapter=chapter).exists():
            continue
        item = meeting.agenda_items.filter(title=TOUR_TITLE).first()
        proposal = _scheduled(member, item, chapter) if item else None
        organizer = chapter.roles.filter(role="organizer").select_related("user").first()
        TourStop.objects.create(
            tour=tour,
            chapter=chapter,
            meeting=meeting,
            state=TourStop.State.ACCEPTED,
            requested_by=organizer.user if organizer else None,
            proposal=proposal,
            answered_at=meeting.starts_at - datetime.timedelta(days=40),
        )


def _proposals(chapters):
    wanted = [
        # (speaker email, chapter slug, title, kind, level, state, message)
        (
            demo_data.MEMBER[0],
            "it-pro-toronto",
            "PowerShell Snack: one-liners for the help desk",
            AgendaItem.Kind.SHORT,
            Proposal.Level.INTRODUCTORY,
            Proposal.State.SUBMITTED,
            "",
        ),
        (
            demo_data.MEMBER[0],
            "twsug",
            "System Center in a small shop",
            AgendaItem.Kind.TALK,
            Proposal.Level.INTERMEDIATE,
            Proposal.State.ACCEPTED,
            "Yes please! We will place it on a meeting this season.",
        ),
        (
            "avery.example@example.org",
            "mitpro",
            "Hyper-V et VMware côte à côte",
            AgendaItem.Kind.TALK,
            Proposal.Level.ADVANCED,
            Proposal.State.CHANGES_REQUESTED,
            "Merci! Pourriez-vous ajouter une démonstration de migration à chaud?",
        ),
    ]
    members = Member.objects.in_bulk([row[0] for row in wanted], field_name="email")
    for email, slug, title, kind, level, state, message in wanted:
        member = members.get(email)
        if member is None:
            continue
        chapter = chapters[slug]
        organizer = chapter.roles.filter(role="organizer").select_related("user").first()
        Proposal.objects.get_or_create(
            speaker=member,
            chapter=chapter,
            title=title,
            defaults={
                "abstract": f"{title}: what works, what to avoid, and a live demonstration.",
                "kind": kind,
                "level": level,
                "state": state,
                "speaker_bio": member.bio or "Member of the group for years; works in IT operations.",
                "preferred_months": [],
                "review_message": message,
                "reviewed_by": organizer.user if organizer and message else None,
                "reviewed_at": timezone.now() if message else None,
            },
        )


def _call(toronto):
    now = timezone.now()
    if CallForSpeakers.objects.filter(chapter=toronto, closes_at__gt=now).exists():
        return
    CallForSpeakers.objects.create(
        chapter=toronto,
        title="PowerShell Snacks: 15-minute sessions wanted",
        description=(
            "Show one trick that saves you time every week, in 15 minutes. First-time speakers welcome."
        ),
        topic=None,
        opens_at=now - datetime.timedelta(days=7),
        closes_at=now + datetime.timedelta(days=45),
    )
