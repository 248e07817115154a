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

from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reports.models import Report, ResponseKind, Review, ReviewAbout, StatisticsSnapshot
from signalconso.locks import job_lock

METRICS_VERSION = "1.0"
CHANGELOG = [
    ("1.0", "2026-11-22", "Première publication des indicateurs."),
]
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


# The moment each delay ends: SQL column, and its ORM path for other databases.
DELAY_ENDS = {"read": ("r.read_at", "read_at"), "answer": ("s.created_at", "response__created_at")}


def _delays(queryset, until: str) -> dict:
    """Quantiles of the delay from filing to `until` ("read" or "answer") over
    the queryset: computed by PostgreSQL (no rows come back), in Python
    elsewhere."""
    column, path = DELAY_ENDS[until]
    if connection.vendor == "postgresql":
        sql, params = queryset.values("pk").query.sql_with_params()
        # The column comes from DELAY_ENDS and the subquery from the ORM.
        query = (
            "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY d), "  # noqa: S608
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY d) FROM ("
            f"  SELECT EXTRACT(EPOCH FROM ({column} - r.created_at)) AS d FROM reports_report r"
            "  LEFT JOIN reports_response s ON s.report_id = r.id"
            f"  WHERE r.id IN ({sql}) AND {column} IS NOT NULL) t"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            count, median, p90 = cursor.fetchone()
        if not count:
            return {"count": 0, "median_days": None, "p90_days": None}
        return {
            "count": count,
            "median_days": round(median / DAY, 1),
            "p90_days": round(p90 / DAY, 1),
        }
    pairs = queryset.filter(**{f"{path}__isnull": False}).values_list("created_at", path)
    return _quantiles([(finish - begin).total_seconds() for begin, finish in pairs])


def compute(now=None) -> dict:
    """Every published figure, from the reports as they are now."""
    now = now or timezone.now()
    settled_before = now - timedelta(days=SETTLING_DAYS)
    reports = Report.objects.all()
    settled = reports.filter(created_at__lt=settled_before)
    counts = settled.aggregate(
        filed=Count("pk"),
        sent=Count("pk", filter=Q(expires_at__isnull=False)),
        read=Count("pk", filter=Q(expires_at__isnull=False) & Q(read_at__isnull=False)),
        answered=Count("pk", filter=Q(response__isnull=False)),
        promises=Count("pk", filter=Q(response__kind=ResponseKind.ACCEPTED)),
    )
    ratings = dict(
        Review.objects.filter(about=ReviewAbout.ANSWER, report__in=settled)
        .values_list("rating")
        .annotate(n=Count("pk"))
    )
    rated = sum(ratings.values())
    sent_settled = settled.filter(expires_at__isnull=False)
    figures = {
        "reports_total": {"count": reports.count(), "window": "all"},
        "reports_last_30_days": {
            "count": reports.filter(created_at__gte=now - timedelta(days=30)).count(),
            "window": "last_30_days",
        },
        "sent_share": _rate(counts["sent"], counts["filed"]),
        "read_rate": _rate(counts["read"], counts["sent"]),
        "response_rate": _rate(counts["answered"], counts["read"]),
        "promise_share": _rate(counts["promises"], counts["answered"]),
        "delay_to_read": _delays(sent_settled, "read"),
        "delay_to_answer": _delays(sent_settled, "answer"),
        "ratings": {
            "answered": counts["answered"],
            "positive": ratings.get("positive", 0),
            "neutral": ratings.get("neutral", 0),
            "negative": ratings.get("negative", 0),
            "unrated": counts["answered"] - rated,
        },
    }
    return {
        "version": METRICS_VERSION,
        "computed_at": now.isoformat(),
        "settled_before": settled_before.isoformat(),
        "figures": figures,
        "categories": _by_category(settled),
        "monthly": _monthly(reports, now, settled_before),
    }


def _by_category(settled) -> list[dict]:
    rows = (
        settled.annotate(top=F("category_path__0"))
        .values("top")
        .annotate(
            filed=Count("pk"),
            sent=Count("pk", filter=Q(expires_at__isnull=False)),
            read=Count("pk", filter=Q(expires_at__isnull=False) & Q(read_at__isnull=False)),
            answered=Count("pk", filter=Q(response__isnull=False)),
        )
        .order_by("-filed")
    )
    return [
        {
            "category": row["top"] or "",
            "filed": row["filed"],
            "read_rate": _rate(row["read"], row["sent"]),
            "response_rate": _rate(row["answered"], row["read"]),
        }
        for row in rows
    ]


def _monthly(reports, now, settled_before) -> list[dict]:
    # The first day of the month MONTHS - 1 months ago: MONTHS months in all.
    local = timezone.localtime(now)
    months_back = local.year * 12 + local.month - 1 - (MONTHS - 1)
    first = local.replace(
        year=months_back // 12, month=months_back % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    rows = (
        reports.filter(created_at__gte=first)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            filed=Count("pk"),
            sent=Count("pk", filter=Q(expires_at__isnull=False)),
            read=Count("pk", filter=Q(expires_at__isnull=False) & Q(read_at__isnull=False)),
            answered=Count("pk", filter=Q(response__isnull=False)),
            settled=Count("pk", filter=Q(created_at__lt=settled_before)),
        )
        .order_by("month")
    )
    months = []
    for row in rows:
        # A month is rated only once all its reports are settled.
        ripe = row["settled"] == row["filed"]
        months.append(
            {
                "month": row["month"].strftime("%Y-%m"),
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
