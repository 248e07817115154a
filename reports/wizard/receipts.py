"""The consumer's PDF receipt of a report, in the report's language."""

from django.utils import translation

from reports.models import Report
from signalconso.pdf import pdf_from_template


def receipt_pdf(report: Report) -> bytes:
    with translation.override(report.language):
        return pdf_from_template("reports/receipt.html", {"report": report})


def receipt_filename(report: Report) -> str:
    return f"signalement-{report.reference}.pdf"
