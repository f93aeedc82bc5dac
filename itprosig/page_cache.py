"""Whole-page caching for anonymous visitors, invalidated when any public data changes.

Every cached page is stored with the version number it was rendered under; a change to a chapter,
meeting, RSVP or anything else a public page shows raises the version, so the next request renders
afresh. A hit costs one cache round trip: the version and the page are read together. Pages served from
here never carry a CSRF token or a per-request nonce: the public pages have no forms for anonymous
visitors and no inline scripts.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

VERSION_KEY = "itprosig:pages:version"
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
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.user.is_authenticated


def _key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"itprosig:page:{get_language()}:{path}"


def cache_anonymous_page(view):
    """Serve the view's 200 answers to anonymous visitors from the cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
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
            cache.set(key, (version, response.content, headers), timeout=settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped
