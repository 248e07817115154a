"""Pages that belong to the site as a whole: home, legal pages, health check."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from signalconso.celery import app as celery_app
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
