"""Unsubscribe tokens: signed, scoped to one member and one chapter, usable without logging in."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .rendering import absolute_url

_SALT = "itprosig.members.unsubscribe"


class BadToken(Exception):
    """The token was altered, or is too old to act on."""


def unsubscribe_token(*, member_id, chapter_id):
    return signing.dumps([member_id, chapter_id], salt=_SALT, compress=False)


def unsubscribe_url(*, member_id, chapter_id):
    """Return the absolute unsubscribe URL for one member and chapter (List-Unsubscribe, footers)."""
    token = unsubscribe_token(member_id=member_id, chapter_id=chapter_id)
    return absolute_url(reverse("mail:unsubscribe", kwargs={"token": token}))


def read_unsubscribe_token(token):
    """Return (member_id, chapter_id) from a token, or raise BadToken."""
    max_age = datetime.timedelta(days=settings.UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS)
    try:
        member_id, chapter_id = signing.loads(token, salt=_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadToken from exc
    if not isinstance(member_id, int) or not isinstance(chapter_id, int):
        raise BadToken
    return member_id, chapter_id
