"""Business actions on meetings, one module per concern: rsvp, scheduling, checkin."""

from .rsvp import (
    RSVPRefused,
    rsvp_cancel,
    rsvp_going,
    rsvp_not_going,
    rsvp_promote_waitlisted,
    rsvp_refusal,
    rsvp_withdraw_all,
)

__all__ = [
    "RSVPRefused",
    "rsvp_cancel",
    "rsvp_going",
    "rsvp_not_going",
    "rsvp_promote_waitlisted",
    "rsvp_refusal",
    "rsvp_withdraw_all",
]
