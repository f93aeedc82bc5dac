"""RSVP lists as CSV for organizers, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """Return the cell as text a spreadsheet shows as typed, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _local(moment, tz):
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def rsvps_csv_response(rsvps, *, filename):
    """Return a CSV download of the RSVPs, times in each meeting's chapter time zone."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark lets spreadsheet programs read accented names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Chapter"),
            _("Meeting"),
            _("Starts (local time)"),
            _("Name"),
            _("Email"),
            _("Status"),
            _("Answered at"),
            _("Waitlisted at"),
            _("Checked in at"),
        ]
    )
    rows = rsvps.select_related("meeting__chapter", "member").order_by(
        "meeting__starts_at", "meeting_id", "status", "created_at"
    )
    for rsvp in rows.iterator(chunk_size=2000):
        tz = rsvp.meeting.chapter.tzinfo
        writer.writerow(
            neutralize(cell)
            for cell in (
                rsvp.meeting.chapter.name,
                rsvp.meeting.title,
                _local(rsvp.meeting.starts_at, tz),
                rsvp.member.public_name,
                rsvp.member.email,
                rsvp.get_status_display(),
                _local(rsvp.created_at, tz),
                _local(rsvp.waitlisted_at, tz),
                _local(rsvp.checked_in_at, tz),
            )
        )
    return response
