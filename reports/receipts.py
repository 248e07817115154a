"""The consumer's PDF receipt of a report (WeasyPrint), and the signed links
that open the follow-up page from their emails."""

from pathlib import Path

import dsfr
from django.core import signing
from django.template.loader import render_to_string
from django.utils import translation

from .models import Report

FOLLOW_UP_SALT = "reports.follow-up"
# The State's typeface, shipped with the design system.
FONTS_DIR = Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist" / "fonts"


def follow_up_token(report: Report) -> str:
    """A token for the follow-up page. It never expires: the consumer keeps
    the email for the life of the report; anonymisation ends it."""
    # No timestamp inside: the same report always gets the same link.
    return signing.Signer(salt=FOLLOW_UP_SALT).sign_object({"report": report.pk})


def report_from_token(token: str) -> Report | None:
    try:
        data = signing.Signer(salt=FOLLOW_UP_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return Report.objects.filter(pk=data.get("report")).exclude(status="SuppressionRGPD").first()


def receipt_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported late: Pango is loaded only when a PDF is drawn

    with translation.override(report.language):
        html = render_to_string(
            "reports/receipt.html", {"report": report, "fonts_dir": FONTS_DIR.as_uri()}
        )
    return HTML(string=html, base_url=str(FONTS_DIR)).write_pdf()


def receipt_filename(report: Report) -> str:
    return f"signalement-{report.reference}.pdf"
