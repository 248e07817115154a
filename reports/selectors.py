"""Reads about reports, always through the reader's scope."""

from signalconso.audit import Event

from .models import Report


def report_timeline(report: Report) -> list[Event]:
    """Everything that happened to the report, oldest first: every action of
    anybody and every email sent."""
    return list(report.events.select_related("user").order_by("created_at", "pk"))
