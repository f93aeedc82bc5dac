"""Business actions on meetings, one module per concern: rsvp, scheduling, checkin."""

from meetings.checkin.services import (
    CheckInError,
    meeting_guests_adjust,
    meeting_walk_in,
    rsvp_check_in,
    rsvp_check_in_undo,
)

from .rsvp import (
    RSVPRefused,
    rsvp_cancel,
    rsvp_going,
    rsvp_not_going,
    rsvp_promote_waitlisted,
    rsvp_refusal,
    rsvp_withdraw_all,
)
from .scheduling import meeting_cancel, meeting_duplicate_to_next_month, meeting_update

__all__ = [
    "CheckInError",
    "meeting_guests_adjust",
    "meeting_walk_in",
    "rsvp_check_in",
    "rsvp_check_in_undo",
    "meeting_cancel",
    "meeting_duplicate_to_next_month",
    "meeting_update",
    "RSVPRefused",
    "rsvp_cancel",
    "rsvp_going",
    "rsvp_not_going",
    "rsvp_promote_waitlisted",
    "rsvp_refusal",
    "rsvp_withdraw_all",
]
