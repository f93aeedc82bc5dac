"""Read-side queries for the organizer's home in the admin, and the navbar's "Organize" link.

The home runs the same number of queries whatever the size of the network: one for the chapters,
one for each chapter's next meetings (a window function keeps the first few per chapter, their
counts as correlated subqueries) and one for each chapter's latest newsletter.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chapters.models import Chapter
from chapters.rules import checkin_chapter_ids, is_superuser, organized_chapter_ids
from itprosig.db import subquery_count
from members.newsletters.models import Delivery, Newsletter

from .models import RSVP, AgendaItem, Meeting
from .selectors import rsvp_count

#: Upcoming meetings listed per chapter.
NEXT_MEETINGS = 3
#: A draft starting within this many days is flagged: members cannot RSVP to it yet.
DRAFT_WARNING_DAYS = 21
#: Agenda items that introduce a speaker to the audience, and so need a bio.
SPEAKER_KINDS = (AgendaItem.Kind.TALK, AgendaItem.Kind.SHORT)


@dataclass
class MeetingRow:
    meeting: Meeting
    missing: list[str]
    tonight: bool


@dataclass
class ChapterHome:
    chapter: Chapter
    meetings: list[MeetingRow] = field(default_factory=list)
    newsletter: Newsletter | None = None

    @property
    def tonight(self):
        """Return tonight's meeting, whose door the home links to, or None."""
        return next((row.meeting for row in self.meetings if row.tonight), None)


def organizer_home(user, *, now=None):
    """Return one ChapterHome per chapter the user organizes (a superuser: every one), by name."""
    now = now or timezone.now()
    chapters = Chapter.objects.order_by("name", "pk")
    if not is_superuser.test(user):
        chapters = chapters.filter(pk__in=organized_chapter_ids(user))
    homes = {chapter.pk: ChapterHome(chapter) for chapter in chapters}
    if not homes:
        return []
    for meeting in _next_meetings(homes.keys(), now):
        home = homes[meeting.chapter_id]
        meeting.chapter = home.chapter
        home.meetings.append(
            MeetingRow(meeting, missing=meeting_gaps(meeting, now=now), tonight=_is_tonight(meeting, now))
        )
    for newsletter in _latest_newsletters(homes.keys()):
        homes[newsletter.chapter_id].newsletter = newsletter
    return list(homes.values())


def _first_per_chapter(queryset, order_by, limit):
    rank = Window(RowNumber(), partition_by=[F("chapter_id")], order_by=order_by)
    return queryset.annotate(rank_in_chapter=rank).filter(rank_in_chapter__lte=limit)


def _next_meetings(chapter_ids, now):
    upcoming = (
        Meeting.objects.filter(chapter_id__in=chapter_ids, ends_at__gt=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("venue")
        .annotate(
            going_count=rsvp_count(status=RSVP.Status.GOING),
            waitlisted_count=rsvp_count(status=RSVP.Status.WAITLISTED),
            agenda_count=subquery_count(AgendaItem.objects.filter(meeting=OuterRef("pk")), per="meeting"),
            talks_without_bio=subquery_count(
                AgendaItem.objects.filter(meeting=OuterRef("pk"), kind__in=SPEAKER_KINDS).filter(
                    Q(speaker_bio="") | Q(speaker_bio__isnull=True)
                ),
                per="meeting",
            ),
        )
    )
    ranked = _first_per_chapter(upcoming, [F("starts_at").asc(), F("pk").asc()], NEXT_MEETINGS)
    return ranked.order_by("starts_at", "pk")


def _latest_newsletters(chapter_ids):
    newsletters = Newsletter.objects.filter(chapter_id__in=chapter_ids).annotate(
        sent_count=subquery_count(
            Delivery.objects.filter(newsletter=OuterRef("pk"), status=Delivery.Status.SENT), per="newsletter"
        )
    )
    return _first_per_chapter(newsletters, [F("created_at").desc(), F("pk").desc()], 1)


def meeting_gaps(meeting, *, now):
    """Return what a meeting still lacks before members can rely on it, in words for the organizer.

    `meeting` carries the annotations of `_next_meetings` (agenda_count, talks_without_bio).
    """
    gaps = []
    if meeting.format in Meeting.VENUE_FORMATS and meeting.venue_id is None:
        gaps.append(_("No venue"))
    if meeting.format in Meeting.ONLINE_FORMATS and not meeting.online_url:
        gaps.append(_("No online link"))
    if meeting.agenda_count == 0:
        gaps.append(_("No agenda"))
    elif meeting.talks_without_bio:
        gaps.append(
            ngettext(
                "%(count)s talk without a speaker bio",
                "%(count)s talks without a speaker bio",
                meeting.talks_without_bio,
            )
            % {"count": meeting.talks_without_bio}
        )
    soon = now + datetime.timedelta(days=DRAFT_WARNING_DAYS)
    if meeting.status == Meeting.Status.DRAFT and meeting.starts_at <= soon:
        days = max((meeting.starts_at - now).days, 0)
        gaps.append(
            ngettext(
                "Not published, %(days)s day before the meeting",
                "Not published, %(days)s days before the meeting",
                days,
            )
            % {"days": days}
        )
    return gaps


def _is_tonight(meeting, now):
    """Return True for a scheduled meeting taking place today in its chapter's time zone."""
    if meeting.status != Meeting.Status.SCHEDULED:
        return False
    today = timezone.localtime(now, meeting.chapter.tzinfo).date()
    return meeting.local_starts_at.date() <= today


def door_url(user, *, now=None):
    """Return the door of the next meeting at a chapter where the user checks people in, or None.

    Volunteers reach tonight's door this way from the site's navbar. The next meeting that has not
    ended is tonight's on a meeting night.
    """
    chapter_ids = checkin_chapter_ids(user)
    if not chapter_ids:
        return None
    meeting_id = (
        Meeting.objects.filter(
            chapter_id__in=chapter_ids, status=Meeting.Status.SCHEDULED, ends_at__gt=now or timezone.now()
        )
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if meeting_id is None:
        return None
    return reverse("checkin:meeting", kwargs={"meeting_id": meeting_id})
