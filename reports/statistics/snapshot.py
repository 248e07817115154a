"""The public statistics: every figure with its numerator, its denominator
and its window, computed by a periodic task into a snapshot (no page view
scans the reports).

Definitions are versioned (METRICS_VERSION, CHANGELOG); the method page
explains each one. A report was sent to a company when it has a deadline
(`expires_at`): that stays true once it is anonymised, unlike its status. Rates count only reports filed more than SETTLING_DAYS
ago, so that young reports, which companies have not had time to read or
answer, do not pull them down.
"""

import math
from datetime import timedelta

from django.db import connections
from django.db.models import Case, Count, F, FilteredRelation, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reports.models import Report, ResponseKind, ReviewAbout, StatisticsSnapshot
from signalconso.db import reads
from signalconso.locks import job_lock

METRICS_VERSION = "1.1"
CHANGELOG = [
    ("1.0", "2026-11-22", "Première publication des indicateurs."),
    ("1.1", "2026-12-04", "Nouvel indicateur : le nombre de contrôles lancés à partir de signalements."),
]
# The inspections that count: every one linking a report, but those cancelled.
INSPECTIONS_COUNTED = ("planned", "in_progress", "done")
SETTLING_DAYS = 30
# How often beat computes a new snapshot (CELERY_BEAT_SCHEDULE says the same).
REFRESH_EVERY = timedelta(minutes=5)
MONTHS = 24
DAY = 86400.0


def _rate(numerator: int, denominator: int) -> dict:
    """A rate as published: its parts, and the percentage (None without a denominator)."""
    value = round(100 * numerator / denominator, 1) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "percent": value}


def _quantiles(seconds: list[float]) -> dict:
    """Median and 90th percentile, in days (linear interpolation, as PostgreSQL's
    percentile_cont)."""
    if not seconds:
        return {"count": 0, "median_days": None, "p90_days": None}
    values = sorted(seconds)

    def at(fraction: float) -> float:
        position = fraction * (len(values) - 1)
        low, high = math.floor(position), math.ceil(position)
        value = values[low] + (values[high] - values[low]) * (position - low)
        return round(value / DAY, 1)

    return {"count": len(values), "median_days": at(0.5), "p90_days": at(0.9)}


