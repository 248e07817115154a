"""Reads about reports, always through the reader's scope: the querysets
given here come from Report.objects.visible_to."""

import statistics

from django.db.models import Count, Q

from reports.models import Report, Response
from signalconso.audit import Event

# A median over the latest answers only: enough to describe a company, and
# bounded whatever its size.
DELAY_SAMPLE = 5000
DAY = 86400


def report_timeline(report: Report) -> list[Event]:
    """Everything that happened to the report, oldest first: every action of
    anybody and every email sent."""
    return list(report.events.select_related("user").order_by("created_at", "pk"))


def percentage(part: int, whole: int) -> int | None:
    """A whole percentage, or None when there is nothing to divide."""
    return round(100 * part / whole) if whole else None


# What each figure counts. A report was sent to its company when it has a
# deadline (that stays true once anonymised); it was read when the company
# opened it, answered when the company answered.
FIGURES = {
    "total": Count("pk"),
    "sent": Count("pk", filter=Q(expires_at__isnull=False)),
    "read": Count("pk", filter=Q(read_at__isnull=False)),
    "answered": Count("response"),
}


def report_figures(reports) -> dict:
    """The counts of these reports, with the read rate (read / sent) and the
    response rate (answered / read)."""
    counts = reports.aggregate(**FIGURES)
    counts["read_rate"] = percentage(counts["read"], counts["sent"])
    counts["response_rate"] = percentage(counts["answered"], counts["read"])
    return counts


def report_figures_by_company(reports, companies) -> dict[int, dict]:
    """The same figures for each of these companies, in one query."""
    rows = reports.filter(company__in=companies).values("company_id").annotate(**FIGURES)
    figures = {}
    for company in companies:
        row = next((r for r in rows if r["company_id"] == company.pk), None) or dict.fromkeys(FIGURES, 0)
        figures[company.pk] = {
            **row,
            "read_rate": percentage(row["read"], row["sent"]),
            "response_rate": percentage(row["answered"], row["read"]),
        }
    return figures


def median_answer_delay(reports) -> float | None:
    """The median time from filing to the company's answer, in days, over
    the latest answers to these reports."""
    pairs = (
        Response.objects.filter(report__in=reports)
        .order_by("-created_at")
        .values_list("report__created_at", "created_at")[:DELAY_SAMPLE]
    )
    delays = [(answered - filed).total_seconds() / DAY for filed, answered in pairs]
    return statistics.median(delays) if delays else None
