"""Date filters installed as template builtins (see TEMPLATES in settings).

`date` replaces Django's filter of the same name, so every template's dates follow
`itprosig.dates` (« 1er septembre », « HNE ») without each template loading anything.
"""

from django import template
from django.template import defaultfilters

from itprosig import dates

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Format a date as Django's `date` filter does, in the active language's usage."""
    if value in (None, ""):
        return ""
    try:
        return dates.format_date(value, arg)
    except AttributeError:
        # Not a date (a string, say): let Django's filter decide, as it always did.
        return defaultfilters.date(value, arg)


@register.filter
def zone_name(time_zone, moment=None):
    """Return a zone's long name in the active language: « heure de l'Atlantique »."""
    if not time_zone:
        return ""
    return dates.zone_name(str(time_zone), moment if hasattr(moment, "astimezone") else None)


@register.filter
def label(text):
    """Return a label followed by its colon as the active language writes it: "Agenda:", « Programme : »."""
    return dates.with_colon(str(text))
