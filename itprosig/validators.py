"""Validators shared by every app.

A name, title or subject that reaches an email header must be one line of printable text: a CR or
LF in it would start a new header (From, Bcc) when the header is written.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def has_control_characters(value):
    """Return whether `value` holds a control character (CR, LF, NUL, tab...) or a line separator."""
    return any(unicodedata.category(char) in _LINE_BREAKING for char in value or "")


def no_control_characters(value):
    """Refuse text meant for one line (and for email headers) that holds line breaks or control codes."""
    if has_control_characters(value):
        raise ValidationError(
            _("Use one line of plain text: line breaks and control characters are not allowed."),
            code="control_characters",
        )


def single_line(value):
    """Return `value` on one line: control characters become spaces (for text saved before validation)."""
    if not has_control_characters(value):
        return value
    cleaned = "".join(" " if unicodedata.category(char) in _LINE_BREAKING else char for char in value)
    return " ".join(cleaned.split())
