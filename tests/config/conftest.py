import os
import uuid
from types import SimpleNamespace

import pytest

# A database number of its own, and a prefix per test, so that tests never
# see one another's keys nor anybody else's.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def _redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(_redis_client().ping())
    except redis.RedisError:
        return False


@pytest.fixture
def shared_cache(settings):
    """The default cache in Redis under a fresh prefix, the response cache
    on; the prefix's keys are deleted afterwards (and no others)."""
    if not _redis_reachable():
        message = f"Redis is not reachable at {REDIS_URL} (TEST_REDIS_URL)."
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(message + " REQUIRE_REDIS=1 says it must be.")
        pytest.skip(message + " CI runs these with Redis at 127.0.0.1:6379.")
    prefix = f"stance-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.RESPONSE_CACHE = True
    client = _redis_client()

    def keys(kind: str = "") -> list[str]:
        return sorted(
            key.decode() for key in client.scan_iter(match=f"{prefix}:1:{kind}*")
        )

    yield SimpleNamespace(url=REDIS_URL, prefix=prefix, client=client, keys=keys)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
