"""Fixed-window request counters in the cache, for the account pages.

The cache is the one the API throttles share (CACHE_URL), so several
workers count together when it is Redis or the database.
"""

import re

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/hour"`` → ``(5, 3600)``: so many events per so many seconds."""
    match = _RATE.match(rate or "")
    if not match:
        raise ImproperlyConfigured(
            f"Rate {rate!r}: use COUNT/second, COUNT/minute, COUNT/hour or COUNT/day."
        )
    return int(match.group(1)), _SECONDS[match.group(2)]


def within_rate(key: str, rate: str) -> bool:
    """Count one event under ``key``; False once the window's count is spent."""
    allowed, seconds = parse_rate(rate)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= allowed
