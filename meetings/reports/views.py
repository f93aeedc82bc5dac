"""Attendance report pages and their CSV downloads.

Each view goes through `access.report_view`, which works out what the reader may see (or refuses),
and logs the read; the view builds the report in the database (`selectors`), turns it into tables
(`tables`) and draws the charts from those same tables.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from community.selectors import feedback_by_topic, notes_for_page
from meetings.models import ReportAccessLog
from meetings.reports.access import (
    LIAISON,
    default_period,
    ensure_may_read_reports,
    period_text,
    readable_scopes,
    report_view,
    resolve_chapter_read,
    resolve_meeting_read,
    resolve_network_read,
)
from meetings.reports.cache import cached_chapter_page
from meetings.reports.charts import chart_data_uri
from meetings.reports.pdf import chapter_summary_pdf
from meetings.reports.selectors import (
    Period,
    chapter_report,
    meeting_report,
    network_rows,
    network_topic_rows,
)
from meetings.reports.tables import (
    chapter_tables,
    csv_response,
    meeting_tables,
    merge_feedback,
    network_tables,
    percent,
)

CHAPTER_CHARTS = {
    "months": {},
    "meetings": {},
    "membership": {"line": True},
    "topics": {"horizontal": True},
    "kinds": {},
}


def _period_query(period):
    return "?" + urlencode({"from": period.first.isoformat(), "to": period.last.isoformat()})


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
            choices.append((_("Sponsorship: %(period)s") % {"period": period_text(span)}, span))
    elif scope.chapter.founded_on:
        choices.append((_("Since the chapter was founded"), Period(scope.chapter.founded_on, today)))
    return [(label, period) for label, period in choices if scope.permits(period)]


@login_required
@require_GET
def index(request):
    ensure_may_read_reports(request.user)
    scopes = readable_scopes(request.user)
    return render(request, "meetings/reports/index.html", {"scopes": scopes, "liaison": LIAISON})


def _feedback(scope, period):
    """Return the feedback by topic a report shows: counts and averages only, never comments."""
    return feedback_by_topic(scope.chapter, (period.first, period.last))


def _chapter_report(scope, period):
    # A liaison compares only within their sponsorship: the months before it are not the sponsor's.
    previous = period.previous()
    return chapter_report(
        scope.chapter,
        period,
        consenting_only=scope.consenting_only,
        previous_period=previous if scope.permits(previous) else None,
    )


def _chapter_body(scope, period, today, feedback):
    """Render the report inside the page's frame: the same for every reader with this scope."""
    report = _chapter_report(scope, period)
    tables = chapter_tables(report, feedback)
    charts = {slug: chart_data_uri(tables[slug], **options) for slug, options in CHAPTER_CHARTS.items()}
    context = {
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


@report_view(resolve_chapter_read, fmt="html")
def chapter(request, read, **kwargs):
    scope, period = read.scope, read.period
    today = timezone.localdate(timezone=scope.chapter.tzinfo)
    # Feedback is community's and raises no report version: it is part of the cache key instead.
    feedback = _feedback(scope, period)

    def render_page(body):
        return render(
            request, "meetings/reports/chapter.html", {"chapter": scope.chapter, "body": body}
        ).content

    content = cached_chapter_page(
        request,
        scope,
        period,
        today,
        build_body=lambda: _chapter_body(scope, period, today, feedback),
        render_page=render_page,
        extra=feedback,
    )
    return HttpResponse(content)


def _table(tables, name):
    if name not in tables:
        raise Http404(_("No such table."))
    return tables[name]


@report_view(resolve_chapter_read, fmt="csv")
def chapter_csv(request, read, *, table, **kwargs):
    scope, period = read.scope, read.period
    rows = _table(chapter_tables(_chapter_report(scope, period), _feedback(scope, period)), table)
    return csv_response(rows, f"{scope.chapter.slug}-{table}-{period.first}-{period.last}.csv")


@report_view(resolve_chapter_read, fmt=ReportAccessLog.Format.PDF)
def chapter_pdf(request, read, **kwargs):
    """A one-page summary of the chapter's report that a liaison can forward."""
    scope, period = read.scope, read.period
    report = _chapter_report(scope, period)
    content = chapter_summary_pdf(report, chapter_tables(report, _feedback(scope, period)))
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{scope.chapter.slug}-summary-{period.first}-{period.last}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@report_view(resolve_meeting_read, fmt="html")
def meeting(request, read, **kwargs):
    scope, meeting = read.scope, read.meeting
    report = meeting_report(meeting, consenting_only=scope.consenting_only)
    tables = meeting_tables(report)
    context = {
        "scope": scope,
        "meeting": meeting,
        "chapter": meeting.chapter,
        "report": report,
        "tables": tables,
        "chart": chart_data_uri(tables["breakdown"], horizontal=True),
        "liaison": scope.role == LIAISON,
        # Beside the figures, what the organizers published about the meeting; drafts stay theirs.
        "notes": [note for note in notes_for_page(meeting, request.user) if note.state == "published"],
    }
    return render(request, "meetings/reports/meeting.html", context)


@report_view(resolve_meeting_read, fmt="csv")
def meeting_csv(request, read, *, table, **kwargs):
    scope, meeting = read.scope, read.meeting
    rows = _table(meeting_tables(meeting_report(meeting, consenting_only=scope.consenting_only)), table)
    return csv_response(rows, f"{meeting.chapter.slug}-meeting-{meeting.pk}-{table}.csv")


def _network_tables(read):
    periods = {scope.chapter: read.periods[scope.chapter.pk] for scope in read.scopes}
    # One query per readable chapter, each over its own period: a network has a handful of chapters.
    feedback = merge_feedback(
        row
        for chapter, period in periods.items()
        if period is not None
        for row in feedback_by_topic(chapter, (period.first, period.last))
    )
    return network_tables(network_rows(periods), network_topic_rows(periods), feedback)


@report_view(resolve_network_read, fmt="html")
def network(request, read):
    tables = _network_tables(read)
    context = {
        "period": read.period,
        "tables": tables,
        "charts": {
            "chapters": chart_data_uri(tables["chapters"], horizontal=True),
            "topics": chart_data_uri(tables["topics"], horizontal=True),
        },
        "left_out": [s.chapter for s in read.scopes if read.periods[s.chapter.pk] is None],
        "clamped": any(s.allowed is not None for s in read.readable),
        "qs": _period_query(read.period),
    }
    return render(request, "meetings/reports/network.html", context)


@report_view(resolve_network_read, fmt="csv")
def network_csv(request, read, *, table):
    rows = _table(_network_tables(read), table)
    return csv_response(rows, f"network-{table}-{read.period.first}-{read.period.last}.csv")
