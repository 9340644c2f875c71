"""The Redis cache keeps one client per connection pool instead of one per call."""

from __future__ import annotations

import pytest

from vmeste.core.cache import RedisCache


def _redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}: the shared-cache test needs the local Redis")


def test_one_client_serves_every_call_and_the_cache_works() -> None:
    url = "redis://127.0.0.1:6379/15"
    _redis_or_skip(url)
    cache = RedisCache(url, {"KEY_PREFIX": "vmeste-test"})
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool
    cache.set("k", {"v": 1}, 30)
    assert cache.get("k") == {"v": 1}
    assert cache.add("k", 2, 30) is False
    assert cache.add("n", 0, 30) is True and cache.incr("n") == 1
    cache.delete_many(["k", "n"])
    assert cache.get("k") is None
