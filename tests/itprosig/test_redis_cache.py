"""The shared cache of the services mode: Django's Redis backend, one client per connection pool."""

import os
import subprocess
import sys

import pytest

from itprosig.redis_cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def backend():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "itprosig-test-redis-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_values_round_trip_and_the_client_is_kept(backend):
    backend.set("page", ("v1", b"<html>", {"Content-Language": "fr"}))
    assert backend.get("page") == ("v1", b"<html>", {"Content-Language": "fr"})
    assert backend.get_many(["page", "missing"]) == {"page": ("v1", b"<html>", {"Content-Language": "fr"})}
    assert backend.add("page", "other") is False
    backend.set("version", 1)
    assert backend.incr("version") == 2
    assert backend._cache.get_client() is backend._cache.get_client()
    assert backend._cache.get_client(write=True) is backend._cache.get_client(write=True)


def test_a_redis_cache_url_selects_it():
    """The services mode names Redis in CACHE_URL; the settings pick this backend for it."""
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "itprosig.settings", "CACHE_URL": REDIS_URL}
    answer = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert answer.stdout.strip() == "itprosig.redis_cache.RedisCache"
