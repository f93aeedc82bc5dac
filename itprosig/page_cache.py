"""Page caching, invalidated when any data a page shows changes: whole pages and shared fragments.

Every cached page is stored with the version number read before it was rendered; a change to a
chapter, meeting, RSVP, member or anything else a page shows raises the version when it commits, so
the next request renders afresh. A hit costs one cache round trip: the version and the page are read
together.

Views opt in with a decorator; `PageCacheMiddleware`, near the top of the middleware stack, answers
from the cache before language, CSRF, authentication or the view run, and stores what an opted-in
view answered once every middleware below it has added its headers (security policy, language).
It only looks up addresses this process has already seen such a page at, so every other request
costs no cache round trip.

- `cache_anonymous_page`: one copy for every anonymous visitor. These pages never carry a CSRF
  token or a per-request nonce (no forms for anonymous visitors, no inline scripts).
- `cache_member_page`: a logged-in member's own page, kept for their session and CSRF cookie alone
  (the navbar's log-out form carries the session's CSRF token) and only for
  MEMBER_PAGE_CACHE_SECONDS, since what is "upcoming" changes with the clock, not only with the data.
  A hit reads the session, not the member: a change to the member (password, deactivation) raises
  the version like any other change, and logging out ends the session.

Pages with a flash message waiting are always rendered afresh (the message is shown once).

Logged-in members get the same pages drawn afresh, but the parts every reader sees alike (a
meeting's agenda, a chapter's lists) come from fragments kept under the same version, with Django's
`{% cache %}` tag: `{% cache shared.seconds "name" shared.version LANGUAGE_CODE ... %}`, where
`shared` is `SharedFragments` (the `site` context processor). The data a fragment shows must be read
inside it (lazily: a callable or a queryset in the context), so a kept fragment costs no query.

A page is kept under its host, language, path and the query parameters cached views read
(`KEY_PARAMETERS`, with the values they may take). Anything else in the query string (campaign tags,
cache-busters) is answered with the page kept for the address without it, but a page drawn for such
a request is never stored: it would carry the stray parameters in its links, and a stream of random
query strings would otherwise fill the cache. The host is validated before any lookup, so a cached
page is never an answer to a request Django would refuse.
"""

import functools
import hashlib
import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.http import urlencode
from django.utils.translation import get_language_from_path

from . import cache_versions, release

VERSION_KEY = "itprosig:pages:version"
# django.contrib.messages keeps flash messages in this cookie (CookieStorage.cookie_name) or, when
# they do not fit, in the session under this key (SessionStorage.session_key).
MESSAGES_COOKIE = "messages"
MESSAGES_SESSION_KEY = "_messages"
# What the decorators mark on a response the middleware may store.
CACHE_FOR = "itprosig_page_cache_for"
ANONYMOUS, MEMBER = "anonymous", "member"
# The pages this process has answered ({address: ANONYMOUS or MEMBER}), so that only they are
# looked up, and only for the visitors they are kept for. Bounded: when full it starts again, and
# each address is learnt again by one render.
KNOWN_PAGES_LIMIT = 20_000
_known_pages = {}


def invalidate_pages():
    """Drop every cached page once the surrounding transaction commits (at once outside one)."""
    cache_versions.raise_on_commit(VERSION_KEY)


def _row_changed(sender, **kwargs):
    # A login stamps last_login on the member: nothing public changed.
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    invalidate_pages()


def invalidate_pages_on_change(*labels):
    """Drop cached pages whenever a row of these models ("app.Model") is saved or deleted.

    Signals, not calls from services, on purpose: organizers change these rows through the admin's
    plain model forms too, and every such write must reach the cache. Cache upkeep only.
    """
    for label in labels:
        post_save.connect(_row_changed, sender=label, dispatch_uid=f"pages-save-{label}")
        post_delete.connect(_row_changed, sender=label, dispatch_uid=f"pages-delete-{label}")


