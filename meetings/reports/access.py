"""Who may read which attendance report, for which period; and the log of liaisons' reads.

The answers come from `chapters.permissions`: organizers read their chapters' reports in full,
superusers everything, a sponsor's liaison only the chapters their sponsor sponsors, only within
the sponsorship period, and only the names of members who agreed to share them with sponsors.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from chapters.models import Chapter
from chapters.permissions import (
    can_organize,
    is_liaison,
    is_organizer,
    liaison_periods,
    organized_chapter_ids,
    sponsorships_for_liaison,
)
from meetings.models import ReportAccessLog
from meetings.reports.selectors import Period

ORGANIZER = "organizer"
LIAISON = "liaison"


@dataclass(frozen=True)
class ReportScope:
    """What one reader may see of one chapter."""

    chapter: Chapter
    role: str
    #: The sponsored spans the reader may see, oldest first; None for no limit. A report period
    #: must lie within one of them: the months between two sponsorships are not the sponsor's.
    spans: tuple[Period, ...] | None = None

    @property
    def consenting_only(self):
        return self.role == LIAISON

    @property
    def allowed(self):
        """Return the whole stretch from the first sponsored day to the last (gaps included), or None."""
        if self.spans is None:
            return None
        return Period(self.spans[0].first, self.spans[-1].last)

    def permits(self, period):
        return self.spans is None or self.span_of(period) is not None

    def span_of(self, period):
        """Return the sponsored span holding the whole period, or None (always None for organizers)."""
        return next((span for span in self.spans or () if period.within(span)), None)

    def clamp(self, period):
        """Return the part of `period` the reader may see, or None.

        A period reaching into several sponsorships is cut to the latest of them: a report covers
        one continuous period, and the most recent sponsorship is the one a sponsor asks about.
        """
        if self.spans is None:
            return period
        for span in reversed(self.spans):
            clamped = period.clamp(span)
            if clamped is not None:
                return clamped
        return None


def chapter_scope(user, chapter):
    """Return the reader's ReportScope for a chapter, or None when they may not read it."""
    if not user.is_authenticated or not user.is_active:
        return None
    if can_organize(user, chapter.pk):
        return ReportScope(chapter=chapter, role=ORGANIZER)
    spans = liaison_periods(user, chapter.pk)
    if not spans:
        return None
    return ReportScope(chapter=chapter, role=LIAISON, spans=tuple(Period(*span) for span in spans))


def readable_scopes(user):
    """Return a ReportScope for every chapter this user may read reports of, by chapter name."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return [ReportScope(chapter=c, role=ORGANIZER) for c in Chapter.objects.order_by("name")]
    scopes = {}
    organized = organized_chapter_ids(user)
    for chapter in Chapter.objects.filter(pk__in=organized):
        scopes[chapter.pk] = ReportScope(chapter=chapter, role=ORGANIZER)
    for sponsorship in sponsorships_for_liaison(user):
        chapter = sponsorship.chapter
        if chapter.pk not in scopes:
            scopes[chapter.pk] = chapter_scope(user, chapter)
    return sorted((s for s in scopes.values() if s is not None), key=lambda s: s.chapter.name)


def can_read_reports(user):
    """Return True for organizers, sponsors' liaisons and superusers (as the navbar decides)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or is_organizer(user) or is_liaison(user)


def default_period(scope, *, today=None):
    """Return the last twelve months, inside what the reader may see.

    A liaison gets the part of those months in their latest sponsorship, or the last year of
    their latest sponsorship when it ended before them.
    """
    today = today or timezone.localdate(timezone=scope.chapter.tzinfo)
    year_ago = years_before(today, 1) + datetime.timedelta(days=1)
    wanted = Period(year_ago, today)
    clamped = scope.clamp(wanted)
    if clamped is not None:
        return clamped
    latest = scope.spans[-1]
    return Period(max(latest.first, years_before(latest.last, 1) + datetime.timedelta(days=1)), latest.last)


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def log_liaison_read(request, scopes, *, report, fmt, table="", meeting=None, periods=None):
    """Record a liaison's read of one report, one row per chapter it covers.

    `periods` maps a chapter id to the Period read; organizers' own reads are not logged.
    """
    user = request.user
    liaison_scopes = [scope for scope in scopes if scope.role == LIAISON]
    if not liaison_scopes:
        return
    sponsors = ", ".join(
        sorted(link.sponsor.name for link in user.sponsor_liaisons.select_related("sponsor"))
    )
    rows = []
    for scope in liaison_scopes:
        period = (periods or {}).get(scope.chapter.pk)
        rows.append(
            ReportAccessLog(
                user=user,
                user_email=user.email,
                sponsor_names=sponsors[:250],
                chapter=scope.chapter,
                meeting=meeting,
                report=report,
                format=fmt,
                table=table,
                period_first=period.first if period else None,
                period_last=period.last if period else None,
            )
        )
    ReportAccessLog.objects.bulk_create(rows)
