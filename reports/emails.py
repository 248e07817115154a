"""Emails about a report, drawn from templates in the report's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Report
from .receipts import follow_up_token, receipt_filename, receipt_pdf


def render_email(template: str, context: dict, *, to: list[str], language: str):
    """templates/<template>_subject.txt, .txt and .html, in `language`."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    return message


def acknowledgement(report: Report) -> EmailMultiAlternatives:
    """With the follow-up link and the PDF receipt attached."""
    token = follow_up_token(report)
    with translation.override(report.language):
        follow_up_url = settings.SITE_URL + reverse("reports:follow_up", args=[token])
    message = render_email(
        "reports/emails/acknowledgement",
        {
            "report": report,
            "goes_to_company": report.status != "NA",
            "follow_up_url": follow_up_url,
        },
        to=[report.email],
        language=report.language,
    )
    message.attach(receipt_filename(report), receipt_pdf(report), "application/pdf")
    return message


def verification_code(*, email: str, code: str, language: str) -> EmailMultiAlternatives:
    return render_email(
        "reports/emails/verification_code", {"code": code}, to=[email], language=language
    )