# The only query parameters cached views read, each with the values kept under their own key: the
# past meetings' page number (a chapter has far fewer than 999 pages). Any other value of a
# parameter named here makes the request bypass the cache, since the view would read it.
KEY_PARAMETERS = {
    "page": re.compile(r"[1-9][0-9]{0,2}"),
    # The home page's meeting filters (meetings.filters): a chapter's or a topic's slug, a format;
    # empty when the form was sent with "all".
    "chapter": re.compile(r"[a-z0-9-]{0,80}"),
    "format": re.compile(r"(in_person|online)?"),
    "topic": re.compile(r"[a-z0-9-]{0,80}"),
}


def _key_query(request):
    """Return the query string a page is kept under, or None when the request bypasses the cache."""
    kept = []
    for name, pattern in KEY_PARAMETERS.items():
        values = request.GET.getlist(name)
        if not values:
            continue
        if len(values) > 1 or not pattern.fullmatch(values[0]):
            return None
        kept.append((name, values[0]))
    return urlencode(sorted(kept))


def _address_key(request):
    """Return the part of a page's key naming its host, language, address and code release.

    None means the request is answered without the cache: its query string carries a value of a
    parameter the view reads that is not kept.
    """
    query = _key_query(request)
    if query is None:
        return None
    # Pages take their language from the address alone (/fr/... or the default language).
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    address = f"{request.get_host()}{request.path}?{query}"
    path = hashlib.sha256(address.encode()).hexdigest()
    return f"{language}:{release.fingerprint()}:{path}"


def _storable(request):
    """Tell whether a page drawn for this request may be kept: its query string is only its key's."""
    return request.META.get("QUERY_STRING", "") == _key_query(request)


def _member_key(address, session_key, user_id, csrf_cookie):
    private = hashlib.sha256(f"{session_key}|{csrf_cookie}|{user_id}".encode()).hexdigest()
    return f"itprosig:member-page:{address}:{user_id}:{private}"


def _kept(key, version=None):
    """Return (the pages' version, what `key` was kept with under that version or None).

    One cache round trip: the version is read with the entry unless the request read it already.
    Entries are tuples whose first item is the version they were drawn under.
    """
    found = cache.get_many([key] if version is not None else [VERSION_KEY, key])
    if version is None:
        version = cache_versions.current(VERSION_KEY, found)
    stored = found.get(key)
    return version, (stored[1:] if stored is not None and stored[0] == version else None)


def _lookup(key):
    """Return (version the page must have, stored response or None), in one cache round trip."""
    version, kept = _kept(key)
    if kept is None:
        return version, None
    content, headers = kept
    return version, HttpResponse(content, headers=headers)


