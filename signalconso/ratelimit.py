"""Counting requests per client in the shared cache, for the views that must
not be hammered (search endpoints, codes, logins).

A fixed window per period: simple, and enough to stop scripts; the cache must
be shared by every web process (Redis in production) for the limit to hold.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies, it is the
    address those proxies saw, read from the right of X-Forwarded-For; any
    further left is whatever the client chose to send."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies and "HTTP_X_FORWARDED_FOR" in request.META:
        _warn_once_about_proxies()
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


@functools.cache
def _warn_once_about_proxies() -> None:
    logger.warning(
        "requests carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: if a proxy stands before the web "
        "processes, every client has its address (see docs/configuration.md)"
    )


def is_rate_limited(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Counts one hit for `key` in `scope`; true once more than `limit` hits
    fell in the current window of `period` seconds. With the cache down,
    nothing is limited (and it is logged): a consumer's report is worth more
    than a throttle."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    try:
        if cache.add(cache_key, 1, timeout=period + 1):
            return limit < 1
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.add(cache_key, 1, timeout=period + 1)
            count = 1
    except Exception:
        logger.warning("the cache is unreachable: %s not rate limited", scope, exc_info=True)
        return False
    return count > limit
