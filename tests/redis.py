"""The Redis server of the tests that need one: .ci/run starts one on 127.0.0.1 and sets
REDIS_URL; elsewhere they look on 127.0.0.1:6379 and are skipped, saying so, when nothing
answers."""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_url(db=None):
    """REDIS_URL, or the same server's database `db`."""
    if db is None:
        return REDIS_URL
    return urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{db}"))


def redis_reachable(url):
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False
    return True
