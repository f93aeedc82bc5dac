"""Reads of the community program, each shaped for one page, in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, CharField, Count, F, IntegerField, Prefetch, Q, Value
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chapters.rules import can_organize, date_in_sponsorship
from meetings.models import AgendaItem, Meeting
from members.models import Membership

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

ACTIVE_SIGNUPS = (VolunteerSignup.State.PENDING, VolunteerSignup.State.CONFIRMED)


# Volunteers.


def meeting_for_volunteering(*, slug, pk, user):
    """Return the meeting of a volunteer page, or 404 (drafts only for the chapter's organizers)."""
    meeting = get_object_or_404(Meeting.objects.select_related("chapter", "venue"), pk=pk, chapter__slug=slug)
    if meeting.status == Meeting.Status.DRAFT and not can_organize(user, meeting.chapter_id):
        raise Http404("No such meeting.")
    return meeting


def volunteer_roles(meeting, member=None):
    """Return the meeting's roles with `taken` places and, for a member, `my_signup` (or None)."""
    roles = list(
        VolunteerRole.objects.filter(meeting=meeting).annotate(
            taken=Count("signups", filter=Q(signups__state__in=ACTIVE_SIGNUPS))
        )
    )
    mine = {}
    if member is not None and member.is_authenticated:
        mine = {
            s.role_id: s
            for s in VolunteerSignup.objects.filter(
                role__meeting=meeting, member=member, state__in=ACTIVE_SIGNUPS
            )
        }
    for role in roles:
        role.places_left = max(role.places - role.taken, 0)
        role.my_signup = mine.get(role.pk)
    return roles


def has_volunteer_roles(meeting):
    return VolunteerRole.objects.filter(meeting=meeting).exists()


def _thanked_signups(chapter, year):
    tz = chapter.tzinfo
    return VolunteerSignup.objects.filter(
        role__meeting__chapter=chapter,
        role__meeting__status=Meeting.Status.SCHEDULED,
        role__meeting__starts_at__gte=datetime.datetime(year, 1, 1, tzinfo=tz),
        role__meeting__starts_at__lt=datetime.datetime(year + 1, 1, 1, tzinfo=tz),
        state=VolunteerSignup.State.CONFIRMED,
        thank_publicly=True,
        member__is_active=True,
    )


def _public_name(display_name, email):
    # The same fallback as Member.public_name: the email's local part when there is no display name.
    return display_name or email.split("@", 1)[0]


def chapter_panel(chapter, *, now=None):
    """Return (open polls, volunteers to thank) for the chapter page, in one query.

    The chapter page keeps a fixed query budget; the two lists come back as one UNION of
    (kind, poll id, question or display name, email) rows.
    """
    now = now or timezone.now()
    year = timezone.localdate(now, timezone=chapter.tzinfo).year
    polls = (
        open_polls(chapter, now=now)
        .order_by()
        .values_list(
            Value("poll", output_field=CharField()), "pk", "question", Value("", output_field=CharField())
        )
    )
    names = (
        _thanked_signups(chapter, year)
        .order_by()
        .values_list(
            Value("name", output_field=CharField()),
            Value(0, output_field=IntegerField()),
            "member__display_name",
            "member__email",
        )
    )
    open_list, thanked = [], set()
    for kind, pk, text, email in polls.union(names).order_by():
        if kind == "poll":
            open_list.append(Poll(pk=pk, chapter=chapter, question=text))
        else:
            thanked.add(_public_name(text, email))
    open_list.sort(key=lambda poll: poll.question.casefold())
    return open_list, sorted(thanked, key=str.casefold)


@dataclass
class Contributions:
    meetings_volunteered: int
    talks_given: int
    years: list


def volunteer_contributions(member, *, now=None):
    """Count what a member gave: meetings volunteered at, talks given, the years they were active.

    A talk is counted when its speaker name is the member's display name: agenda items name their
    speaker as text, so this is the best that can be told without a speaker link.
    """
    now = now or timezone.now()
    volunteered = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        starts_at__lte=now,
        volunteer_roles__signups__member=member,
        volunteer_roles__signups__state=VolunteerSignup.State.CONFIRMED,
    ).distinct()
    talks = AgendaItem.objects.none()
    if member.display_name.strip():
        talks = AgendaItem.objects.annotate(speaker_lower=Lower("speaker")).filter(
            speaker_lower=member.display_name.strip().lower(),
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__lte=now,
        )
    years = set(volunteered.values_list("starts_at__year", flat=True)) | set(
        talks.values_list("meeting__starts_at__year", flat=True)
    )
    return Contributions(
        meetings_volunteered=volunteered.count(), talks_given=talks.count(), years=sorted(years)
    )


def member_signups(member):
    """Return the member's volunteer sign-ups, newest meeting first."""
    return (
        VolunteerSignup.objects.filter(member=member)
        .select_related("role__meeting__chapter")
        .order_by("-role__meeting__starts_at", "pk")
    )


