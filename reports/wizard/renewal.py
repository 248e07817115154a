"""A new follow-up link for a consumer whose link expired: sent to the
report's own address, at most once an hour, so that nobody but its owner can
get one and nobody can flood them."""

from django.db import transaction
from django.utils import timezone

from notifications.services import email_queue
from reports.models import Report
from reports.wizard.links import renewed_follow_up_token


@transaction.atomic
def follow_up_link_send(*, report: Report) -> None:
    hour = timezone.now().strftime("%Y%m%d%H")
    email_queue(
        "consumer_follow_up_link",
        to=report.email,
        data={"report": report.pk, "token": renewed_follow_up_token(report)},
        language=report.language,
        report=report,
        dedupe_key=f"follow-up-link:{report.pk}:{hour}",
    )
