"""Figures for Prometheus: the requests served (counted by a middleware), the
length of the Celery queues in Redis, and whatever the view adds (the outbox).

/metrics is for the operators' scraper only: a client address in
METRICS_ALLOWED_NETWORKS, or `Authorization: Bearer METRICS_TOKEN`; anybody
else gets the site's 404, as for a page that does not exist.

Each web process counts its own requests. With several gunicorn workers, set
PROMETHEUS_MULTIPROC_DIR to an empty folder shared by them (prometheus_client's
multiprocess mode) for /metrics to add up every process's figures.
"""

import hmac
import logging
import os
import time
from ipaddress import ip_address
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from signalconso.ratelimit import client_ip

logger = logging.getLogger(__name__)

# The queues the workers read (the tasks' routes), and Celery's default one.
CELERY_QUEUES = ("urgent", "default", "bulk", "celery")
# Kombu keeps a queue's messages of priority 3, 6 and 9 under these suffixes.
KOMBU_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUESTS = Counter(
    "signalconso_http_requests",
    "Requests answered, by view, method and status.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "signalconso_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class RequestMetricsMiddleware:
    """Counts every request by the name of the view that answered it (a few
    hundred at most: the URL itself would make a figure per report)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUESTS.labels(view=view, method=method, status=str(response.status_code)).inc()
        REQUEST_SECONDS.labels(view=view).observe(time.perf_counter() - started)
        return response


def metrics_allowed(request: HttpRequest) -> bool:
    if settings.METRICS_TOKEN:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), settings.METRICS_TOKEN.encode()):
            return True
    try:
        address = ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def celery_queue_lengths(broker_url: str) -> dict[str, int] | None:
    """Messages waiting in each queue, when the broker is Redis; None for
    another broker, none at all, or Redis unreachable (then logged)."""
    if urlsplit(broker_url or "").scheme not in ("redis", "rediss"):
        return None
    import redis

    try:
        client = redis.Redis.from_url(broker_url, socket_timeout=2, socket_connect_timeout=2)
        pipe = client.pipeline(transaction=False)
        for queue in CELERY_QUEUES:
            for suffix in KOMBU_PRIORITY_SUFFIXES:
                pipe.llen(queue + suffix)
        lengths = pipe.execute()
    except redis.RedisError:
        logger.warning("metrics: the broker is unreachable, queue lengths left out", exc_info=True)
        return None
    per_queue = len(KOMBU_PRIORITY_SUFFIXES)
    return {queue: sum(lengths[i * per_queue : (i + 1) * per_queue]) for i, queue in enumerate(CELERY_QUEUES)}


class _Figures:
    """A collector of figures read at the time of the scrape."""

    def __init__(self, families):
        self.families = families

    def collect(self):
        yield from self.families


def exposition(extra: list[GaugeMetricFamily]) -> bytes:
    """The text Prometheus reads: the requests of this process (or of all of
    them in multiprocess mode), the queues, and the figures given."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    figures = list(extra)
    lengths = celery_queue_lengths(settings.CELERY_BROKER_URL)
    if lengths is not None:
        queues = GaugeMetricFamily(
            "signalconso_celery_queue_length", "Tasks waiting in each Celery queue (Redis).", labels=["queue"]
        )
        for queue, length in lengths.items():
            queues.add_metric([queue], length)
        figures.append(queues)
    read_now = CollectorRegistry(auto_describe=False)
    read_now.register(_Figures(figures))
    return generate_latest(counted) + generate_latest(read_now)
