"""The public statistics page, its method page, and the open data (JSON and
CSV) of the same snapshot. No view reads the reports."""

import csv
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.statistics import snapshot as figures
from reports.statistics.charts import bar_chart, line_chart
from signalconso.background import send_task_now


def _snapshot():
    """The latest figures. With none yet, a computation is queued. Where no
    beat computes them every 5 minutes (make run, STATISTICS_REFRESH_ON_READ),
    a page that finds them older than that computes them first."""
    snapshot = figures.latest()
    stale = snapshot is None or snapshot.created_at < timezone.now() - figures.REFRESH_EVERY
    if snapshot is None or (stale and settings.STATISTICS_REFRESH_ON_READ):
        send_task_now("reports.tasks.refresh_statistics")
        snapshot = figures.latest()  # computed at once when tasks run eagerly
    return snapshot


@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    snapshot = _snapshot()
    context = {"snapshot": snapshot, "settling_days": figures.SETTLING_DAYS}
    if snapshot is not None:
        data = snapshot.data
        context.update(
            data=data,
            figures=data["figures"],
            computed_at=datetime.fromisoformat(data["computed_at"]),
            bars=bar_chart(data["monthly"]),
            read_line=line_chart(data["monthly"], "read_rate"),
            response_line=line_chart(data["monthly"], "response_rate"),
        )
    return render(request, "statistics/page.html", context)


@require_safe
def method_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "statistics/method.html",
        {
            "version": figures.METRICS_VERSION,
            "changelog": figures.CHANGELOG,
            "settling_days": figures.SETTLING_DAYS,
        },
    )


def _unavailable() -> HttpResponse:
    response = JsonResponse({"error": _("Les statistiques sont en cours de calcul.")}, status=503)
    response["Retry-After"] = "60"
    return response


@require_safe
def statistics_json(request: HttpRequest) -> HttpResponse:
    snapshot = _snapshot()
    if snapshot is None:
        return _unavailable()
    response = JsonResponse(snapshot.data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _csv(name: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _rate_cells(rate) -> list:
    if not rate:
        return ["", "", ""]
    return [
        rate["numerator"],
        rate["denominator"],
        "" if rate["percent"] is None else rate["percent"],
    ]


@require_safe
def statistics_csv(request: HttpRequest, table: str) -> HttpResponse:
    snapshot = _snapshot()
    if snapshot is None:
        return _unavailable()
    data = snapshot.data
    figures = data["figures"]
    if table == "indicateurs":
        rows = [
            ["reports_total", figures["reports_total"]["count"], "", "", "all"],
            [
                "reports_last_30_days",
                figures["reports_last_30_days"]["count"],
                "",
                "",
                "last_30_days",
            ],
        ]
        if "inspections_from_reports" in figures:
            rows.append(["inspections_from_reports", figures["inspections_from_reports"]["count"], "", "", "all"])
        for key in ("sent_share", "read_rate", "response_rate", "promise_share"):
            rows.append([key, *_rate_cells(figures[key]), "settled"])
        for key in ("delay_to_read", "delay_to_answer"):
            delay = figures[key]
            rows.append([f"{key}_median_days", delay["median_days"] or "", delay["count"], "", "settled"])
            rows.append([f"{key}_p90_days", delay["p90_days"] or "", delay["count"], "", "settled"])
        for key in ("positive", "neutral", "negative", "unrated"):
            rows.append([f"ratings_{key}", figures["ratings"][key], figures["ratings"]["answered"], "", "settled"])
        header = ["metric", "value_or_numerator", "denominator", "percent", "window"]
        return _csv(f"statistiques-v{data['version']}.csv", header, rows)
    if table == "mensuel":
        rows = [
            [m["month"], m["filed"], *_rate_cells(m["read_rate"]), *_rate_cells(m["response_rate"])]
            for m in data["monthly"]
        ]
        header = [
            "month",
            "filed",
            "read",
            "sent",
            "read_rate_percent",
            "answered",
            "read_for_response",
            "response_rate_percent",
        ]
        return _csv(f"statistiques-mensuelles-v{data['version']}.csv", header, rows)
    if table == "categories":
        rows = [
            [c["category"], c["filed"], *_rate_cells(c["read_rate"]), *_rate_cells(c["response_rate"])]
            for c in data["categories"]
        ]
        header = [
            "category",
            "filed",
            "read",
            "sent",
            "read_rate_percent",
            "answered",
            "read_for_response",
            "response_rate_percent",
        ]
        return _csv(f"statistiques-categories-v{data['version']}.csv", header, rows)
    return HttpResponse(status=404)
