"""What members are told when a meeting or their RSVP changes.

Services call these inside their own transaction, right after the change; each call writes the
email(s) to the outbox in that same transaction and the send happens after commit. Functions take
model instances and return nothing.
"""


def notify_rsvp_going(rsvp):
    """Tell a member their seat is confirmed (with the meeting as a calendar invitation)."""


def notify_rsvp_waitlisted(rsvp):
    """Tell a member they are on the waitlist, and at which position."""


def notify_rsvp_promoted(rsvp):
    """Tell a waitlisted member a seat freed up and they are now going."""


def notify_rsvp_cancelled(rsvp):
    """Confirm to a member that their RSVP is cancelled (calendar cancellation)."""


def notify_meeting_changed(meeting, changed_fields):
    """Tell everyone going or waitlisted that time, venue or online link changed."""


def notify_meeting_cancelled(meeting):
    """Tell everyone going or waitlisted that the meeting is cancelled."""
