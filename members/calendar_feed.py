"""The secret that names a member's personal calendar feed, and its renewal.

The feed's address is a capability: whoever holds it reads the member's meetings without logging in
(calendar apps cannot log in). So the secret is random and long, and the member can replace it at
any time, which makes the old address answer 404.
"""

from .models import Member, new_calendar_token


def member_calendar_token_renew(member):
    """Replace the member's feed secret: the old address stops working at once."""
    member.calendar_token = new_calendar_token()
    member.save(update_fields=["calendar_token"])
    return member.calendar_token


def member_for_calendar_token(token):
    """Return the active member whose feed secret this is, or None."""
    if not token or len(token) > 64:
        return None
    return Member.objects.filter(calendar_token=token, is_active=True).first()
