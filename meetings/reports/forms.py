"""The period a report covers, read from ?from=&to= (ISO dates)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meetings.reports.selectors import Period

#: The longest period one report covers; longer requests are refused rather than left to run.
MAX_PERIOD = datetime.timedelta(days=366 * 30)
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


class IsoDateField(forms.Field):
    """A date written as ISO 8601 (2026-01-31), and nothing else: no locale-dependent formats."""

    default_error_messages = {"invalid": _("Dates must be written as YYYY-MM-DD, for example 2026-01-31.")}

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class ReportPeriodForm(forms.Form):
    """Parse a report's period; a missing end is taken from the reader's default period.

    The query string names the fields `from` and `to`, which Python cannot name a field.
    """

    first = IsoDateField(required=False)
    last = IsoDateField(required=False)
    _QUERY_NAMES = {"first": "from", "last": "to"}

    def __init__(self, data, *, fallback):
        super().__init__(data)
        self.fallback = fallback

    def add_prefix(self, field_name):
        return self._QUERY_NAMES.get(field_name, field_name)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        first, last = cleaned.get("first"), cleaned.get("last")
        if first is None and last is None:
            cleaned["period"] = self.fallback
            return cleaned
        first = first or self.fallback.first
        last = last or self.fallback.last
        if not (EARLIEST <= first <= LATEST and EARLIEST <= last <= LATEST):
            raise ValidationError(_("Choose dates between the years 1900 and 2999."), code="range")
        if first > last:
            raise ValidationError(_("The period must end on or after the day it starts."), code="order")
        if last - first > MAX_PERIOD:
            raise ValidationError(_("A report covers at most 30 years."), code="too_long")
        cleaned["period"] = Period(first, last)
        return cleaned

    def first_error(self):
        """Return the one message to show (`clean` adds its own only once both dates read)."""
        return next(iter(self.errors.values()))[0]
