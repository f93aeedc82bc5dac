"""Demo data for the community program, on top of the demo network (meetings' seed_demo).

Safe to run again: every row is found or created by a natural key, so a second run adds nothing
and an organizer's edits survive. Choices are seeded from stable keys, as the rest of the demo.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from chapters.models import Chapter
from meetings import demo_data
from meetings.models import RSVP, Meeting
from members.models import Member

from .models import (
    FeedbackResponse,
    MeetingNote,
    Poll,
    PollChoice,
    TalkRating,
    VolunteerRole,
    VolunteerSignup,
    Vote,
)

VOLUNTEER_EMAIL = "volunteer.toronto@example.org"
ORGANIZER_EMAIL = "organizer.toronto@example.org"
# (kind, places, description) for each chapter's next meeting.
ROLES = [
    (VolunteerRole.Kind.DOOR, 2, "Welcome people and check them in with the door page on your phone."),
    (VolunteerRole.Kind.SETUP, 3, "Chairs, projector and coffee, 30 minutes before the start."),
    (VolunteerRole.Kind.SPEAKER_CARE, 1, "Meet the speakers, test their laptop on the projector."),
]
POLL_QUESTION = "Should we meet in person or online (chat rooms)?"
POLL_CHOICES = ["In person", "Online, in chat rooms", "Both: in person and streamed"]
# TWSUG's members answered overwhelmingly in person (seeds' FACTS.md).
POLL_WEIGHTS = [78, 12, 10]
NOTE = (
    "A full room for the evening's talks, with many questions after each demo. "
    "Several newcomers joined the chapter at the door.\n\n"
    "**Highlights**\n\n"
    "- The PowerShell Snack ran over time: people wanted more.\n"
    "- Northwind's IT Pro Advisor answered questions at the break."
)
COMMENTS = ["Great demos, thank you!", "More time for questions next time, please.", "", "", ""]


def seed(*, now=None):
    """Add volunteer roles, TWSUG's poll, feedback on a held meeting and a note for the sponsor."""
    now = now or timezone.now()
    with transaction.atomic():
        roles = _volunteer_roles(now)
        votes = _twsug_poll(now)
        responses = _feedback(now)
        notes = _sponsor_note(now)
    return (
        f"Community: {roles} volunteer roles, {votes} poll votes, {responses} feedback responses, "
        f"{notes} notes for sponsors."
    )


def _next_meetings(now):
    upcoming = Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now).order_by(
        "starts_at"
    )
    first = {}
    for meeting in upcoming.select_related("chapter"):
        first.setdefault(meeting.chapter_id, meeting)
    return list(first.values())


def _last_held(slug, now):
    return (
        Meeting.objects.filter(chapter__slug=slug, status=Meeting.Status.SCHEDULED, ends_at__lt=now)
        .filter(rsvps__checked_in_at__isnull=False)
        .distinct()
        .order_by("-starts_at")
        .first()
    )


def _volunteer_roles(now):
    volunteer = Member.objects.filter(email=VOLUNTEER_EMAIL).first()
    meetings = _next_meetings(now)
    # Toronto's last meeting had its door staffed too: with the next one, one of the two falls in
    # the current year whatever the date, so the chapter page always has someone to thank.
    held = _last_held("it-pro-toronto", now)
    if held is not None:
        meetings.append(held)
    for meeting in meetings:
        rng = random.Random(f"volunteers:{meeting.chapter.slug}")
        members = list(
            Member.objects.filter(memberships__chapter=meeting.chapter, is_active=True).order_by("pk")[:40]
        )
        for kind, places, description in ROLES:
            role, _ = VolunteerRole.objects.get_or_create(
                meeting=meeting, kind=kind, defaults={"places": places, "description": description}
            )
            if VolunteerSignup.objects.filter(role=role).exists() or not members:
                continue
            helpers = rng.sample(members, k=min(places - 1, len(members)))
            if kind == VolunteerRole.Kind.DOOR and volunteer and meeting.chapter.slug == "it-pro-toronto":
                helpers = [volunteer]
            for index, member in enumerate(helpers):
                confirmed = index == 0
                VolunteerSignup.objects.create(
                    role=role,
                    member=member,
                    state=VolunteerSignup.State.CONFIRMED if confirmed else VolunteerSignup.State.PENDING,
                    confirmed_at=now if confirmed else None,
                    thank_publicly=rng.random() < 0.7 or member == volunteer,
                )
    return VolunteerRole.objects.count()


def _twsug_poll(now):
    chapter = Chapter.objects.filter(slug="twsug").first()
    if chapter is None:
        return 0
    poll, created = Poll.objects.get_or_create(
        chapter=chapter,
        question=POLL_QUESTION,
        defaults={
            "opens_at": now - datetime.timedelta(days=10),
            "closes_at": now + datetime.timedelta(days=20),
            "allow_other": True,
        },
    )
    if created:
        PollChoice.objects.bulk_create(
            PollChoice(poll=poll, label=label, position=n) for n, label in enumerate(POLL_CHOICES)
        )
    if not poll.votes.exists():
        choices = list(poll.choices.all())
        rng = random.Random("twsug-poll")
        # The demo logins stay free to vote themselves.
        voters = (
            Member.objects.filter(memberships__chapter=chapter, is_active=True)
            .exclude(email__in=_login_emails())
            .order_by("pk")
        )
        for member in voters[:60]:
            vote = Vote.objects.create(poll=poll, member=member, created_at=now - datetime.timedelta(days=5))
            vote.choices.set(rng.choices(choices, weights=POLL_WEIGHTS[: len(choices)]))
    return poll.votes.count()


def _login_emails():
    accounts = [demo_data.SUPERUSER, demo_data.LIAISON, demo_data.MEMBER, demo_data.VOLUNTEER]
    return [account[0] for account in accounts] + [email for email, _name in demo_data.ORGANIZERS.values()]


def _feedback(now):
    meeting = _last_held("it-pro-toronto", now)
    if meeting is None:
        return 0
    talks = list(meeting.agenda_items.all())
    attendees = (
        RSVP.objects.filter(meeting=meeting, checked_in_at__isnull=False)
        .select_related("member")
        .order_by("pk")
    )
    rng = random.Random(f"feedback:{meeting.pk}")
    for index, rsvp in enumerate(attendees[:12]):
        response, created = FeedbackResponse.objects.get_or_create(
            meeting=meeting,
            member=rsvp.member,
            defaults={"comment": COMMENTS[index % len(COMMENTS)], "created_at": meeting.ends_at},
        )
        if created:
            TalkRating.objects.bulk_create(
                TalkRating(response=response, agenda_item=talk, rating=rng.choice([3, 4, 4, 5, 5]))
                for talk in talks
            )
    return FeedbackResponse.objects.filter(meeting=meeting).count()


def _sponsor_note(now):
    meeting = _last_held("it-pro-toronto", now)
    if meeting is None:
        return 0
    author = Member.objects.filter(email=ORGANIZER_EMAIL).first()
    MeetingNote.objects.get_or_create(
        meeting=meeting,
        defaults={
            "body": NOTE,
            "state": MeetingNote.State.PUBLISHED,
            "author": author,
            "published_at": meeting.ends_at + datetime.timedelta(days=1),
        },
    )
    return MeetingNote.objects.count()
