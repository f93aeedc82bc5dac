"""Load rows into PostgreSQL with COPY, fast enough for a million RSVPs in seconds.

Rows are tuples for the columns a seeder names; every other concrete column of the model gets the
model field's default (called per row when it must be unique, such as a token), so a field another
part of the app adds later does not break seeding.
"""

import datetime
import io
import json
import uuid

from django.db import connection

CHUNK_ROWS = 200_000


def _text(value):
    """Return one value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    elif isinstance(value, uuid.UUID):
        return str(value)
    value = str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _filled_columns(model, names):
    """Return (columns, per-row fillers) for the model's concrete columns the seeder did not name."""
    now = datetime.datetime.now(datetime.UTC)
    columns, fillers = [], []
    for field in model._meta.concrete_fields:
        if field.attname in names:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constant = now
            fillers.append(lambda constant=constant: constant)
        elif field.has_default() and field.unique and callable(field.default):
            fillers.append(field.get_default)
        elif field.has_default():
            constant = field.get_db_prep_save(field.get_default(), connection)
            fillers.append(lambda constant=constant: constant)
        elif field.null or field.primary_key:
            continue
        else:
            constant = field.get_db_prep_save("" if field.empty_strings_allowed else None, connection)
            fillers.append(lambda constant=constant: constant)
        columns.append(field.column)
    return columns, fillers


def copy_rows(model, names, rows):
    """COPY `rows` (tuples matching the field attnames `names`) into the model's table.

    Return the number of rows written.
    """
    extra_columns, fillers = _filled_columns(model, set(names))
    columns = [model._meta.get_field(name).column for name in names] + extra_columns
    sql = "COPY {} ({}) FROM STDIN".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(column) for column in columns),
    )
    written = 0
    buffer = io.StringIO()
    in_buffer = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for row in rows:
            values = [*row, *(fill() for fill in fillers)] if fillers else row
            buffer.write("\t".join(map(_text, values)))
            buffer.write("\n")
            in_buffer += 1
            if in_buffer == CHUNK_ROWS:
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
                written += in_buffer
                buffer, in_buffer = io.StringIO(), 0
        if in_buffer:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            written += in_buffer
    return written
