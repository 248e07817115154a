"""The signed links of the consumer's emails: the follow-up page, the review
of the answer, the re-attribution of a report the company says is not its own.

A link names its report and the day it stops working: a year after the report
was filed, or after the renewal the consumer asked for. The same report gets
the same link until then. Anonymisation ends every link of a report.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core import signing
from django.utils import timezone

from reports.models import Report, ReportStatus

LINK_LIFETIME = timedelta(days=365)
FOLLOW_UP_SALT = "reports.follow-up"
REVIEW_SALT = "reports.review"
REATTRIBUTION_SALT = "reports.reattribution"


@dataclass(frozen=True)
class Link:
    """What a token says: its report (None when unknown or anonymised),
    whether it has expired, and any other value it carries."""

    report: Report | None
    expired: bool = False
    about: str = ""


def _sign(salt: str, report: Report, until: date | None, **values) -> str:
    until = until or (timezone.localtime(report.created_at).date() + LINK_LIFETIME)
    return signing.Signer(salt=salt).sign_object({"report": report.pk, "until": until.isoformat(), **values})


def _read(salt: str, token: str) -> Link:
    try:
        data = signing.Signer(salt=salt).unsign_object(token)
        until = date.fromisoformat(data["until"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Link(report=None)
    report = Report.objects.filter(pk=data.get("report")).exclude(status=ReportStatus.ANONYMISED).first()
    return Link(report=report, expired=timezone.localdate() > until, about=data.get("about", ""))


def follow_up_token(report: Report, until: date | None = None) -> str:
    return _sign(FOLLOW_UP_SALT, report, until)


def follow_up_link(token: str) -> Link:
    return _read(FOLLOW_UP_SALT, token)


def review_token(report: Report, about: str) -> str:
    """The consumer's link to rate the answer, or the engagement, once."""
    return _sign(REVIEW_SALT, report, None, about=about)


def review_link(token: str) -> Link:
    return _read(REVIEW_SALT, token)


def reattribution_token(report: Report) -> str:
    """The consumer's link to send a "not concerned" report to another company."""
    return _sign(REATTRIBUTION_SALT, report, None)


def reattribution_link(token: str) -> Link:
    return _read(REATTRIBUTION_SALT, token)


def renewed_follow_up_token(report: Report) -> str:
    """A fresh follow-up link, for a year from today."""
    return follow_up_token(report, until=timezone.localdate() + LINK_LIFETIME)
