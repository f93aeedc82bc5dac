"""Version numbers kept in the cache, raised when data changes, that cached pages are checked against.

A cached entry stores the version read before its data was, and is served only while that version is
unchanged. A change raises the version once its transaction commits. Raising writes a new random
number rather than adding one (63 bits: a repeat is as good as impossible), so neither a raise nor
a version lost from the cache (evicted, flushed) and created again can come back to a number an
entry was stored under. A write is also one cache round trip, where Django's Redis `incr` takes two
(it first checks that the key exists) and needs a second path for a key that was lost.
"""

import secrets

from django.core.cache import cache
from django.db import transaction


def _fresh():
    return secrets.randbits(63)


def current(key, found=None):
    """Return the version under `key`, creating it when missing.

    `found` is the answer of a `cache.get_many` that asked for `key` too, saving a round trip.
    """
    version = found.get(key) if found is not None else cache.get(key)
    if version is None:
        candidate = _fresh()
        cache.add(key, candidate, timeout=None)
        version = cache.get(key, candidate)
    return version


def raise_on_commit(key):
    """Raise a version once the surrounding transaction commits (at once outside one).

    Not before: until the commit, every other request still reads the old rows, and what it renders
    meanwhile is stored under the old version, which the raise then retires.
    """
    transaction.on_commit(lambda: cache.set(key, _fresh(), timeout=None))
