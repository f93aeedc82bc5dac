"""Version numbers kept in the cache, raised when data changes, that cached pages are checked against.

A cached entry stores the version read before its data was, and is served only while that version is
unchanged. A change raises the version once its transaction commits. A version lost from the cache
(evicted, flushed) comes back as a fresh number, never as a small one used before, so an entry stored
under an earlier life of the key can never match it by accident.
"""

import time

from django.core.cache import cache
from django.db import transaction


def _fresh():
    return time.time_ns()


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


def _raise(key):
    try:
        cache.incr(key)
    except ValueError:  # the key was lost: start a new life
        cache.set(key, _fresh(), timeout=None)


def raise_on_commit(key):
    """Raise a version once the surrounding transaction commits (at once outside one).

    Not before: until the commit, every other request still reads the old rows, and what it renders
    meanwhile is stored under the old version, which the raise then retires.
    """
    transaction.on_commit(lambda: _raise(key))
