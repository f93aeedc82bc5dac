"""What a meeting page shows, worked out once for the view: its state, agenda times, address, map."""

from urllib.parse import urlencode

from .calendar import agenda_schedule

UPCOMING, FULL, PAST, CANCELLED = "upcoming", "full", "past", "cancelled"
OPENSTREETMAP_SEARCH = "https://www.openstreetmap.org/search"


def meeting_state(meeting, counts):
    """Return the page's state: cancelled, past, full (no seat left) or upcoming."""
    if meeting.is_cancelled:
        return CANCELLED
    if meeting.is_past:
        return PAST
    if counts["spots_left"] == 0:
        return FULL
    return UPCOMING


def agenda_with_times(meeting, items=None):
    """Return [(item, local start time)] with each item starting when the one before it ends."""
    return [(item, start) for start, item in agenda_schedule(meeting, items)]


def address_lines(venue):
    """Return the venue's address lines, with its city added only when the address does not name it."""
    lines = [line.strip() for line in venue.address.splitlines() if line.strip()]
    if venue.city and venue.city.casefold() not in venue.address.casefold():
        lines.append(venue.city)
    return lines


def map_url(venue):
    """Return a plain OpenStreetMap link for the venue: a search, so no tiles or scripts load here."""
    return f"{OPENSTREETMAP_SEARCH}?{urlencode({'query': ', '.join(address_lines(venue))})}"
