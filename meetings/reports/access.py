"""Who may read which attendance report, for which period; the log of liaisons' reads; and the
decorator every report view goes through.

The answers come from the predicates in `chapters.rules`: organizers read their chapters' reports
in full, superusers everything, a sponsor's liaison only the chapters their sponsor sponsors, only
within the sponsorship periods, and only the names of members who agreed to share them with
sponsors.
"""

import datetime
from dataclasses import dataclass, field
from functools import wraps

import rules
from dateutil.relativedelta import relativedelta
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chapters.models import Chapter
from chapters.rules import liaison_periods, may_read_reports, organized_chapter_ids, sponsorships_for_liaison
from itprosig.dates import format_date
from meetings.models import Meeting, ReportAccessLog
from meetings.reports.forms import ReportPeriodForm
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
    if rules.has_perm("chapters.organize", user, chapter):
        return ReportScope(chapter=chapter, role=ORGANIZER)
    spans = liaison_periods(user, chapter.pk)
    if not spans:
        return None
    return ReportScope(chapter=chapter, role=LIAISON, spans=tuple(Period(*span) for span in spans))


def readable_scopes(user):
    """Return a ReportScope for every chapter this user may read reports of, by chapter name."""
    if not user.is_authenticated or not user.is_active:
        return []
    if rules.has_perm("chapters.administer_network", user):
        return [ReportScope(chapter=c, role=ORGANIZER) for c in Chapter.objects.order_by("name")]
    organized = Chapter.objects.filter(pk__in=organized_chapter_ids(user))
    scopes = {chapter.pk: ReportScope(chapter=chapter, role=ORGANIZER) for chapter in organized}
    for sponsorship in sponsorships_for_liaison(user):
        chapter = sponsorship.chapter
        if chapter.pk not in scopes:
            scopes[chapter.pk] = chapter_scope(user, chapter)
    return sorted((s for s in scopes.values() if s is not None), key=lambda s: s.chapter.name)


def default_period(scope, *, today=None):
    """Return the last twelve months, inside what the reader may see.

    A liaison gets the part of those months in their latest sponsorship, or the last year of
    their latest sponsorship when it ended before them.
    """
    today = today or timezone.localdate(timezone=scope.chapter.tzinfo)
    clamped = scope.clamp(_year_ending(today))
    if clamped is not None:
        return clamped
    latest = scope.spans[-1]
    return _year_ending(latest.last).clamp(latest)


def _year_ending(day):
    """Return the year that ends on `day` (it starts the day after the same date a year before)."""
    return Period(day - relativedelta(years=1) + datetime.timedelta(days=1), day)


