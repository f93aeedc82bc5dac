"""Whole-page caching, invalidated when any data a page shows changes.

Every cached page is stored with the version number it was rendered under; a change to a chapter,
meeting, RSVP, member or anything else a page shows raises the version, so the next request renders
afresh. A hit costs one cache round trip: the version and the page are read together.

Public pages are cached once for all anonymous visitors: they never carry a CSRF token or a
per-request nonce (no forms for anonymous visitors, no inline scripts). A member's own pages are
cached for that member's session alone (their log-out form carries the session's CSRF token), and
only for a short while, since what is "upcoming" changes with the clock, not only with the data.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

VERSION_KEY = "itprosig:pages:version"
# django.contrib.messages keeps flash messages in this cookie (CookieStorage.cookie_name).
MESSAGES_COOKIE = "messages"
HEADERS_KEPT = ("Content-Type", "Content-Disposition", "Content-Language")


def pages_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def invalidate_pages():
    """Drop every cached page now, and again once the surrounding transaction commits.

    The second bump matters: a request served between the first one and the commit still reads
    the old rows and may cache them under the new version.
    """
    _bump()
    transaction.on_commit(_bump)


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    # A visitor with a session may have flash messages or be logged in: render for them alone.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False
    return not request.user.is_authenticated


def _member_cache_key(request):
    """Return the key of this member's copy of the page, or None when it must be rendered afresh."""
    if request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
        return None
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    session_key = request.session.session_key
    # Pending flash messages are shown once, by a fresh render.
    if not csrf_cookie or not session_key or MESSAGES_COOKIE in request.COOKIES:
        return None
    if "_messages" in request.session:
        return None
    private = hashlib.sha256(f"{session_key}|{csrf_cookie}|{request.get_full_path()}".encode()).hexdigest()
    return f"itprosig:member-page:{get_language()}:{request.user.pk}:{private}"


def _key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"itprosig:page:{get_language()}:{path}"


def _cached_or_render(key, timeout, view, request, *args, **kwargs):
    found = cache.get_many([VERSION_KEY, key])
    version = found[VERSION_KEY] if VERSION_KEY in found else pages_version()
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        _version, content, headers = stored
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response
    response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.streaming and not response.cookies:
        if hasattr(response, "render"):
            response.render()
        headers = {name: response[name] for name in HEADERS_KEPT if response.has_header(name)}
        cache.set(key, (version, response.content, headers), timeout=timeout)
    return response


def cache_anonymous_page(view):
    """Serve the view's 200 answers to anonymous visitors from the cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        return _cached_or_render(_key(request), settings.PAGE_CACHE_SECONDS, view, request, *args, **kwargs)

    return wrapped


def cache_member_page(view):
    """Serve a logged-in member's page from their own cached copy while nothing it shows changed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        key = _member_cache_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        return _cached_or_render(key, settings.MEMBER_PAGE_CACHE_SECONDS, view, request, *args, **kwargs)

    return wrapped
