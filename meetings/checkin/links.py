"""Links and QR codes that open one RSVP's door check-in.

Each RSVP confirmation carries a QR code of `checkin_url(rsvp)`. The member shows it at the door; a
volunteer scans it with a phone and lands on that RSVP's check-in page, where only someone allowed
to check people in at the chapter can act. The URL carries a signed token rather than the bare RSVP
id, so a link cannot be turned into another member's by editing a number.
"""

import io

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

_SALT = "itprosig.checkin.rsvp"


def _signer():
    return signing.Signer(salt=_SALT)


def checkin_token(rsvp):
    """Return the signed token naming this RSVP in check-in links."""
    return _signer().sign(str(rsvp.pk))


def rsvp_id_from_token(token):
    """Return the RSVP id a check-in token names, or None when it was tampered with."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def _unprefixed(name, **kwargs):
    # Without a language prefix: whoever opens the link reads the page in their own language.
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs)


def checkin_path(rsvp):
    """Return the site-relative path of this RSVP's check-in page (default language)."""
    return _unprefixed("checkin:rsvp", meeting_id=rsvp.meeting_id, token=checkin_token(rsvp))


def checkin_url(rsvp):
    """Return the absolute URL of this RSVP's check-in page, for email and QR codes."""
    return f"{settings.SITE_URL}{checkin_path(rsvp)}"


def checkin_qr_png(rsvp, *, scale=6):
    """Return a PNG image (bytes) of a QR code that opens this RSVP's check-in page."""
    buffer = io.BytesIO()
    segno.make(checkin_url(rsvp), error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


_INVITE_SALT = "itprosig.checkin.walk-in-invite"
#: How long a walk-in guest's invitation link works.
INVITE_MAX_AGE = 30 * 24 * 3600


def invite_token(guest):
    """Return the signed, timestamped token of a walk-in guest's invitation."""
    return signing.dumps(guest.pk, salt=_INVITE_SALT)


def guest_id_from_invite(token):
    """Return the guest id an invitation token names, or None when forged or expired."""
    try:
        value = signing.loads(token, salt=_INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def invite_url(guest):
    """Return the absolute URL of a walk-in guest's invitation to join the chapter."""
    return f"{settings.SITE_URL}{_unprefixed('checkin:join', token=invite_token(guest))}"
