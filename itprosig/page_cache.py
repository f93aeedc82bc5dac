"""Whole-page caching, invalidated when any data a page shows changes.

Every cached page is stored with the version number it was rendered under; a change to a chapter,
meeting, RSVP, member or anything else a page shows raises the version, so the next request renders
afresh. A hit costs one cache round trip: the version and the page are read together.

Public pages are cached once for all anonymous visitors: they never carry a CSRF token or a
per-request nonce (no forms for anonymous visitors, no inline scripts). Views opt in with
`cache_anonymous_page`; `AnonymousPageCacheMiddleware`, near the top of the middleware stack, serves
the stored answer, headers included, before sessions, language, CSRF or authentication are looked at,
and stores what such a view answered once every middleware below it has added its headers. A
member's own pages are
cached for that member's session alone (their log-out form carries the session's CSRF token), and
only for a short while, since what is "upcoming" changes with the clock, not only with the data.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language, get_language_from_path

from . import release

VERSION_KEY = "itprosig:pages:version"
# django.contrib.messages keeps flash messages in this cookie (CookieStorage.cookie_name).
MESSAGES_COOKIE = "messages"
HEADERS_KEPT = ("Content-Type", "Content-Disposition", "Content-Language")
# What cache_anonymous_page marks on a response the middleware may store for every visitor.
ANONYMOUS_MARK = "itprosig_anonymous_cacheable"


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
    """Drop every cached page once the surrounding transaction commits (at once outside one).

    Not before: until the commit, every other request still reads the old rows, and a page it
    renders meanwhile is stored under the old version, which the bump then retires.
    """
    transaction.on_commit(_bump)


def _anonymous_request(request):
    """True when nothing in the request can make its page differ from any other visitor's."""
    if request.method not in ("GET", "HEAD"):
        return False
    # A visitor with a session may have flash messages or be logged in: render for them alone.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and MESSAGES_COOKIE not in request.COOKIES


def _anonymous_key(request):
    # Public pages take their language from the address alone (/fr/... or the default).
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"itprosig:page:{language}:{release.fingerprint()}:{path}"


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
    return f"itprosig:member-page:{get_language()}:{release.fingerprint()}:{request.user.pk}:{private}"


def _lookup(key):
    """Return (version the page must have, stored response or None), in one cache round trip."""
    found = cache.get_many([VERSION_KEY, key])
    version = found[VERSION_KEY] if VERSION_KEY in found else pages_version()
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        _version, content, headers = stored
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return version, response
    return version, None


def _storable(response):
    return response.status_code == 200 and not response.streaming and not response.cookies


def _store(key, version, response, headers, timeout):
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    cache.set(key, (version, response.content, headers), timeout=timeout)


class AnonymousPageCacheMiddleware:
    """Answer anonymous visitors from the page cache before the rest of the stack runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous_request(request):
            return self.get_response(request)
        key = _anonymous_key(request)
        version, stored = _lookup(key)
        if stored is not None:
            return stored
        response = self.get_response(request)
        # Only pages whose language came from their address are shared under that address.
        language = key.split(":")[2]
        if (
            getattr(response, ANONYMOUS_MARK, False)
            and _storable(response)
            and response.get("Content-Language") == language
        ):
            headers = dict(response.items())
            # A nonce must be new for every answer; a page that used one is not shared.
            if "nonce-" not in headers.get("Content-Security-Policy", ""):
                _store(key, version, response, headers, settings.PAGE_CACHE_SECONDS)
        return response


def cache_anonymous_page(view):
    """Let AnonymousPageCacheMiddleware keep this view's 200 answers for every anonymous visitor."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            setattr(response, ANONYMOUS_MARK, True)
        return response

    return wrapped


def cache_member_page(view):
    """Serve a logged-in member's page from their own cached copy while nothing it shows changed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        key = _member_cache_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        version, stored = _lookup(key)
        if stored is not None:
            return stored
        response = view(request, *args, **kwargs)
        if _storable(response):
            headers = {name: response[name] for name in HEADERS_KEPT if response.has_header(name)}
            _store(key, version, response, headers, settings.MEMBER_PAGE_CACHE_SECONDS)
        return response

    return wrapped
