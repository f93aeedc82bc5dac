"""RSVP lists as CSV for organizers, safe to open in a spreadsheet."""

from django.utils import timezone
from django.utils.translation import gettext as _

from itprosig.csv import csv_download


def _local(moment, tz):
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def rsvps_csv_response(rsvps, *, filename=None):
    """Return a CSV download of the RSVPs, times in each meeting's chapter time zone."""
    rsvps = rsvps.select_related("meeting__chapter", "member").order_by(
        "meeting__starts_at", "meeting_id", "status", "created_at"
    )

    def rows():
        yield [
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
        for rsvp in rsvps.iterator(chunk_size=2000):
            tz = rsvp.meeting.chapter.tzinfo
            yield (
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

    return csv_download(filename or f"rsvps-{timezone.localdate():%Y-%m-%d}.csv", rows())
