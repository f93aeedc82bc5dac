"""schema.org Event data for a meeting page, so search engines and calendars understand it."""

import json

from django.conf import settings
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

from .calendar import meeting_url

SCHEMA = "https://schema.org/"
MODES = {
    "in_person": "OfflineEventAttendanceMode",
    "online": "OnlineEventAttendanceMode",
    "hybrid": "MixedEventAttendanceMode",
}


def _place(venue):
    return {
        "@type": "Place",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": " ".join(venue.address.split()),
            "addressLocality": venue.city,
            "addressRegion": venue.chapter.region,
            "addressCountry": venue.chapter.country,
        },
        **({"hasMap": venue.map_url} if venue.map_url else {}),
    }


def meeting_event(meeting, *, counts, agenda_items=None):
    """Return the Event as a dict; the online link is left out, as it is only for members going."""
    chapter = meeting.chapter
    tz = chapter.tzinfo
    locations = []
    if meeting.venue_id and meeting.format != meeting.Format.ONLINE:
        locations.append(_place(meeting.venue))
    if meeting.format != meeting.Format.IN_PERSON:
        locations.append({"@type": "VirtualLocation", "url": meeting_url(meeting)})
    status = "EventCancelled" if meeting.is_cancelled else "EventScheduled"
    spots_left = counts["spots_left"]
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.display_title,
        "url": meeting_url(meeting),
        "startDate": meeting.starts_at.astimezone(tz).isoformat(),
        "endDate": meeting.ends_at.astimezone(tz).isoformat(),
        "eventStatus": SCHEMA + status,
        "eventAttendanceMode": SCHEMA + MODES[meeting.format],
        "organizer": {
            "@type": "Organization",
            "name": chapter.name,
            "url": f"{settings.SITE_URL}{chapter.get_absolute_url()}",
        },
        "isAccessibleForFree": True,
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "CAD",
            "url": meeting_url(meeting),
            "availability": SCHEMA + ("SoldOut" if spots_left == 0 else "InStock"),
        },
    }
    if chapter.website:
        data["organizer"]["sameAs"] = chapter.website
    if len(locations) == 1:
        data["location"] = locations[0]
    elif locations:
        data["location"] = locations
    if meeting.display_description:
        data["description"] = meeting.display_description[:500]
    performers = []
    for item in meeting.agenda_items.all() if agenda_items is None else agenda_items:
        if item.speaker and item.speaker not in performers:
            performers.append(item.speaker)
    if performers:
        data["performer"] = [{"@type": "Person", "name": name} for name in performers]
    if meeting.capacity is not None:
        data["maximumAttendeeCapacity"] = meeting.capacity
        data["remainingAttendeeCapacity"] = spots_left
    return data


def as_script(data):
    """Return the JSON-LD <script> element, escaped so no value can close it early."""
    payload = json.dumps(data, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above
