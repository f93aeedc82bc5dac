"""Meetings as iCalendar (RFC 5545), and as scheduling messages (RFC 5546) for email.

One builder serves the chapter feed, the per-meeting download and the invitations attached to
email, so a meeting keeps the same UID everywhere and calendars update the event they already
hold instead of adding a second one. SEQUENCE follows `Meeting.sequence`, which the scheduling
service raises on every change members should see.
"""

import contextlib
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress, vText

from itprosig.dates import format_date
from itprosig.plain_text import markdown_to_text

PRODID = "-//itprosig//Meetings//EN"
GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"
# The Google link's `details` carry the agenda; a long agenda is cut so the link stays well under
# the address lengths browsers and mail clients keep (a few thousand characters).
GOOGLE_DETAILS_MAX_CHARS = 1200


def event_uid(meeting):
    """Return the meeting's UID: stable for its whole life, whatever else changes."""
    domain = getattr(settings, "ICAL_UID_DOMAIN", "itprosig")
    return f"meeting-{meeting.pk}@{domain}"


def meeting_url(meeting):
    return f"{settings.SITE_URL}{meeting.get_absolute_url()}"


def _location(meeting, *, include_online_link):
    parts = []
    if meeting.venue_id:
        venue = meeting.venue
        parts.append(", ".join(p for p in (venue.name, " ".join(venue.address.split()), venue.city) if p))
    if meeting.format != meeting.Format.IN_PERSON and include_online_link and meeting.online_url:
        parts.append(meeting.online_url)
    return " / ".join(parts)


def agenda_schedule(meeting, items=None):
    """Return (start, item) for each agenda item: the items follow each other from the meeting's start.

    Starts are in the chapter's time zone; the meeting's agenda items (or `items`) are read once
    (prefetched on the pages and emails that show them).
    """
    start = meeting.starts_at.astimezone(meeting.chapter.tzinfo)
    schedule = []
    for item in meeting.agenda_items.all() if items is None else items:
        start = item.starts_from(start)
        schedule.append((start, item))
        start += datetime.timedelta(minutes=item.duration_minutes)
    return schedule


def agenda_lines(meeting):
    """Return the agenda as plain-text lines with clock times: "18:00  Title (Speaker), 45 min"."""
    lines = []
    for start, item in agenda_schedule(meeting):
        speaker = f" ({item.speaker})" if item.speaker else ""
        minutes = gettext("%(minutes)s min") % {"minutes": item.duration_minutes}
        lines.append(f"{format_date(start, 'TIME_FORMAT')}  {item.title}{speaker}, {minutes}")
    return lines


def _description(meeting, *, include_online_link):
    """Return the DESCRIPTION: plain text (RFC 5545), so the Markdown is rendered then stripped."""
    lines = []
    about = markdown_to_text(meeting.display_description)
    if about:
        lines += [about, ""]
    agenda = agenda_lines(meeting)
    if agenda:
        lines += [gettext("Agenda"), *agenda, ""]
    if include_online_link and meeting.online_url and meeting.format != meeting.Format.IN_PERSON:
        lines += [meeting.online_url, ""]
    lines.append(meeting_url(meeting))
    return "\n".join(lines).strip()


def _organizer(chapter):
    address = chapter.contact_email or settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(chapter.name)
    return organizer


def _attendee(member):
    attendee = vCalAddress(f"mailto:{member.email}")
    attendee.params["cn"] = vText(member.public_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    return attendee


def _language_of(member):
    language = getattr(member, "preferred_language", "")
    return translation.override(language) if language else contextlib.nullcontext()


def build_event(meeting, *, method=None, attendee=None, stamp=None):
    """Return the VEVENT for one meeting; `attendee` (a Member) sees the online link."""
    chapter = meeting.chapter
    tz = chapter.tzinfo
    include_online_link = attendee is not None
    cancelled = meeting.is_cancelled or method == "CANCEL"

    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("dtstamp", stamp or timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("sequence", meeting.sequence)
    # An invitation is read by one member: its text is in their language, whatever is active.
    with _language_of(attendee):
        event.add("summary", f"{chapter.name}: {meeting.display_title}")
        event.add("description", _description(meeting, include_online_link=include_online_link))
    location = _location(meeting, include_online_link=include_online_link)
    if location:
        event.add("location", location)
    event.add("url", meeting_url(meeting))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("created", meeting.created_at.astimezone(datetime.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    for topic in meeting.topics.all():
        event.add("categories", [topic.name])
    event.add("organizer", _organizer(chapter))
    if attendee is not None:
        event.add("attendee", _attendee(attendee))
    return event


def build_calendar(meetings, *, method=None, attendee=None, name=None):
    """Return a VCALENDAR holding the given meetings.

    `method` is "REQUEST" or "CANCEL" for email invitations (RFC 5546), None for feeds and
    downloads. Each chapter's time zone is included as a VTIMEZONE, so clients show local times.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(datetime.UTC)
    zones = set()
    span = []
    for meeting in meetings:
        calendar.add_component(build_event(meeting, method=method, attendee=attendee, stamp=stamp))
        zones.add(str(meeting.chapter.time_zone))
        span += [meeting.starts_at.date(), meeting.ends_at.date()]
    if len(zones) == 1:
        calendar.add("x-wr-timezone", zones.pop())
    if span:
        # Describe each zone's rules only around the meetings' dates: icalendar's default spans
        # 1970-2038, which costs tens of milliseconds per calendar in every RSVP email and feed.
        margin = datetime.timedelta(days=366)
        calendar.add_missing_timezones(first_date=min(span) - margin, last_date=max(span) + margin)
    return calendar


def google_calendar_url(meeting):
    """Return the "add to Google Calendar" link for a meeting: public details and its agenda."""

    def stamp(moment):
        return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")

    query = {
        "action": "TEMPLATE",
        "text": f"{meeting.chapter.name}: {meeting.display_title}",
        "dates": f"{stamp(meeting.starts_at)}/{stamp(meeting.ends_at)}",
        "details": _google_details(meeting),
        "location": _location(meeting, include_online_link=False),
        "ctz": meeting.chapter.time_zone,
    }
    return f"{GOOGLE_CALENDAR_URL}?{urlencode(query)}"


def _google_details(meeting):
    """Return the agenda with clock times then the meeting's address, cut to a reasonable length."""
    url = meeting_url(meeting)
    agenda = "\n".join(agenda_lines(meeting))
    if not agenda:
        return url
    room = GOOGLE_DETAILS_MAX_CHARS - len(url) - 2
    return f"{Truncator(agenda).chars(room)}\n\n{url}"
