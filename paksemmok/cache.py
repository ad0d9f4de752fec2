"""The shared cache on Redis: Django's backend, keeping one client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call. That object is
only a façade over the pool, but building it sets up ~170 response callbacks: 86 µs each
time on the benchmark machine, twice on every signed-in page (the session and the
catalogue version), more than the `GET` it wraps costs in Python. A `redis.Redis` is safe to
share between threads (each command takes its own connection from the pool), so one per
pool is kept and reused.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with PooledClientRedisCacheClient."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