def _delays(settled_before) -> dict:
    """Quantiles of the delays from filing to reading and to answering, over
    the settled reports sent to a company: both in one pass, by PostgreSQL (no
    rows come back); in Python elsewhere."""
    sent = Report.objects.using(reads()).filter(created_at__lt=settled_before, expires_at__isnull=False)
    connection = connections[reads()]
    if connection.vendor != "postgresql":
        pairs = sent.values_list("created_at", "read_at", "response__created_at")
        return {
            "delay_to_read": _quantiles([(read - filed).total_seconds() for filed, read, _ in pairs if read]),
            "delay_to_answer": _quantiles([(answer - filed).total_seconds() for filed, _, answer in pairs if answer]),
        }
    # percentile_cont leaves out the NULLs: the unread, the unanswered.
    query = """
        SELECT count(r.read_at),
               percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM r.read_at - r.created_at)),
               count(s.created_at),
               percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM s.created_at - r.created_at))
        FROM reports_report r LEFT JOIN reports_response s ON s.report_id = r.id
        WHERE r.created_at < %s AND r.expires_at IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [settled_before])
        read_count, read_at, answer_count, answer_at = cursor.fetchone()

    def published(count, quantiles) -> dict:
        if not count:
            return {"count": 0, "median_days": None, "p90_days": None}
        median, p90 = quantiles
        return {"count": count, "median_days": round(median / DAY, 1), "p90_days": round(p90 / DAY, 1)}

    return {"delay_to_read": published(read_count, read_at), "delay_to_answer": published(answer_count, answer_at)}


# What the grid counts in each cell (month, top category, settled or not).
COUNTED = ("filed", "recent", "sent", "read", "answered", "promises", "positive", "neutral", "negative")


def _grid(now, settled_before) -> list[dict]:
    """Every count of the snapshot in one pass over the reports, a row per
    month, top category and settled or young; the figures are sums of it."""
    sent = Q(expires_at__isnull=False)
    rated = {
        rating: Count("pk", filter=Q(answer_review__rating=rating)) for rating in ("positive", "neutral", "negative")
    }
    return list(
        Report.objects.using(reads())
        .annotate(
            # At most one review of the answer per report: the join adds no row.
            answer_review=FilteredRelation("reviews", condition=Q(reviews__about=ReviewAbout.ANSWER)),
            month=TruncMonth("created_at"),
            top=F("category_path__0"),
            settled=Case(When(created_at__lt=settled_before, then=Value(True)), default=Value(False)),
        )
        .values("month", "top", "settled")
        .annotate(
            filed=Count("pk"),
            recent=Count("pk", filter=Q(created_at__gte=now - timedelta(days=30))),
            sent=Count("pk", filter=sent),
            read=Count("pk", filter=sent & Q(read_at__isnull=False)),
            answered=Count("pk", filter=Q(response__isnull=False)),
            promises=Count("pk", filter=Q(response__kind=ResponseKind.ACCEPTED)),
            **rated,
        )
        .order_by()
    )


def _sum(cells) -> dict:
    total = dict.fromkeys(COUNTED, 0)
    for cell in cells:
        for key in COUNTED:
            total[key] += cell[key]
    return total


def compute(now=None) -> dict:
    """Every published figure, from the reports as they are now: one pass for
    the counts, one for the delays."""
    now = now or timezone.now()
    settled_before = now - timedelta(days=SETTLING_DAYS)
    grid = _grid(now, settled_before)
    every = _sum(grid)
    settled_cells = [cell for cell in grid if cell["settled"]]
    settled = _sum(settled_cells)
    rated = settled["positive"] + settled["neutral"] + settled["negative"]
    figures = {
        "reports_total": {"count": every["filed"], "window": "all"},
        "reports_last_30_days": {"count": every["recent"], "window": "last_30_days"},
        "sent_share": _rate(settled["sent"], settled["filed"]),
        "read_rate": _rate(settled["read"], settled["sent"]),
        "response_rate": _rate(settled["answered"], settled["read"]),
        "promise_share": _rate(settled["promises"], settled["answered"]),
        **_delays(settled_before),
        "inspections_from_reports": {"count": _inspections_from_reports(), "window": "all"},
        "ratings": {
            "answered": settled["answered"],
            "positive": settled["positive"],
            "neutral": settled["neutral"],
            "negative": settled["negative"],
            "unrated": settled["answered"] - rated,
        },
    }
    return {
        "version": METRICS_VERSION,
        "computed_at": now.isoformat(),
        "settled_before": settled_before.isoformat(),
        "figures": figures,
        "categories": _by_category(settled_cells),
        "monthly": _monthly(grid, now),
    }


def _inspections_from_reports() -> int:
    """Inspections linking at least one report, through the reports' side of
    the link (the inspections app stands above this one), without reading the
    reports' table. No company named."""
    links = Report.linked_inspections.through.objects.using(reads())
    return links.filter(inspection__status__in=INSPECTIONS_COUNTED).values("inspection_id").distinct().count()


def _by_category(settled_cells) -> list[dict]:
    tops: dict[str, list[dict]] = {}
    for cell in settled_cells:
        tops.setdefault(cell["top"] or "", []).append(cell)
    rows = sorted(((top, _sum(cells)) for top, cells in tops.items()), key=lambda row: (-row[1]["filed"], row[0]))
    return [
        {
            "category": top,
            "filed": row["filed"],
            "read_rate": _rate(row["read"], row["sent"]),
            "response_rate": _rate(row["answered"], row["read"]),
        }
        for top, row in rows
    ]


def _monthly(grid, now) -> list[dict]:
    # The first day of the month MONTHS - 1 months ago: MONTHS months in all.
    local = timezone.localtime(now)
    months_back = local.year * 12 + local.month - 1 - (MONTHS - 1)
    first = local.replace(
        year=months_back // 12, month=months_back % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    by_month: dict = {}
    for cell in grid:
        if cell["month"] >= first:
            by_month.setdefault(cell["month"], []).append(cell)
    months = []
    for month in sorted(by_month):
        cells = by_month[month]
        row = _sum(cells)
        # A month is rated only once all its reports are settled.
        ripe = all(cell["settled"] for cell in cells)
        months.append(
            {
                "month": month.strftime("%Y-%m"),
                "filed": row["filed"],
                "read_rate": _rate(row["read"], row["sent"]) if ripe else None,
                "response_rate": _rate(row["answered"], row["read"]) if ripe else None,
            }
        )
    return months


def statistics_refresh() -> StatisticsSnapshot | None:
    """Computes a new snapshot (every few minutes, one scheduler at a time)."""
    with job_lock("statistics-refresh") as taken:
        if not taken:
            return None
        data = compute()
        snapshot = StatisticsSnapshot.objects.create(data=data)
        # Keep a day of history; older snapshots go.
        StatisticsSnapshot.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
        return snapshot


def latest() -> StatisticsSnapshot | None:
    return StatisticsSnapshot.objects.order_by("-created_at").first()
