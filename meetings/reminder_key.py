"""The key that keeps a meeting reminder to one per member and meeting (see members.mail.dedupe)."""

from members.mail.dedupe import DedupeKey

REMINDER = DedupeKey("reminder")


def reminder_dedupe_key(*, meeting_id, member_id):
    """Return the dedupe key of the reminder of this meeting to this member."""
    return REMINDER(meeting_id, member_id)


def reminder_dedupe_key_expression(*, meeting_id, member_id):
    """Return the same key as a database expression; the ids are expressions (e.g. OuterRef)."""
    return REMINDER.expression(meeting_id, member_id)
