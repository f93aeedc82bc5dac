"""Feedback links: signed, bound to one meeting and one member, usable without logging in."""

from django.core import signing

_SALT = "itprosig.community.feedback"


class BadToken(Exception):
    """The link was altered or made up."""


def feedback_token(*, meeting_id, member_id):
    return signing.dumps([meeting_id, member_id], salt=_SALT, compress=False)


def read_feedback_token(token):
    """Return (meeting_id, member_id) from a link's token, or raise BadToken.

    No age limit here: whether feedback is still taken is the meeting's closing date, which the
    service checks and explains.
    """
    try:
        meeting_id, member_id = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadToken from exc
    if not isinstance(meeting_id, int) or not isinstance(member_id, int):
        raise BadToken
    return meeting_id, member_id
