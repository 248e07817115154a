"""The consumer's PDF receipt of a report (WeasyPrint), and the signed links
of their emails: the follow-up page, the review of the answer, the
re-attribution of a report the company says is not its own."""

from django.core import signing

from reports.models import Report, ReportStatus

FOLLOW_UP_SALT = "reports.follow-up"


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
    return Report.objects.filter(pk=data.get("report")).exclude(status=ReportStatus.ANONYMISED).first()


REVIEW_SALT = "reports.review"
REATTRIBUTION_SALT = "reports.reattribution"


def review_token(report: Report, about: str) -> str:
    """The consumer's link to rate the answer, or the engagement, once."""
    return signing.Signer(salt=REVIEW_SALT).sign_object({"report": report.pk, "about": about})


def review_from_token(token: str) -> tuple[Report | None, str]:
    try:
        data = signing.Signer(salt=REVIEW_SALT).unsign_object(token)
    except signing.BadSignature:
        return None, ""
    report = Report.objects.filter(pk=data.get("report")).exclude(status=ReportStatus.ANONYMISED).first()
    return report, data.get("about", "")


def reattribution_token(report: Report) -> str:
    """The consumer's link to send a "not concerned" report to another company."""
    return signing.Signer(salt=REATTRIBUTION_SALT).sign_object({"report": report.pk})


def reattribution_from_token(token: str) -> Report | None:
    try:
        data = signing.Signer(salt=REATTRIBUTION_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return Report.objects.filter(pk=data.get("report")).exclude(status=ReportStatus.ANONYMISED).first()
