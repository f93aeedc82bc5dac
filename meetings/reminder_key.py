"""The key that keeps a meeting reminder to one per member: one definition for the writer and the sweep.

The outbox refuses a second row with the same dedupe key; the reminder sweep looks for that key in
SQL to skip members already reminded. Both build it from :func:`_parts`, so they cannot drift apart.
"""

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


def _parts(meeting_id, member_id):
    return ("reminder:", meeting_id, ":", member_id)


def reminder_dedupe_key(*, meeting_id, member_id):
    """Return the dedupe key of the reminder of this meeting to this member."""
    return "".join(str(part) for part in _parts(meeting_id, member_id))


def reminder_dedupe_key_expression(*, meeting_id, member_id):
    """Return the same key as a database expression; the ids are expressions (e.g. OuterRef)."""
    return Concat(
        *(
            Value(part) if isinstance(part, str) else Cast(part, CharField())
            for part in _parts(meeting_id, member_id)
        )
    )
