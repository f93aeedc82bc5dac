"""The tables of each report, shared by the web page, its charts and the CSV downloads.

One Table feeds the HTML table, the chart drawn beside it and the CSV file, so the three always
show the same figures.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from itprosig.csv import csv_download
from itprosig.dates import format_date as date_format

#: The most rows a web page shows of one table; the CSV download has every row.
HTML_ROW_LIMIT = 200


class Month(datetime.date):
    """The first day of a month, standing for the whole month: "2026-01" in a CSV file."""

    def __str__(self):
        return self.strftime("%Y-%m")


def month(day):
    return Month(day.year, day.month, 1)


def with_sign(value):
    """Return a change as text with its sign ("+3", "-1,5" in French), or None."""
    if value is None:
        return None
    text = number_format(value, decimal_pos=1 if isinstance(value, float) else None)
    return f"+{text}" if value > 0 else text


def display(value):
    """Return a cell as the page and its chart both show it: dates in the one format of the reports."""
    if isinstance(value, Month):
        return date_format(value, "YEAR_MONTH_FORMAT")
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return date_format(value, "DATE_FORMAT")
    return value


@dataclass
class Table:
    slug: str
    caption: str
    headers: list
    rows: list = field(default_factory=list)
    #: Index of the column a chart draws, and of the column naming each bar.
    chart_value: int | None = None
    chart_label: int = 0
    note: str = ""
    #: Columns of changes, shown with their sign (+3, -1) on the page; the CSV keeps plain numbers.
    signed: tuple = ()

    @property
    def numeric_columns(self):
        """Return, per column, whether it holds figures (aligned right) rather than words."""
        return [
            all(row[i] is None or isinstance(row[i], int | float) for row in self.rows) and i > 0
            for i in range(len(self.headers))
        ]

    @property
    def header_cells(self):
        return list(zip(self.headers, self.numeric_columns, strict=True))

    @property
    def cells(self):
        """Return the rows a web page shows as (value, is_figure, column header); the CSV has them all.

        The header labels each figure when a phone shows a row as a card (static/css/reports.css).
        """
        numeric = self.numeric_columns
        return [
            [
                (with_sign(cell) if i in self.signed else display(cell), figure, header)
                for i, (cell, figure, header) in enumerate(zip(row, numeric, self.headers, strict=True))
            ]
            for row in self.rows[:HTML_ROW_LIMIT]
        ]

    @property
    def wide(self):
        return len(self.headers) > 4

    @property
    def stacks(self):
        """Whether a phone shows each row as a card: four columns of words do not fit 390 pixels."""
        return len(self.headers) >= 4


def percent(share):
    """Return a share (0..1) as a percentage with one decimal, or None."""
    return None if share is None else round(share * 100, 1)


def _one_decimal(value):
    return None if value is None else round(value, 1)


def _summary(rows):
    return Table("summary", _("Summary"), [_("Measure"), _("Value")], rows)


def _name(display_name, email):
    return display_name or (email or "").split("@", 1)[0]


def merge_feedback(rows):
    """Return feedback rows of several chapters (community's `feedback_by_topic`) merged per topic."""
    merged = {}
    for row in rows:
        total = merged.setdefault(row["slug"], {**row, "respondents": 0, "ratings": 0, "sum": 0})
        total["respondents"] += row["respondents"]
        total["ratings"] += row["ratings"]
        total["sum"] += row["average"] * row["ratings"]
    for total in merged.values():
        total["average"] = round(total["sum"] / total["ratings"], 2) if total["ratings"] else None
    return list(merged.values())


def _topic_table(rows, feedback):
    """Return attendance and feedback by topic, the same table in a chapter report and the network view.

    `feedback` holds counts and averages only (never comments or names), so every reader sees it.
    """
    by_slug = {row["slug"]: row for row in feedback}
    return Table(
        "topics",
        _("Attendance and feedback by topic"),
        [
            _("Topic"),
            _("Meetings"),
            _("Attendance"),
            _("Average per meeting"),
            _("Members who rated talks"),
            _("Average rating (1 to 5)"),
        ],
        [
            [
                row["topic__name"],
                row["meetings"],
                row["attendance"],
                round(row["attendance"] / row["meetings"], 1),
                by_slug.get(row["topic__slug"], {}).get("respondents", 0),
                by_slug.get(row["topic__slug"], {}).get("average"),
            ]
            for row in rows
        ],
        chart_value=2,
    )


def _change(now, before):
    """Return the change from `before` to `now` (None when either is unknown)."""
    if now is None or before is None:
        return None
    return round(now - before, 1)


def comparison_table(report):
    """Return the key figures of the period beside those of the period just before."""
    f, p = report.figures, report.previous
    measures = [
        (_("Meetings held"), f.meetings_held, p.meetings_held),
        (_("Attendance (members checked in and guests)"), f.attendance, p.attendance),
        (
            _("Average attendance per meeting"),
            _one_decimal(f.average_attendance),
            _one_decimal(p.average_attendance),
        ),
        (_("RSVPs (going and waitlisted)"), f.rsvps, p.rsvps),
        (_("No-show rate (%)"), percent(f.no_show_rate), percent(p.no_show_rate)),
        (_("Unique attendees"), f.unique_attendees, p.unique_attendees),
        (_("First-time attendees"), f.first_time, p.first_time),
        (_("Returning attendees"), f.returning, p.returning),
        (_("New members in the period"), f.members_new, p.members_new),
    ]
    return Table(
        "comparison",
        _("Compared with the previous period"),
        [_("Measure"), _("This period"), _("Previous period"), _("Change")],
        [[label, now, before, _change(now, before)] for label, now, before in measures],
        signed=(3,),
        note=_(
            "The previous period has the same number of days and ends the day before this one "
            "starts: %(first)s to %(last)s."
        )
        % {
            "first": date_format(report.previous_period.first, "DATE_FORMAT"),
            "last": date_format(report.previous_period.last, "DATE_FORMAT"),
        },
    )


def chapter_tables(report, feedback=()):
    """Return the chapter report's tables; `feedback` is community's feedback by topic (numbers only)."""
    tz = report.chapter.tzinfo
    f = report.figures
    summary = _summary(
        [
            [_("Meetings held"), f.meetings_held],
            [_("RSVPs (going and waitlisted)"), f.rsvps],
            [_("Attendance (members checked in and guests)"), f.attendance],
            [_("Members checked in"), f.checked_in],
            [_("Guests without an account"), f.guests],
            [_("Average attendance per meeting"), _one_decimal(f.average_attendance)],
            [_("No-show rate (%)"), percent(f.no_show_rate)],
            [_("Unique attendees"), f.unique_attendees],
            [_("First-time attendees"), f.first_time],
            [_("Returning attendees"), f.returning],
            [_("Members at the start of the period"), f.members_at_start],
            [_("New members in the period"), f.members_new],
            [_("Members at the end of the period"), f.members_at_end],
        ]
    )
    meetings = Table(
        "meetings",
        _("Attendance by meeting"),
        [
            _("Date"),
            _("Meeting"),
            _("Going"),
            _("Waitlisted"),
            _("Checked in"),
            _("Guests"),
            _("Attendance"),
            _("No-shows"),
        ],
        [
            [
                timezone.localtime(row["starts_at"], tz).date(),
                row["title"],
                row["going"],
                row["waitlisted"],
                row["checked_in"],
                row["guest_count"],
                row["attendance"],
                row["no_shows"],
            ]
            for row in report.meetings
        ],
        chart_value=6,
    )
    months = Table(
        "months",
        _("Attendance by month"),
        [_("Month"), _("Meetings held"), _("Attendance")],
        [[month(row["month"]), row["meetings"], row["attendance"]] for row in report.attendance_months],
        chart_value=2,
        note=_("Every month of the period, with zero where no meeting was held."),
    )
    topics = _topic_table(report.topics, feedback)
    kinds = Table(
        "kinds",
        _("Attendance by session kind"),
        [_("Session kind"), _("Meetings with such a session"), _("Sessions"), _("Attendance")],
        [[str(row["label"]), row["meetings"], row["sessions"], row["attendance"]] for row in report.kinds],
        chart_value=3,
        note=_("A meeting with several kinds of session counts under each of them."),
    )
    membership = Table(
        "membership",
        _("Membership growth"),
        [_("Month"), _("New members"), _("Members")],
        [[month(row["month"]), row["joined"], row["total"]] for row in report.membership_months],
        chart_value=2,
    )
    attendees = Table(
        "attendees",
        _("Attendees"),
        [_("Name"), _("Email"), _("Meetings attended"), _("Last attended")],
        [
            [
                _name(row["member__display_name"], row["member__email"]),
                row["member__email"],
                row["visits"],
                timezone.localtime(row["last_seen"], tz).date(),
            ]
            for row in report.attendees
        ],
    )
    tables = [summary, months, meetings, topics, kinds, membership, attendees]
    if report.previous is not None:
        tables.insert(1, comparison_table(report))
    return {t.slug: t for t in tables}


def meeting_tables(report):
    tz = report.meeting.chapter.tzinfo
    summary = _summary(
        [
            [_("Going"), report.going],
            [_("Waitlisted"), report.waitlisted],
            [_("Not going"), report.not_going],
            [_("Members checked in"), report.checked_in],
            [_("… of them from the waitlist"), report.checked_in_from_waitlist],
            [_("… of them who had answered “not going”"), report.walk_ins],
            [_("Guests without an account"), report.guests],
            [_("Attendance (members checked in and guests)"), report.attendance],
            [_("No-shows"), report.no_shows],
            [_("No-show rate (%)"), percent(report.no_show_rate)],
        ]
    )
    chart = Table(
        "breakdown",
        _("Who came"),
        [_("Group"), _("People")],
        [
            [_("Going and checked in"), report.going - report.no_shows],
            [_("Checked in from the waitlist"), report.checked_in_from_waitlist],
            [_("Checked in after answering “not going”"), report.walk_ins],
            [_("Guests without an account"), report.guests],
            [_("No-shows"), report.no_shows],
        ],
        chart_value=1,
    )
    rsvp_labels = {"going": _("Going"), "waitlisted": _("Waitlisted"), "not_going": _("Not going")}
    attendees = Table(
        "attendees",
        _("Attendees"),
        [_("Name"), _("Email"), _("RSVP"), _("Checked in at")],
        [
            [
                _name(row["member__display_name"], row["member__email"]),
                row["member__email"],
                rsvp_labels.get(row["status"], row["status"]),
                timezone.localtime(row["checked_in_at"], tz).strftime("%H:%M"),
            ]
            for row in report.attendees
        ],
    )
    return {t.slug: t for t in (summary, chart, attendees)}


def network_tables(rows, topics, feedback=()):
    chapters = Table(
        "chapters",
        _("Chapters"),
        [
            _("Chapter"),
            _("From"),
            _("To"),
            _("Meetings held"),
            _("RSVPs"),
            _("Attendance"),
            _("Unique attendees"),
            _("No-show rate (%)"),
            _("Members"),
        ],
        [
            [
                row["chapter"].name,
                row["period"].first,
                row["period"].last,
                row["figures"].meetings_held,
                row["figures"].rsvps,
                row["figures"].attendance,
                row["figures"].unique_attendees,
                percent(row["figures"].no_show_rate),
                row["figures"].members_at_end,
            ]
            for row in rows
        ],
        chart_value=5,
    )
    topic_table = _topic_table(topics, feedback)
    return {t.slug: t for t in (chapters, topic_table)}


def csv_response(table, filename):
    return csv_download(filename, [[str(h) for h in table.headers], *table.rows])
