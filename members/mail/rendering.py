"""Render an email from templates in the recipient's language and the chapter's time zone.

An email named "meetings/email/rsvp_going" is three templates beside each other:
`rsvp_going.subject.txt`, `rsvp_going.txt` and `rsvp_going.html`. The HTML one extends
`mail/base.html`, the text one `mail/base.txt`, so every message shares its header and footer.
"""

import functools
import zoneinfo
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from itprosig.validators import single_line


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template, context, *, language=None, time_zone=None):
    """Render subject, text and HTML bodies of `template` for one recipient."""
    language = language or settings.LANGUAGE_CODE
    tz = zoneinfo.ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    with translation.override(language), timezone.override(tz or timezone.get_default_timezone()):
        context = {"site_url": settings.SITE_URL, "language": language, **context}
        subject = render_plain_text(f"{template}.subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return RenderedEmail(subject=one_line(subject), text=_tidy_text(text), html=html)


def render_plain_text(template_name, context):
    """Render a template that is not HTML (a subject) with autoescaping off.

    "Q&A: what's new" must arrive as typed, not as "Q&amp;A: what&#x27;s new".
    """
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def one_line(text):
    """Return header text on one line, whatever it holds.

    Templates end with a newline and may wrap; rows saved before names were validated may hold
    line breaks or control characters, which would otherwise start a new header.
    """
    return " ".join(single_line(text).split())


def _tidy_text(text):
    """Drop the blank-line runs template tags leave behind, keeping paragraph breaks."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip() + "\n"


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def absolute_reverse(viewname, **kwargs):
    """Return the absolute URL of a named view in the active language, or the site root.

    An email must never fail because one of its links cannot be built; the root still helps.
    """
    try:
        return absolute_url(reverse(viewname, kwargs=kwargs or None))
    except NoReverseMatch:
        return absolute_url("/")


def object_url(obj):
    try:
        return absolute_url(obj.get_absolute_url())
    except NoReverseMatch:
        return absolute_url("/")


def sender(chapter=None, *, bulk=False):
    """Return the From address: the chapter's name over the site's sending address."""
    configured = settings.NEWSLETTER_FROM_EMAIL if bulk else settings.DEFAULT_FROM_EMAIL
    return _from_address(chapter.name if chapter else None, configured)


@functools.lru_cache(maxsize=256)
def _from_address(chapter_name, configured):
    # Every queued email asks, with the same few chapter names: parsed and encoded once each.
    name, address = parseaddr(configured)
    return formataddr((one_line(chapter_name) if chapter_name is not None else name or "itprosig", address))