# Polls.


def open_polls(chapter, *, now=None):
    now = now or timezone.now()
    return Poll.objects.filter(chapter=chapter, opens_at__lte=now, closes_at__gt=now).order_by(
        "closes_at", "pk"
    )


def poll_for_page(*, slug, pk):
    return get_object_or_404(
        Poll.objects.select_related("chapter").prefetch_related(
            Prefetch("choices", queryset=PollChoice.objects.order_by("position", "pk"))
        ),
        pk=pk,
        chapter__slug=slug,
    )


def member_vote(poll, member):
    if not member.is_authenticated:
        return None
    return Vote.objects.filter(poll=poll, member=member).prefetch_related("choices").first()


def is_chapter_member(member, chapter):
    return member.is_authenticated and Membership.objects.filter(member=member, chapter=chapter).exists()


@dataclass
class PollResults:
    voters: int
    rows: list  # [(label, count)], the poll's order, "Other" last when offered
    other_label: str | None = None


def poll_results(poll, *, other_label="Other"):
    """Count the votes per answer (a member with several answers counts once per answer)."""
    counts = dict(PollChoice.objects.filter(poll=poll).annotate(n=Count("votes")).values_list("pk", "n"))
    rows = [(choice.label, counts.get(choice.pk, 0)) for choice in poll.choices.all()]
    totals = Vote.objects.filter(poll=poll).aggregate(
        voters=Count("pk"), other=Count("pk", filter=~Q(other=""))
    )
    if poll.allow_other:
        rows.append((other_label, totals["other"]))
    return PollResults(voters=totals["voters"], rows=rows)


def results_visible(poll, *, voted, is_member, user, now=None):
    """Whether this reader may see the counts: the chapter's own business, shown as the organizer chose."""
    if can_organize(user, poll.chapter_id):
        return True
    if not is_member:
        return False
    return poll.is_closed(now) or (poll.results == Poll.Results.AFTER_VOTING and voted)


# Feedback.


def feedback_talks(meeting):
    return list(meeting.agenda_items.order_by("position", "pk"))


def member_feedback(meeting, member):
    response = FeedbackResponse.objects.filter(meeting=meeting, member=member).first()
    if response is None:
        return None, {}
    return response, dict(response.ratings.values_list("agenda_item_id", "rating"))


def feedback_results(meeting):
    """Per-talk counts and averages, and the comments with their authors: for organizers only."""
    talks = list(
        AgendaItem.objects.filter(meeting=meeting)
        .annotate(ratings_count=Count("ratings"), average=Avg("ratings__rating"))
        .order_by("position", "pk")
    )
    comments = list(
        FeedbackResponse.objects.filter(meeting=meeting)
        .exclude(comment="")
        .select_related("member")
        .order_by("created_at")
    )
    responses = FeedbackResponse.objects.filter(meeting=meeting).count()
    return {"talks": talks, "comments": comments, "responses": responses}


def feedback_by_topic(chapter, period):
    """Return feedback aggregates per topic for meetings of `chapter` within `period`.

    `period` is (first day, last day), inclusive, in the chapter's time zone. Each row holds the
    topic's name, how many members answered, how many ratings they gave and the average rating.
    Only numbers: never comments, never names, so sponsors' reports may show every row.
    A meeting with several topics counts for each of them.
    """
    first, last = period
    tz = chapter.tzinfo
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    rows = (
        TalkRating.objects.filter(
            response__meeting__chapter=chapter,
            response__meeting__status=Meeting.Status.SCHEDULED,
            response__meeting__starts_at__gte=start,
            response__meeting__starts_at__lt=end,
            response__meeting__topics__isnull=False,
        )
        .values(topic=F("response__meeting__topics__name"), slug=F("response__meeting__topics__slug"))
        .annotate(
            respondents=Count("response__member", distinct=True),
            ratings=Count("pk"),
            average=Avg("rating"),
        )
        .order_by("topic")
    )
    return [{**row, "average": round(row["average"], 2)} for row in rows]


# Notes for sponsors.


def can_read_notes(user, meeting):
    """Organizers of the chapter, and liaisons of a sponsor of the chapter on the meeting's date."""
    if not user.is_authenticated:
        return False
    if can_organize(user, meeting.chapter_id):
        return True
    return date_in_sponsorship(user, meeting.chapter_id, meeting.local_starts_at.date())


def notes_for_page(meeting, user):
    """Published notes for everyone allowed; drafts too for the chapter's organizers."""
    notes = MeetingNote.objects.filter(meeting=meeting).select_related("author").order_by("created_at")
    if not can_organize(user, meeting.chapter_id):
        notes = notes.filter(state=MeetingNote.State.PUBLISHED)
    return list(notes)
