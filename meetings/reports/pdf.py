"""A one-page PDF summary of a chapter's report, for a liaison to forward.

Drawn by reportlab: pure Python (no system library to install), maintained since 2000, and its
standard fonts cover French. Everything is laid out in one frame that shrinks to fit, so the
summary is one page whatever the period's length; long tables are cut to their first rows (the
web page and the CSV files have them all).
"""

import io
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from itprosig.dates import format_date as date_format
from meetings.reports.tables import display, percent, with_sign

#: Rows of the topic table the page has room for.
TOPIC_ROWS = 10

_STYLES = getSampleStyleSheet()
_SMALL = _STYLES["BodyText"].clone("small", fontSize=8, leading=10)
_CELL = _STYLES["BodyText"].clone("cell", fontSize=8, leading=9.5)


def _text(value):
    """Return a cell as the page shows it: localized dates and numbers, a dash for no value."""
    value = display(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return number_format(value, decimal_pos=1)
    return str(value)


def _table(headers, rows, widths, signed=()):
    data = [[Paragraph(f"<b>{escape(str(h))}</b>", _CELL) for h in headers]]
    data += [
        [
            Paragraph(escape((with_sign(cell) or "—") if i in signed else _text(cell)), _CELL)
            for i, cell in enumerate(row)
        ]
        for row in rows
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f3f5")]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _month_chart(table, width):
    """Return a bar chart of attendance for every month of the period, zeros included."""
    drawing = Drawing(width, 4 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 28, width - 40, 4 * cm - 36
    chart.data = [[row[table.chart_value] or 0 for row in table.rows]]
    labels = [_text(row[table.chart_label]) for row in table.rows]
    # Every month has its bar; with many months only some are named, so the labels stay legible.
    step = max(1, len(labels) // 12)
    chart.categoryAxis.categoryNames = [label if i % step == 0 else "" for i, label in enumerate(labels)]
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 6
    chart.bars[0].fillColor = colors.HexColor("#0d6efd")
    drawing.add(chart)
    return drawing


def _figures(report):
    f = report.figures
    figures = [
        (_("Meetings held"), f.meetings_held, _("Scheduled meetings that have started.")),
        (_("Attendance"), f.attendance, _("Members checked in at the door, plus guests without an account.")),
        (_("Unique attendees"), f.unique_attendees, _("Different members checked in at least once.")),
        (_("First-time attendees"), f.first_time, _("Came to the chapter for the first time in the period.")),
        (_("Returning attendees"), f.returning, _("Had come to the chapter before the period.")),
        (
            _("No-show rate (%)"),
            percent(f.no_show_rate),
            _("The share of “going” RSVPs never checked in."),
        ),
        (_("Members"), f.members_at_end, _("Memberships of the chapter at the end of the period.")),
    ]
    return [[label, _text(value), definition] for label, value, definition in figures]


def _para(text, style=_SMALL):
    return Paragraph(escape(str(text)), style)


def _topic_flowables(topics, width):
    if not topics.rows:
        return [_para(_("Nothing to show for this period."))]
    first = 5 * cm
    rest = (width - first) / (len(topics.headers) - 1)
    widths = [first] + [rest] * (len(topics.headers) - 1)
    flowables = [_table(topics.headers, topics.rows[:TOPIC_ROWS], widths)]
    more = len(topics.rows) - TOPIC_ROWS
    if more > 0:
        text = ngettext(
            "%(count)s more topic in the report on the web.",
            "%(count)s more topics in the report on the web.",
            more,
        )
        flowables.append(_para(text % {"count": more}))
    return flowables


def _story(report, tables, title, width):
    period = _("From %(first)s to %(last)s") % {
        "first": date_format(report.period.first, "DATE_FORMAT"),
        "last": date_format(report.period.last, "DATE_FORMAT"),
    }
    story = [
        _para(title, _STYLES["Title"]),
        _para(period, _STYLES["Heading3"]),
        _table(
            [_("Measure"), _("Value"), _("What it counts")],
            _figures(report),
            [5 * cm, 2 * cm, width - 7 * cm],
        ),
    ]
    comparison = tables.get("comparison")
    if comparison is not None:
        widths = [width - 9 * cm, 3 * cm, 3 * cm, 3 * cm]
        story += [
            Spacer(1, 6),
            _para(comparison.caption, _STYLES["Heading4"]),
            _para(comparison.note),
            _table(comparison.headers, comparison.rows, widths, comparison.signed),
        ]
    months, topics = tables["months"], tables["topics"]
    story += [Spacer(1, 6), _para(months.caption, _STYLES["Heading4"]), _month_chart(months, width)]
    story += [Spacer(1, 6), _para(topics.caption, _STYLES["Heading4"]), *_topic_flowables(topics, width)]
    story += [
        Spacer(1, 6),
        _para(
            _(
                "Feedback: members who attended rated each talk from 1 to 5; a meeting with several "
                "topics counts for each. Only counts and averages are shared, never comments or names."
            )
        ),
    ]
    return story


def chapter_summary_pdf(report, tables):
    """Return the bytes of a one-page PDF summary of a chapter's report and its tables."""
    buffer = io.BytesIO()
    title = _("Attendance at %(chapter)s") % {"chapter": report.chapter.name}
    margin = 1.5 * cm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        invariant=True,
    )
    width, height = doc.width, doc.height
    # One frame that shrinks its content to fit: never a second page.
    doc.build([KeepInFrame(width, height, _story(report, tables, title, width), mode="shrink")])
    return buffer.getvalue()
