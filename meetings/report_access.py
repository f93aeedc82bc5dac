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
    liaison_period,
    organized_chapter_ids,
    sponsorships_for_liaison,
)

from .models import ReportAccessLog
from .reports import Period

ORGANIZER = "organizer"
LIAISON = "liaison"


@dataclass(frozen=True)
class ReportScope:
    """What one reader may see of one chapter."""

    chapter: Chapter
    role: str
    #: The dates the reader may see; None for no limit.
    allowed: Period | None

    @property
    def consenting_only(self):
        return self.role == LIAISON

    def permits(self, period):
        return self.allowed is None or period.within(self.allowed)


def chapter_scope(user, chapter):
    """Return the reader's ReportScope for a chapter, or None when they may not read it."""
    if not user.is_authenticated or not user.is_active:
        return None
    if can_organize(user, chapter.pk):
        return ReportScope(chapter=chapter, role=ORGANIZER, allowed=None)
    span = liaison_period(user, chapter.pk)
    if span is None:
        return None
    return ReportScope(chapter=chapter, role=LIAISON, allowed=Period(*span))


def readable_scopes(user):
    """Return a ReportScope for every chapter this user may read reports of, by chapter name."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return [
            ReportScope(chapter=c, role=ORGANIZER, allowed=None) for c in Chapter.objects.order_by("name")
        ]
    scopes = {}
    organized = organized_chapter_ids(user)
    for chapter in Chapter.objects.filter(pk__in=organized):
        scopes[chapter.pk] = ReportScope(chapter=chapter, role=ORGANIZER, allowed=None)
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
    """Return the last twelve months, inside what the reader may see."""
    today = today or timezone.localdate(timezone=scope.chapter.tzinfo)
    year_ago = years_before(today, 1) + datetime.timedelta(days=1)
    wanted = Period(year_ago, today)
    if scope.allowed is None:
        return wanted
    clamped = wanted.clamp(scope.allowed)
    if clamped is not None:
        return clamped
    last = scope.allowed.last
    return Period(max(scope.allowed.first, years_before(last, 1) + datetime.timedelta(days=1)), last)


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
