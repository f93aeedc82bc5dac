"""Attendance report pages and their CSV downloads.

Each view asks `report_access` what the reader may see, builds the report in the database
(`reports`), turns it into tables (`report_tables`) and draws the charts from those same tables.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chapters.models import Chapter
from meetings.models import Meeting, ReportAccessLog
from meetings.reports.access import (
    LIAISON,
    can_read_reports,
    chapter_scope,
    default_period,
    log_liaison_read,
    readable_scopes,
    years_before,
)
from meetings.reports.cache import cached_chapter_page
from meetings.reports.charts import chart_data_uri
from meetings.reports.selectors import (
    Period,
    chapter_report,
    meeting_report,
    network_rows,
    network_topic_rows,
)
from meetings.reports.tables import chapter_tables, csv_response, meeting_tables, network_tables, percent

#: The longest period one report covers; longer requests are refused rather than left to run.
MAX_PERIOD = datetime.timedelta(days=366 * 30)
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)
CHAPTER_CHARTS = {"meetings": {}, "membership": {"line": True}, "topics": {"horizontal": True}, "kinds": {}}


class BadPeriod(Exception):
    pass


def _bad_request(request, message):
    return render(request, "meetings/reports/error.html", {"message": message}, status=400)


def _forbidden(request, message):
    return render(request, "meetings/reports/error.html", {"message": message}, status=403)


def _requested_period(request, fallback):
    """Return the Period asked for in ?from=&to= (ISO dates), or `fallback` when neither is given."""
    raw_first, raw_last = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    if not raw_first and not raw_last:
        return fallback
    try:
        first = datetime.date.fromisoformat(raw_first) if raw_first else fallback.first
        last = datetime.date.fromisoformat(raw_last) if raw_last else fallback.last
    except ValueError as error:
        raise BadPeriod(_("Dates must be written as YYYY-MM-DD, for example 2026-01-31.")) from error
    if not (EARLIEST <= first <= LATEST and EARLIEST <= last <= LATEST):
        raise BadPeriod(_("Choose dates between the years 1900 and 2999."))
    if first > last:
        raise BadPeriod(_("The period must end on or after the day it starts."))
    if last - first > MAX_PERIOD:
        raise BadPeriod(_("A report covers at most 30 years."))
    return Period(first, last)


def _period_text(period):
    return _("%(first)s to %(last)s") % {
        "first": date_format(period.first, "DATE_FORMAT"),
        "last": date_format(period.last, "DATE_FORMAT"),
    }


def _period_query(period):
    return "?" + urlencode({"from": period.first.isoformat(), "to": period.last.isoformat()})


def _outside_sponsorship(request, scope):
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
    periods = "; ".join(_period_text(span) for span in scope.spans)
    return _forbidden(request, message % {"chapter": scope.chapter.name, "period": periods})


def _presets(scope, today):
    """Return quick period choices (label, period) the reader may open."""
    choices = [
        (_("Last 12 months"), default_period(scope, today=today)),
        (_("This year"), Period(today.replace(month=1, day=1), today)),
        (_("Last year"), Period(datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))),
    ]
    if scope.spans is not None and len(scope.spans) == 1:
        choices.append((_("The whole sponsorship"), scope.spans[0]))
    elif scope.spans is not None:
        for span in scope.spans:
            choices.append((_("Sponsorship: %(period)s") % {"period": _period_text(span)}, span))
    elif scope.chapter.founded_on:
        choices.append((_("Since the chapter was founded"), Period(scope.chapter.founded_on, today)))
    return [(label, period) for label, period in choices if scope.permits(period)]


def _chapter_context(request, slug):
    """Return (scope, period) for a chapter report request, or an error response."""
    chapter = Chapter.objects.filter(slug=slug).first()
    if chapter is None:
        raise Http404(_("No such chapter."))
    scope = chapter_scope(request.user, chapter)
    if scope is None:
        return None, _forbidden(request, _("You may not read this chapter's reports."))
    try:
        period = _requested_period(request, default_period(scope))
    except BadPeriod as error:
        return None, _bad_request(request, str(error))
    if not scope.permits(period):
        return None, _outside_sponsorship(request, scope)
    return (scope, period), None


@login_required
@require_GET
def index(request):
    if not can_read_reports(request.user):
        raise PermissionDenied(_("Reports are for organizers and sponsors' liaisons."))
    scopes = readable_scopes(request.user)
    return render(request, "meetings/reports/index.html", {"scopes": scopes, "liaison": LIAISON})


def _chapter_body(scope, period, today):
    """Render the report inside the page's frame: the same for every reader with this scope."""
    report = chapter_report(scope.chapter, period, consenting_only=scope.consenting_only)
    tables = chapter_tables(report)
    charts = {slug: chart_data_uri(tables[slug], **options) for slug, options in CHAPTER_CHARTS.items()}
    context = {
        "scope": scope,
        "chapter": scope.chapter,
        "period": period,
        "report": report,
        "figures": report.figures,
        "tables": tables,
        "charts": charts,
        "presets": _presets(scope, today),
        "liaison": scope.role == LIAISON,
        # The one sponsorship this period lies in: the liaison's note names it, not the gaps around it.
        "sponsored": scope.span_of(period),
        "no_show_pct": percent(report.figures.no_show_rate),
        "qs": _period_query(period),
    }
    # No request: nothing of the reader (session, CSRF token, navigation) can enter the cached part.
    return render_to_string("meetings/reports/_chapter_body.html", context)


