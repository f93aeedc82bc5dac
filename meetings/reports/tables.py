"""The tables of each report, shared by the web page, its charts and the CSV downloads.

One Table feeds the HTML table, the chart drawn beside it and the CSV file, so the three always
show the same figures.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from itprosig.csv import csv_download, neutralize  # noqa: F401 (neutralize: the reports' cell rule)

#: The most rows a web page shows of one table; the CSV download has every row.
HTML_ROW_LIMIT = 200


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
        """Return the rows a web page shows as (value, is_figure) pairs; the CSV has them all."""
        numeric = self.numeric_columns
        return [list(zip(row, numeric, strict=True)) for row in self.rows[:HTML_ROW_LIMIT]]

    @property
    def wide(self):
        return len(self.headers) > 4


def percent(share):
    """Return a share (0..1) as a percentage with one decimal, or None."""
    return None if share is None else round(share * 100, 1)


def _name(display_name, email):
    return display_name or (email or "").split("@", 1)[0]


def _local(value, tzinfo):
    return timezone.localtime(value, tzinfo) if value else None


def _topic_table(rows):
    """Return attendance by topic, the same table in a chapter report and the network view."""
    return Table(
        "topics",
        _("Attendance by topic"),
        [_("Topic"), _("Meetings"), _("Attendance"), _("Average per meeting")],
        [
            [
                row["topic__name"],
                row["meetings"],
                row["attendance"],
                round(row["attendance"] / row["meetings"], 1),
            ]
            for row in rows
        ],
        chart_value=2,
    )


def chapter_tables(report):
    tz = report.chapter.tzinfo
    f = report.figures
    summary = Table(
        "summary",
        _("Summary"),
        [_("Measure"), _("Value")],
        [
            [_("Meetings held"), f.meetings_held],
            [_("RSVPs (going and waitlisted)"), f.rsvps],
            [_("Attendance (members checked in and guests)"), f.attendance],
            [_("Members checked in"), f.checked_in],
            [_("Guests without an account"), f.guests],
            [
                _("Average attendance per meeting"),
                None if f.average_attendance is None else round(f.average_attendance, 1),
            ],
            [_("No-show rate (%)"), percent(f.no_show_rate)],
            [_("Unique attendees"), f.unique_attendees],
            [_("First-time attendees"), f.first_time],
            [_("Returning attendees"), f.returning],
            [_("Members at the start of the period"), f.members_at_start],
            [_("New members in the period"), f.members_new],
            [_("Members at the end of the period"), f.members_at_end],
        ],
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
                _local(row["starts_at"], tz).date(),
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
    topics = _topic_table(report.topics)
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
        [[row["month"], row["joined"], row["total"]] for row in report.membership_months],
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
                _local(row["last_seen"], tz).date(),
            ]
            for row in report.attendees
        ],
    )
    return {t.slug: t for t in (summary, meetings, topics, kinds, membership, attendees)}


def meeting_tables(report):
    tz = report.meeting.chapter.tzinfo
    summary = Table(
        "summary",
        _("Summary"),
        [_("Measure"), _("Value")],
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
        ],
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
                _local(row["checked_in_at"], tz).strftime("%H:%M"),
            ]
            for row in report.attendees
        ],
    )
    return {t.slug: t for t in (summary, chart, attendees)}


def network_tables(rows, topics):
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
    topic_table = _topic_table(topics)
    return {t.slug: t for t in (chapters, topic_table)}


def csv_response(table, filename):
    response, writer = csv_download(filename)
    writer.writerow([str(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(row)
    return response
