"""What meetings hold about a member, for the account pages members owns: the check-ins they
recorded (data export) and their seats, given up when the account closes.

Registered with members.account_hooks, since members cannot import meetings.
"""

from members import account_hooks
from members.mail.models import OutboxMessage

from .models import RSVP
from .notifications import Kind
from .services import rsvp_withdraw_all


def check_ins_done_by(member):
    """Check-ins the member recorded at a door; the attendee is someone else's data, so not named."""
    return [
        {
            "meeting": row["meeting__title"],
            "chapter": row["meeting__chapter__name"],
            "checked_in_at": row["checked_in_at"].isoformat(),
        }
        for row in RSVP.objects.filter(checked_in_by=member, checked_in_at__isnull=False)
        .order_by("checked_in_at", "pk")
        .values("meeting__title", "meeting__chapter__name", "checked_in_at")
    ]


def withdraw_rsvps(*, member):
    """Give the closing member's upcoming seats to the waitlist; return their withdrawal emails.

    The withdrawals (RSVP cancelled, with the calendar's METHOD:CANCEL) greet the member and name
    their address, so members composes them before the erasure and sends them after.
    """
    withdrawn = rsvp_withdraw_all(member=member)
    return list(
        OutboxMessage.objects.filter(
            member=member,
            status=OutboxMessage.Status.PENDING,
            kind=Kind.RSVP_CANCELLED,
            composer__spec__rsvp__in=[rsvp.pk for rsvp in withdrawn],
        ).select_related("member", "chapter")
    )


def register():
    account_hooks.register_export_section("check_ins_done_as_volunteer", check_ins_done_by)
    account_hooks.register_closing_step(withdraw_rsvps)
