"""A member's own meetings: the RSVPs listed on /me/ with their QR tickets, and the personal feed.

The feed holds the meetings the member is going to or waitlisted for (not drafts), past and
upcoming within a window, each built by meetings.calendar like every other calendar of the site,
so a meeting keeps one UID whether it came by email, the chapter feed or this one.
"""

import base64
import datetime

from django.db.models import OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from itprosig.db import subquery_count

from .calendar import build_calendar
from .checkin.links import checkin_qr_png
from .models import RSVP, AgendaItem, Meeting

ACTIVE_RSVP = (RSVP.Status.GOING, RSVP.Status.WAITLISTED)
# Calendars keep what they already fetched; the feed needs only recent and coming meetings.
FEED_PAST_DAYS = 90
AGENDA_ORDER = AgendaItem.objects.order_by("position", "pk")


def member_upcoming_tickets(member, *, now=None):
    """Return the member's RSVPs to meetings that have not ended, with `place` on the waitlist (1 = next).

    Each RSVP carries `qr_data_uri`, the QR code of its door check-in link as a data: URI, so
    the page shows the same ticket as the confirmation email without another request.
    """
    ahead = RSVP.objects.filter(
        meeting=OuterRef("meeting"),
        status=RSVP.Status.WAITLISTED,
        waitlisted_at__lt=OuterRef("waitlisted_at"),
    )
    rsvps = list(
        RSVP.objects.filter(member=member, status__in=ACTIVE_RSVP, meeting__ends_at__gt=now or timezone.now())
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .annotate(ahead=subquery_count(ahead, per="meeting"))
        .select_related("meeting__chapter")
        .order_by("meeting__starts_at")
    )
    for rsvp in rsvps:
        rsvp.place = rsvp.ahead + 1 if rsvp.status == RSVP.Status.WAITLISTED else None
        rsvp.qr_data_uri = qr_data_uri(rsvp) if not rsvp.meeting.is_cancelled else ""
    return rsvps


def qr_data_uri(rsvp):
    """Return the RSVP's check-in QR code (the one its confirmation email carries) as a data: URI."""
    png = checkin_qr_png(rsvp, scale=4)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def member_feed_meetings(member, *, now=None):
    """Return the meetings of the member's feed: going or waitlisted, not drafts, recent or coming."""
    since = (now or timezone.now()) - datetime.timedelta(days=FEED_PAST_DAYS)
    return (
        Meeting.objects.filter(rsvps__member=member, rsvps__status__in=ACTIVE_RSVP, ends_at__gt=since)
        .exclude(status=Meeting.Status.DRAFT)
        .select_related("chapter", "venue")
        .prefetch_related("topics", Prefetch("agenda_items", queryset=AGENDA_ORDER))
        .order_by("starts_at")
    )


def member_feed_ics(member):
    """Return the member's personal feed as iCalendar bytes."""
    meetings = member_feed_meetings(member)
    return build_calendar(meetings, attendee=member, name=gettext("My IT Pro meetings")).to_ical()
