"""CSV downloads that spreadsheet programs open safely: UTF-8 they recognise, no formula injection."""

import csv

from django.http import HttpResponse

#: A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """Return a CSV cell a spreadsheet shows as typed, never runs as a formula.

    Text starting like a formula gets a leading apostrophe; None becomes an empty cell; numbers and
    dates are data and stay as they are.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_download(filename, rows):
    """Return an attachment named `filename` holding these rows (the header first), cells neutralized."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The byte-order mark makes spreadsheet programs read accents as UTF-8.
    response.write("\ufeff")
    csv.writer(response).writerows([neutralize(cell) for cell in row] for row in rows)
    return response