class PageCacheMiddleware:
    """Answer opted-in pages from the cache before the rest of the stack runs; store new ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or MESSAGES_COOKIE in request.COOKIES:
            return self.get_response(request)
        # Refuse a Host outside ALLOWED_HOSTS (DisallowedHost, a 400) before anything is served:
        # the middleware that would check it later does not run for a page answered from here.
        request.get_host()
        address = _address_key(request)
        if address is None:
            return self.get_response(request)
        key = self._key_before(request, address)
        if key is not None:
            version, stored = _lookup(key)
            if stored is not None:
                return stored
            request.page_cache_version = version
        response = self.get_response(request)
        self._store_after(request, response, address)
        return response

    def _key_before(self, request, address):
        """Return the key to look up, read from the request alone, or None to skip the cache."""
        kept_for = _known_pages.get(address)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key is None:
            return f"itprosig:page:{address}" if kept_for == ANONYMOUS else None
        # A member reading a public page, or a visitor with a session but no login: nothing kept.
        if kept_for != MEMBER:
            return None
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        if not csrf_cookie:
            return None
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        user_id = session.get(SESSION_KEY)
        if user_id is None or MESSAGES_SESSION_KEY in session:
            return None
        return _member_key(address, session_key, user_id, csrf_cookie)

    def _store_after(self, request, response, address):
        cache_for = getattr(response, CACHE_FOR, None)
        version = getattr(request, "page_cache_version", None)
        if cache_for is None or version is None or response.status_code != 200 or response.streaming:
            return
        if not _storable(request):
            return
        language = address.split(":")[0]
        headers = dict(response.items())
        # Only pages whose language came from their address are kept under that address, and a
        # nonce must be new for every answer: a page that used one is not kept.
        if headers.get("Content-Language") != language or "nonce-" in headers.get(
            "Content-Security-Policy", ""
        ):
            return
        if cache_for == ANONYMOUS:
            key = None if response.cookies else f"itprosig:page:{address}"
            timeout = settings.PAGE_CACHE_SECONDS
        else:
            key = self._member_store_key(request, response, address)
            timeout = settings.MEMBER_PAGE_CACHE_SECONDS
        if key is None:
            return
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        cache.set(key, (version, response.content, headers), timeout=timeout)
        if len(_known_pages) >= KNOWN_PAGES_LIMIT:
            _known_pages.clear()
        _known_pages[address] = cache_for

    def _member_store_key(self, request, response, address):
        session_key = request.session.session_key
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        # A cookie the answer sets must only renew what the request sent (the CSRF cookie's expiry):
        # a new session or CSRF secret means the page belongs to what comes next, not to this key.
        for name, morsel in response.cookies.items():
            if request.COOKIES.get(name) != morsel.value:
                return None
        if not session_key or not csrf_cookie or request.session.get(SESSION_KEY) is None:
            return None
        return _member_key(address, session_key, request.session[SESSION_KEY], csrf_cookie)


def _read_version_first(request):
    # Read before the view reads its rows: a write committed meanwhile raises it past this one.
    if getattr(request, "page_cache_version", None) is None:
        request.page_cache_version = cache_versions.current(VERSION_KEY)


class SharedFragments:
    """What templates key shared fragments with: the version, read once per request, and how long."""

    def __init__(self, request):
        self.request = request

    @property
    def version(self):
        _read_version_first(self.request)
        return self.request.page_cache_version

    @property
    def seconds(self):
        return settings.PAGE_CACHE_SECONDS


def shared_data(request, name, compute):
    """Return `compute()` as every reader sees it, kept until the pages' version changes.

    For the rows a page needs before it can draw anything (the meeting a page is about, with its
    counts): one cache round trip reads the version and the rows together. None is never kept.
    """
    key = f"itprosig:shared:{release.fingerprint()}:{name}"
    version, kept = _kept(key, getattr(request, "page_cache_version", None))
    request.page_cache_version = version
    if kept is not None:
        return kept[0]
    value = compute()
    if value is not None:
        cache.set(key, (version, value), timeout=settings.PAGE_CACHE_SECONDS)
    return value


def when_drawn(function, *args, **kwargs):
    """Return `function(*args, **kwargs)` as a callable a template calls once, where it is used.

    Data that only a shared fragment shows is passed this way, so a kept fragment reads nothing.
    """
    return functools.cache(functools.partial(function, *args, **kwargs))


def page_key(value):
    """Return what decides the page `Paginator.get_page(value)` draws, for a shared fragment's key."""
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return "first"  # not a number: the first page


def _opt_in(cache_for, applies):
    """Return a view decorator marking answers to requests for which `applies(request)` holds."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            marked = applies(request)
            if marked:
                _read_version_first(request)
            response = view(request, *args, **kwargs)
            if marked:
                setattr(response, CACHE_FOR, cache_for)
            return response

        return wrapped

    return decorator


#: Let PageCacheMiddleware keep a view's 200 answers for every anonymous visitor.
cache_anonymous_page = _opt_in(
    ANONYMOUS,
    lambda request: not request.user.is_authenticated and settings.SESSION_COOKIE_NAME not in request.COOKIES,
)
#: Let PageCacheMiddleware keep a view's 200 answers for the logged-in member's own session.
cache_member_page = _opt_in(
    MEMBER,
    lambda request: request.user.is_authenticated and MESSAGES_SESSION_KEY not in request.session,
)
