"""Dates and time zones as a reader of each language expects them.

Django's French formats write "1 septembre" and the zone abbreviations it takes from the tz
database are English ("EST", "ADT"). French usage in Canada is « 1er septembre » and « HNE »,
« HAA » (Office québécois de la langue française). `format_date` adjusts a date format for the
active language before Django applies it, so every `|date` in every template (the filter of
`itprosig.templatetags.dates`, installed as a builtin) reads right in one place.
"""

import datetime
import zoneinfo

from django.utils import formats, translation
from django.utils.translation import pgettext_lazy

# The tz database's English abbreviations of Canada's zones, and their French counterparts
# (N = normale, A = avancée, i.e. daylight saving time).
FRENCH_ABBREVIATIONS = {
    "NST": "HNT",
    "NDT": "HAT",
    "AST": "HNA",
    "ADT": "HAA",
    "EST": "HNE",
    "EDT": "HAE",
    "CST": "HNC",
    "CDT": "HAC",
    "MST": "HNR",
    "MDT": "HAR",
    "PST": "HNP",
    "PDT": "HAP",
}

# The long name of each North American zone, whatever the season (the abbreviation says which).
ZONE_NAMES = {
    "N": pgettext_lazy("time zone", "Newfoundland Time"),
    "A": pgettext_lazy("time zone", "Atlantic Time"),
    "E": pgettext_lazy("time zone", "Eastern Time"),
    "C": pgettext_lazy("time zone", "Central Time"),
    "M": pgettext_lazy("time zone", "Mountain Time"),
    "P": pgettext_lazy("time zone", "Pacific Time"),
}


def is_french():
    return (translation.get_language() or "").split("-")[0] == "fr"


def zone_abbreviation(moment):
    """Return the abbreviation of an aware datetime's zone in the active language ("HAE", "EDT")."""
    if not isinstance(moment, datetime.datetime) or moment.tzinfo is None:
        return ""
    english = moment.tzname() or ""
    return FRENCH_ABBREVIATIONS.get(english, english) if is_french() else english


def zone_name(time_zone, moment=None):
    """Return the long name of a zone in the active language: « heure de l'Est », "Atlantic Time".

    `time_zone` is an IANA name ("America/Moncton"); `moment` picks the season (now by default).
    A zone outside North America keeps its IANA name, which every reader can look up.
    """
    try:
        tz = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return time_zone
    moment = (moment or datetime.datetime.now(datetime.UTC)).astimezone(tz)
    english = moment.tzname() or ""
    if english in FRENCH_ABBREVIATIONS:
        return str(ZONE_NAMES[english[0]])
    return time_zone


def localize_format(format_string, value):
    """Return `format_string` adjusted for the active language and this value.

    In French the first of the month is « 1er », the zone abbreviation is French and a short
    month is « sept. »; other languages get the format unchanged. Escaped characters (a
    backslash before them) are kept.
    """
    if not is_french():
        return format_string
    first_of_month = getattr(value, "day", None) == 1
    abbreviation = zone_abbreviation(value)
    pieces = []
    escaped = False
    for char in format_string:
        if escaped:
            pieces.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "j" and first_of_month:
            pieces.append(_escape("1er"))
        elif char == "T" and abbreviation:
            pieces.append(_escape(abbreviation))
        elif char == "M":
            # Django's three-letter month ("Sep") is English usage; French abbreviates « sept. ».
            pieces.append("N")
        else:
            pieces.append(char)
    if escaped:
        pieces.append("\\")
    return "".join(pieces)


def format_date(value, format_name=None):
    """Format a date or datetime like Django's `date_format`, with French dates that read right."""
    format_string = formats.get_format(str(format_name or "DATE_FORMAT"))
    return formats.date_format(value, localize_format(format_string, value))


def _escape(text):
    return "".join("\\" + char for char in text)


def with_colon(text):
    """Return `text` followed by a colon, with the non-breaking space French puts before it."""
    return f"{text}\u00a0:" if is_french() else f"{text}:"
