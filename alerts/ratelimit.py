"""Rate limits on subscribe requests, per address and per client, in Django's cache (shared with CACHE_URL).

A fixed window per key: the first request creates the counter with the window as its timeout, each request
increments it. Keys hold a hash, never the address or the IP itself.
"""

import hashlib

from django.core.cache import cache

PER_ADDRESS = (3, 3600)  # confirmation mails to one address per hour
PER_CLIENT = (20, 3600)  # subscribe requests from one client per hour


def _key(kind: str, value: str) -> str:
    return f"alerts:rate:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def allow(kind: str, value: str, limit: tuple[int, int]) -> bool:
    """Counts one request for ``value`` and says whether it is within ``limit`` (count, seconds)."""
    most, seconds = limit
    key = _key(kind, value)
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return True
    return count <= most
