"""Pages that belong to the site as a whole: home, legal pages, health check."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from prometheus_client.core import GaugeMetricFamily

from notifications.models import EmailStatus, OutgoingEmail
from signalconso.celery import app as celery_app
from signalconso.metrics import exposition, metrics_allowed
from signalconso.ratelimit import client_ip, is_rate_limited

logger = logging.getLogger(__name__)

OK = "ok"
DOWN = "down"
NOT_CONFIGURED = "not configured"


CSP_REPORT_MAX = 10_000
csp_logger = logging.getLogger("signalconso.csp")


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Where browsers report what the Content-Security-Policy blocked: kept in
    the logs (a few per client per minute), answered with nothing."""
    if not is_rate_limited(scope="csp-report", key=client_ip(request), limit=20, period=60):
        body = request.body[:CSP_REPORT_MAX].decode("utf-8", "replace")
        csp_logger.warning("content security policy violation: %s", body)
    return HttpResponse(status=204)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_safe
def security_page(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/security.html", {"contact": settings.SECURITY_CONTACT})


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability. It expires a year ahead, as
    it is made afresh at each request."""
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
        f"Policy: {settings.SITE_URL}{reverse('security')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _page(template: str):
    """A page of text with nothing to compute: the footer's legal pages."""

    @require_safe
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template)

    return view


accessibility = _page("pages/accessibility.html")
legal_notice = _page("pages/legal_notice.html")
terms = _page("pages/terms.html")
personal_data = _page("pages/personal_data.html")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def _check_cache() -> str:
    token = secrets.token_hex(8)
    cache.set("healthz", token, timeout=10)
    if cache.get("healthz") != token:
        raise RuntimeError("the cache did not return what was just stored")
    return OK


def _check_broker() -> str:
    if not celery_app.conf.broker_url:
        return NOT_CONFIGURED
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
    return OK


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The state of each service the platform needs; 503 when one is down.

    Only the state is published; the cause goes to the logs.
    """
    checks = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            checks[name] = check()
        except Exception:
            logger.exception("health check failed: %s", name)
            checks[name] = DOWN
    healthy = DOWN not in checks.values()
    return JsonResponse({"status": OK if healthy else DOWN, "checks": checks}, status=200 if healthy else 503)


# The outbox's rows still to send, being sent, or given up on; sent ones are
# not counted (they only grow).
OUTBOX_STATES = (EmailStatus.PENDING, EmailStatus.SENDING, EmailStatus.FAILED)


def _outbox_figures() -> GaugeMetricFamily:
    counts = dict(
        OutgoingEmail.objects.filter(status__in=OUTBOX_STATES)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    family = GaugeMetricFamily("signalconso_outbox_emails", "Emails of the outbox, by state.", labels=["status"])
    for state in OUTBOX_STATES:
        family.add_metric([state.value], counts.get(state.value, 0))
    return family


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape: the internal network or the bearer token only;
    to anybody else, whatever the method, the 404 of a page that is not there."""
    if not metrics_allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return HttpResponse(exposition([_outbox_figures()]), content_type="text/plain; version=0.0.4; charset=utf-8")
