"""Reads about reports, always through the reader's scope: the querysets
given here come from Report.objects.visible_to."""

import statistics
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from notifications.emails import REGISTRY
from reports.models import InspectionOutcome, Rating, Report, ReportStatus, Response, ResponseKind, Tag
from signalconso.audit import Event, EventKind

# A median over the latest answers only: enough to describe a company, and
# bounded whatever its size.
DELAY_SAMPLE = 5000
INSPECTION_KINDS = (
    EventKind.INSPECTION_LAUNCHED,
    EventKind.INSPECTION_STARTED,
    EventKind.INSPECTION_CONCLUDED,
    EventKind.INSPECTION_CANCELLED,
)
DAY = 86400


def report_timeline(report: Report) -> list[Event]:
    """Everything that happened to the report, oldest first: every action of
    anybody and every email sent."""
    return list(report.events.select_related("user").order_by("created_at", "pk"))


@dataclass(frozen=True)
class TimelineLine:
    """One event as a reader of the history reads it."""

    at: datetime
    actor: str
    user: object
    what: str
    detail: str


def timeline_lines(report: Report) -> list[TimelineLine]:
    """The report's history in words: who, what, and the detail that matters."""
    tags = dict(Tag.objects.values_list("slug", "label_fr"))
    return [
        TimelineLine(
            at=event.created_at,
            actor=event.get_actor_display(),
            user=event.user,
            what=event.label,
            detail=_detail(event, tags),
        )
        for event in report_timeline(report)
    ]


def _status(code) -> str:
    try:
        return str(ReportStatus(code).label)
    except ValueError:
        return str(code or "")


def _detail(event: Event, tags: dict) -> str:
    details = event.details or {}
    kind = event.action
    if kind in INSPECTION_KINDS:
        # The inspections app stands above this one: its event carries the label.
        return details.get("outcome_label", "")
    if kind == EventKind.EMAIL_SENT:
        email = REGISTRY.get(details.get("email"))
        return str(email.description) if email else details.get("email", "")
    if kind == EventKind.REPORT_ANSWERED:
        return f"{ResponseKind(details['kind']).label if details.get('kind') in ResponseKind.values else ''}"
    if kind == EventKind.REPORT_SUBMITTED:
        return _status(details.get("status"))
    if "from" in details and "to" in details:
        return f"{_status(details['from'])} → {_status(details['to'])}"
    if kind == EventKind.TAGS_CHANGED:
        added = ", ".join(tags.get(slug, slug) for slug in details.get("added", []))
        removed = ", ".join(tags.get(slug, slug) for slug in details.get("removed", []))
        return " ; ".join(
            part for part in (added and _("ajoutés : ") + added, removed and _("retirés : ") + removed) if part
        )
    if kind == EventKind.REPORT_FORWARDED:
        return details.get("authority", "")
    if kind == EventKind.REVIEW_GIVEN:
        return str(Rating(details["rating"]).label) if details.get("rating") in Rating.values else ""
    if kind == EventKind.INSPECTION_RECORDED:
        outcome = details.get("outcome")
        return str(InspectionOutcome(outcome).label) if outcome in InspectionOutcome.values else ""
    if kind in (EventKind.COMPANY_ATTRIBUTED, EventKind.COMPANY_CHANGED):
        return " → ".join(
            str(value) for value in (details.get("before"), details.get("after") or details.get("siret")) if value
        )
    if kind == EventKind.ATTACHMENT_INFECTED:
        return details.get("signature", "")
    return ""


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
