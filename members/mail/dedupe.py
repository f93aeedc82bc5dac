"""Dedupe keys: what keeps one kind of email to one per subject (a reminder per member and meeting).

The outbox refuses a second row with the same key, and the sweeps that queue such emails skip, in
SQL, the subjects already served. Both sides build the key from one DedupeKey, so the key written
and the key looked for cannot drift apart.
"""

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


class DedupeKey:
    """Keys of the form "<prefix>:<id>[:<id>...]", as text or as a database expression."""

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, *ids):
        """Return the key for these ids (model primary keys)."""
        return ":".join([self.prefix, *(str(value) for value in ids)])

    def expression(self, *ids):
        """Return the same key as an expression of id expressions (e.g. OuterRef("member_id"))."""
        parts = [Value(f"{self.prefix}:")]
        for index, value in enumerate(ids):
            if index:
                parts.append(Value(":"))
            parts.append(Cast(value, CharField()))
        return Concat(*parts)
