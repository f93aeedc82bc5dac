"""The address of the client behind the proxies we run, for rate limits and logs.

Behind a TLS proxy every request connects from the proxy's address, so limits keyed on REMOTE_ADDR
would lump every member together. Each proxy appends the address it saw to X-Forwarded-For; only
the entries our own proxies appended can be believed, and they are the last TRUSTED_PROXY_COUNT
ones. Anything left of them was written by the client and is never used.
"""

import ipaddress

from django.conf import settings


def _address(value):
    """Return `value` as a normalised IP address, or None when it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip().strip("[]")))
    except ValueError:
        return None


def client_ip(request):
    """Return the client's address as the outermost trusted proxy saw it.

    With TRUSTED_PROXY_COUNT at 0 (no proxy, the default) that is the connecting address. A header
    with fewer entries than trusted proxies, or an entry that is not an address, means the request
    did not come the way the setting says: the connecting address is used rather than a guess.
    """
    connecting = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return connecting
    hops = forwarded.split(",")
    if len(hops) < trusted:
        return connecting
    return _address(hops[-trusted]) or connecting
