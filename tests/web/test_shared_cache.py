"""The shared cache on Redis (paksemmok.cache): one client per connection pool, reused, and
the cache behaves as Django's own Redis backend does, from several threads at once. Against
a private redis-server (CI installs Debian's)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from paksemmok.cache import SharedRedisCache

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


@pytest.fixture(scope="module")
def redis_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/3"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_one_client_per_pool_is_reused(redis_url):
    cache = SharedRedisCache(redis_url, {})
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool for both

    replicated = SharedRedisCache(f"{redis_url},{redis_url.replace('/3', '/4')}", {})
    writer, reader = replicated._cache.get_client(write=True), replicated._cache.get_client()
    assert writer is not reader
    assert replicated._cache.get_client(write=True) is writer
    assert replicated._cache.get_client() is reader


def test_it_behaves_as_the_shared_cache_from_many_threads(redis_url):
    cache = SharedRedisCache(redis_url, {"KEY_PREFIX": "t"})
    cache.clear()
    cache.set("version", 1)
    cache.set("page", {"html": "<p>halo</p>"}, timeout=60)
    assert cache.get("page") == {"html": "<p>halo</p>"}
    assert cache.add("version", 2) is False and cache.get("version") == 1

    def hit(i: int) -> int:
        cache.set(f"k{i}", i)
        return cache.incr("hits")

    cache.set("hits", 0)
    with ThreadPoolExecutor(8) as pool:
        counts = sorted(pool.map(hit, range(200)))
    assert counts == list(range(1, 201))
    assert cache.get_many([f"k{i}" for i in range(200)]) == {f"k{i}": i for i in range(200)}
    cache.delete("page")
    assert cache.get("page") is None


def test_settings_choose_it_for_a_redis_url():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import paksemmok.settings as s; print(s.CACHES['default']['BACKEND'])",
        ],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "SECRET_KEY": "t" * 50,
            "CACHE_URL": "redis://127.0.0.1:6379/1",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == "paksemmok.cache.SharedRedisCache"
