"""Business actions on meetings, one module per concern: rsvp, scheduling, checkin."""