class ReportRefused(Exception):
    """A read that cannot be served: its status (400 or 403) and the message the reader sees."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ReportRead:
    """One permitted read of a report: what the view builds and what the access log records."""

    report: str
    #: The scopes the report covers (one for a chapter or meeting report).
    scopes: list
    #: The period asked for (a meeting report: the meeting's day).
    period: Period
    #: The period read per chapter id; None for a chapter the reader may see nothing of.
    periods: dict = field(default_factory=dict)
    meeting: Meeting | None = None

    @property
    def scope(self):
        return self.scopes[0]

    @property
    def readable(self):
        return [scope for scope in self.scopes if self.periods.get(scope.chapter.pk) is not None]

    def log(self, request, *, fmt, table=""):
        """Record a liaison's read, one row per chapter it covers; organizers' own reads are not logged."""
        liaison_scopes = [scope for scope in self.readable if scope.role == LIAISON]
        if not liaison_scopes:
            return
        user = request.user
        sponsors = ", ".join(
            sorted(link.sponsor.name for link in user.sponsor_liaisons.select_related("sponsor"))
        )
        ReportAccessLog.objects.bulk_create(
            ReportAccessLog(
                user=user,
                user_email=user.email,
                sponsor_names=sponsors[:250],
                chapter=scope.chapter,
                meeting=self.meeting,
                report=self.report,
                format=fmt,
                table=table,
                period_first=self.periods[scope.chapter.pk].first,
                period_last=self.periods[scope.chapter.pk].last,
            )
            for scope in liaison_scopes
        )


def period_text(period):
    return _("%(first)s to %(last)s") % {
        "first": format_date(period.first, "DATE_FORMAT"),
        "last": format_date(period.last, "DATE_FORMAT"),
    }


def _requested_period(request, fallback):
    form = ReportPeriodForm(request.GET, fallback=fallback)
    if not form.is_valid():
        raise ReportRefused(400, form.first_error())
    return form.cleaned_data["period"]


def _refuse_outside_sponsorship(scope):
    if len(scope.spans) == 1:
        message = _(
            "Your sponsorship of %(chapter)s covers %(period)s only. Choose dates inside that period."
        )
    else:
        # Months between two sponsorships are refused like any other unsponsored month.
        message = _(
            "Your sponsorship of %(chapter)s covers %(period)s only. Choose dates inside one of "
            "these periods."
        )
    periods = "; ".join(period_text(span) for span in scope.spans)
    raise ReportRefused(403, message % {"chapter": scope.chapter.name, "period": periods})


def _readable_scope(user, chapter):
    scope = chapter_scope(user, chapter)
    if scope is None:
        raise ReportRefused(403, _("You may not read this chapter's reports."))
    return scope


def resolve_chapter_read(request, *, slug, **kwargs):
    """Return the read of a chapter's report over the requested period, or refuse it."""
    chapter = Chapter.objects.filter(slug=slug).first()
    if chapter is None:
        raise Http404(_("No such chapter."))
    scope = _readable_scope(request.user, chapter)
    period = _requested_period(request, default_period(scope))
    if not scope.permits(period):
        _refuse_outside_sponsorship(scope)
    return ReportRead(
        report=ReportAccessLog.Report.CHAPTER, scopes=[scope], period=period, periods={chapter.pk: period}
    )


def resolve_meeting_read(request, *, pk, **kwargs):
    """Return the read of one meeting's report; a liaison reads scheduled meetings of their periods."""
    meeting = Meeting.objects.select_related("chapter", "venue").filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("No such meeting."))
    scope = _readable_scope(request.user, meeting.chapter)
    day = meeting.local_starts_at.date()
    period = Period(day, day)
    if scope.role == LIAISON:
        if meeting.status != Meeting.Status.SCHEDULED:
            raise Http404(_("No such meeting."))
        if not scope.permits(period):
            _refuse_outside_sponsorship(scope)
    return ReportRead(
        report=ReportAccessLog.Report.MEETING,
        scopes=[scope],
        period=period,
        periods={meeting.chapter_id: period},
        meeting=meeting,
    )


def ensure_may_read_reports(user):
    if not may_read_reports(user):
        raise PermissionDenied(_("Reports are for organizers and sponsors' liaisons."))


def resolve_network_read(request, **kwargs):
    """Return the read of the network report: each chapter over the part of the period its reader may see."""
    ensure_may_read_reports(request.user)
    scopes = readable_scopes(request.user)
    requested = _requested_period(request, _year_ending(timezone.localdate()))
    return ReportRead(
        report=ReportAccessLog.Report.NETWORK,
        scopes=scopes,
        period=requested,
        periods={scope.chapter.pk: scope.clamp(requested) for scope in scopes},
    )


def report_view(resolve, *, fmt):
    """Serve a report view only to a reader `resolve` permits, and log the read once it is served.

    The view is called as `view(request, read, **url_kwargs)`. A refused read gets the report's
    error page with its status; a read that ends in an error (an unknown CSV table) is not logged.
    """

    def decorator(view):
        @login_required
        @require_GET
        @wraps(view)
        def wrapper(request, **kwargs):
            try:
                read = resolve(request, **kwargs)
            except ReportRefused as refusal:
                return render(
                    request,
                    "meetings/reports/error.html",
                    {"message": refusal.message},
                    status=refusal.status,
                )
            response = view(request, read, **kwargs)
            if response.status_code == 200:
                read.log(request, fmt=fmt, table=kwargs.get("table", ""))
            return response

        return wrapper

    return decorator
