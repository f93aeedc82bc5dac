"""Django's Redis cache backend, keeping one redis client per connection pool.

Django's backend keeps its connection pools but builds a new `redis.Redis` for every cache
operation, and redis-py fills a table of about 170 reply handlers each time. Keeping each pool's
client beside it changes nothing else (a client holds no state but its pool, and is safe across
threads); a page answered from the cache is one operation, and this was a fifth of its CPU.
"""

from django.core.cache.backends import redis


class _Client(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
