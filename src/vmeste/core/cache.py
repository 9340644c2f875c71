"""Django's Redis cache with one client object per connection pool.

Django's ``RedisCacheClient.get_client()`` makes a new ``redis.Redis`` for every cache call; with
redis-py 8 that costs ~0.7 ms of CPU (it fills its response-callback tables each time), which was
most of a cached page's 8 ms. A ``redis.Redis`` is safe to share between threads (every command
takes a connection from the pool), so we keep one per pool. Measured with the page cache of the
benchmark load (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private parts, which the stubs do not know: the pool and the client class.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            make = self._client  # type: ignore[attr-defined]
            client = self._clients.setdefault(id(pool), make(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