@login_required
@require_GET
def chapter(request, slug):
    found, error = _chapter_context(request, slug)
    if error:
        return error
    scope, period = found
    today = timezone.localdate(timezone=scope.chapter.tzinfo)

    def render_page(body):
        return render(
            request, "meetings/reports/chapter.html", {"chapter": scope.chapter, "body": body}
        ).content

    content = cached_chapter_page(
        request,
        scope,
        period,
        today,
        build_body=lambda: _chapter_body(scope, period, today),
        render_page=render_page,
    )
    log_liaison_read(
        request,
        [scope],
        report=ReportAccessLog.Report.CHAPTER,
        fmt="html",
        periods={scope.chapter.pk: period},
    )
    return HttpResponse(content)


@login_required
@require_GET
def chapter_csv(request, slug, table):
    found, error = _chapter_context(request, slug)
    if error:
        return error
    scope, period = found
    report = chapter_report(scope.chapter, period, consenting_only=scope.consenting_only)
    tables = chapter_tables(report)
    if table not in tables:
        raise Http404(_("No such table."))
    log_liaison_read(
        request,
        [scope],
        report=ReportAccessLog.Report.CHAPTER,
        fmt="csv",
        table=table,
        periods={scope.chapter.pk: period},
    )
    filename = f"{scope.chapter.slug}-{table}-{period.first}-{period.last}.csv"
    return csv_response(tables[table], filename)


def _meeting_context(request, pk):
    meeting = Meeting.objects.select_related("chapter", "venue").filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("No such meeting."))
    scope = chapter_scope(request.user, meeting.chapter)
    if scope is None:
        return None, _forbidden(request, _("You may not read this chapter's reports."))
    if scope.role == LIAISON:
        if meeting.status != Meeting.Status.SCHEDULED:
            raise Http404(_("No such meeting."))
        day = meeting.local_starts_at.date()
        if not scope.permits(Period(day, day)):
            return None, _outside_sponsorship(request, scope)
    return (scope, meeting), None


@login_required
@require_GET
def meeting(request, pk):
    found, error = _meeting_context(request, pk)
    if error:
        return error
    scope, meeting = found
    report = meeting_report(meeting, consenting_only=scope.consenting_only)
    tables = meeting_tables(report)
    day = meeting.local_starts_at.date()
    log_liaison_read(
        request,
        [scope],
        report=ReportAccessLog.Report.MEETING,
        fmt="html",
        meeting=meeting,
        periods={meeting.chapter_id: Period(day, day)},
    )
    context = {
        "scope": scope,
        "meeting": meeting,
        "chapter": meeting.chapter,
        "report": report,
        "tables": tables,
        "chart": chart_data_uri(tables["breakdown"], horizontal=True),
        "liaison": scope.role == LIAISON,
    }
    return render(request, "meetings/reports/meeting.html", context)


@login_required
@require_GET
def meeting_csv(request, pk, table):
    found, error = _meeting_context(request, pk)
    if error:
        return error
    scope, meeting = found
    tables = meeting_tables(meeting_report(meeting, consenting_only=scope.consenting_only))
    if table not in tables:
        raise Http404(_("No such table."))
    day = meeting.local_starts_at.date()
    log_liaison_read(
        request,
        [scope],
        report=ReportAccessLog.Report.MEETING,
        fmt="csv",
        table=table,
        meeting=meeting,
        periods={meeting.chapter_id: Period(day, day)},
    )
    return csv_response(tables[table], f"{meeting.chapter.slug}-meeting-{meeting.pk}-{table}.csv")


def _network(request):
    if not can_read_reports(request.user):
        raise PermissionDenied(_("Reports are for organizers and sponsors' liaisons."))
    scopes = readable_scopes(request.user)
    today = timezone.localdate()
    fallback = Period(years_before(today, 1) + datetime.timedelta(days=1), today)
    requested = _requested_period(request, fallback)
    # Each chapter is read over the part of the requested period its reader may see.
    periods = {}
    for scope in scopes:
        periods[scope.chapter] = scope.clamp(requested)
    return scopes, requested, periods


@login_required
@require_GET
def network(request):
    try:
        scopes, requested, periods = _network(request)
    except BadPeriod as error:
        return _bad_request(request, str(error))
    rows = network_rows(periods)
    tables = network_tables(rows, network_topic_rows(periods))
    readable = [s for s in scopes if periods[s.chapter] is not None]
    log_liaison_read(
        request,
        readable,
        report=ReportAccessLog.Report.NETWORK,
        fmt="html",
        periods={s.chapter.pk: periods[s.chapter] for s in readable},
    )
    context = {
        "period": requested,
        "tables": tables,
        "charts": {
            "chapters": chart_data_uri(tables["chapters"], horizontal=True),
            "topics": chart_data_uri(tables["topics"], horizontal=True),
        },
        "left_out": [s.chapter for s in scopes if periods[s.chapter] is None],
        "clamped": any(s.allowed is not None for s in readable),
        "qs": _period_query(requested),
    }
    return render(request, "meetings/reports/network.html", context)


@login_required
@require_GET
def network_csv(request, table):
    try:
        scopes, requested, periods = _network(request)
    except BadPeriod as error:
        return _bad_request(request, str(error))
    tables = network_tables(network_rows(periods), network_topic_rows(periods))
    if table not in tables:
        raise Http404(_("No such table."))
    readable = [s for s in scopes if periods[s.chapter] is not None]
    log_liaison_read(
        request,
        readable,
        report=ReportAccessLog.Report.NETWORK,
        fmt="csv",
        table=table,
        periods={s.chapter.pk: periods[s.chapter] for s in readable},
    )
    return csv_response(tables[table], f"network-{table}-{requested.first}-{requested.last}.csv")
