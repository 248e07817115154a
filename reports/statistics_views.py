"""The public statistics page, its method page, and the open data (JSON and
CSV) of the same snapshot. No view reads the reports."""

import csv
from datetime import datetime

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import statistics
from .services import enqueue
from .tasks import refresh_statistics

CHART_WIDTH, CHART_HEIGHT, MARGIN = 640, 220, 36


def _snapshot():
    """The latest figures; with none yet, a computation is queued."""
    snapshot = statistics.latest()
    if snapshot is None:
        enqueue(refresh_statistics)
        snapshot = statistics.latest()  # computed at once when tasks run eagerly
    return snapshot


def bar_chart(months: list[dict]) -> dict:
    """The geometry of the monthly bars (server-drawn SVG)."""
    top = max((m["filed"] for m in months), default=0) or 1
    width = (CHART_WIDTH - 2 * MARGIN) / max(len(months), 1)
    bars = []
    for index, month in enumerate(months):
        height = (CHART_HEIGHT - 2 * MARGIN) * month["filed"] / top
        bars.append({
            "x": round(MARGIN + index * width + 1, 1), "width": round(max(width - 2, 1), 1),
            "y": round(CHART_HEIGHT - MARGIN - height, 1), "height": round(height, 1),
            "label": month["month"], "value": month["filed"],
            "show_label": index % 3 == 0,
            "label_x": round(MARGIN + index * width + width / 2, 1),
        })  # fmt: skip
    return {"bars": bars, "top": top, "width": CHART_WIDTH, "height": CHART_HEIGHT,
            "baseline": CHART_HEIGHT - MARGIN, "margin": MARGIN, "right": CHART_WIDTH - MARGIN,
            "label_y": CHART_HEIGHT - MARGIN + 16}  # fmt: skip


def line_chart(months: list[dict], key: str) -> dict:
    """The points of a monthly rate (0 to 100 %), months without a rate skipped."""
    step = (CHART_WIDTH - 2 * MARGIN) / max(len(months) - 1, 1)
    points = []
    for index, month in enumerate(months):
        rate = month.get(key)
        if rate and rate["percent"] is not None:
            y = CHART_HEIGHT - MARGIN - (CHART_HEIGHT - 2 * MARGIN) * rate["percent"] / 100
            points.append({"x": round(MARGIN + index * step, 1), "y": round(y, 1),
                           "value": rate["percent"], "label": month["month"]})  # fmt: skip
    plot = CHART_HEIGHT - 2 * MARGIN
    grid = [{"y": round(CHART_HEIGHT - MARGIN - plot * pct / 100, 1), "label": f"{pct} %",
             "label_y": round(CHART_HEIGHT - MARGIN - plot * pct / 100 + 4, 1)} for pct in (0, 50, 100)]  # fmt: skip
    return {"points": points, "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            "width": CHART_WIDTH, "height": CHART_HEIGHT, "margin": MARGIN,
            "right": CHART_WIDTH - MARGIN, "grid": grid}  # fmt: skip


@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    snapshot = _snapshot()
    context = {"snapshot": snapshot, "settling_days": statistics.SETTLING_DAYS}
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
    return render(request, "statistics/method.html", {
        "version": statistics.METRICS_VERSION, "changelog": statistics.CHANGELOG,
        "settling_days": statistics.SETTLING_DAYS,
    })  # fmt: skip


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
        for key in ("sent_share", "read_rate", "response_rate", "promise_share"):
            rows.append([key, *_rate_cells(figures[key]), "settled"])
        for key in ("delay_to_read", "delay_to_answer"):
            delay = figures[key]
            rows.append(
                [f"{key}_median_days", delay["median_days"] or "", delay["count"], "", "settled"]
            )
            rows.append([f"{key}_p90_days", delay["p90_days"] or "", delay["count"], "", "settled"])
        for key in ("positive", "neutral", "negative", "unrated"):
            rows.append([f"ratings_{key}", figures["ratings"][key], figures["ratings"]["answered"], "",
                         "settled"])  # fmt: skip
        header = ["metric", "value_or_numerator", "denominator", "percent", "window"]
        return _csv(f"statistiques-v{data['version']}.csv", header, rows)
    if table == "mensuel":
        rows = [[m["month"], m["filed"], *_rate_cells(m["read_rate"]), *_rate_cells(m["response_rate"])]
                for m in data["monthly"]]  # fmt: skip
        header = ["month", "filed", "read", "sent", "read_rate_percent", "answered", "read_for_response",
                  "response_rate_percent"]  # fmt: skip
        return _csv(f"statistiques-mensuelles-v{data['version']}.csv", header, rows)
    if table == "categories":
        rows = [[c["category"], c["filed"], *_rate_cells(c["read_rate"]), *_rate_cells(c["response_rate"])]
                for c in data["categories"]]  # fmt: skip
        header = ["category", "filed", "read", "sent", "read_rate_percent", "answered", "read_for_response",
                  "response_rate_percent"]  # fmt: skip
        return _csv(f"statistiques-categories-v{data['version']}.csv", header, rows)
    return HttpResponse(status=404)
