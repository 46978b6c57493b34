"""The page cache on Redis (Django's built-in backend, as with CACHE_URL=redis://…): pages
are shared by every process, and a change made anywhere reaches all of them.

Needs a Redis server: .ci/run starts one on 127.0.0.1 and sets REDIS_URL; elsewhere these
tests look on 127.0.0.1:6379 and are skipped, saying so, when nothing answers.
"""

import pytest
from django.core.cache import caches

from tests.redis import REDIS_URL, redis_reachable

pytestmark = pytest.mark.skipif(
    not redis_reachable(REDIS_URL),
    reason=f"no Redis server reachable at {REDIS_URL} (set REDIS_URL; .ci/run starts one)",
)


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom-tests",
        }
    }
    settings.PAGE_CACHE = True
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_pages_are_stored_in_redis_and_an_edit_shows_at_once(
    client, agency, make_release, redis_cache
):
    from newsroom.pagecache import GENERATION_KEY

    release = make_release(title="I Redis")
    assert client.get("/sv/")["X-Page-Cache"] == "miss"
    hit = client.get("/sv/")
    assert hit["X-Page-Cache"] == "hit" and "I Redis" in hit.content.decode()
    assert redis_cache.get(GENERATION_KEY) is not None
    release.title = "Ändrad i Redis"
    release.save()
    again = client.get("/sv/")
    assert again["X-Page-Cache"] == "miss" and "Ändrad i Redis" in again.content.decode()


def test_another_process_sees_the_change(client, agency, make_release, redis_cache):
    """A bump written by another process (another Redis client) makes this one render."""
    import redis as redis_client

    from newsroom.pagecache import GENERATION_KEY

    make_release(title="Delad")
    client.get("/sv/releases/")
    assert client.get("/sv/releases/")["X-Page-Cache"] == "hit"
    other = redis_client.Redis.from_url(REDIS_URL)
    raw_key = redis_cache.make_and_validate_key(GENERATION_KEY)
    other.delete(raw_key)  # what a flush or a restart of Redis does
    assert client.get("/sv/releases/")["X-Page-Cache"] == "miss"
    redis_cache.set(GENERATION_KEY, 1, None)  # another process's bump
    assert client.get("/sv/releases/")["X-Page-Cache"] == "miss"
    assert client.get("/sv/releases/")["X-Page-Cache"] == "hit"
