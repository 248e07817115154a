"""The periodic jobs of a report's life (scheduled in CELERY_BEAT_SCHEDULE).

Each holds a database lock, so that two schedulers never run it at once, and
is idempotent: a row is changed only if it still needs it, and every email
carries a dedupe key, so running a job twice sends nothing twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from companies.models import CompanyAccess
from companies.selectors import company_users_to_alert
from notifications.services import email_queue
from reports import lifecycle
from reports.models import Report, ReportStatus, Response, ResponseKind
from signalconso.locks import job_lock

logger = logging.getLogger(__name__)

MAX_REMINDERS = 2
REMINDER_INTERVAL = timedelta(days=7)
ANONYMISE_AFTER = timedelta(days=5 * 365)
BATCH = 1000


def _in_batches(queryset):
    """Rows of a queryset by pk, a batch at a time: constant memory, and a row
    changed by the job itself is never read twice."""
    last = 0
    while batch := list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH]):
        yield from batch
        last = batch[-1].pk


def _has_users():
    """Whether the report's company can be reached in its space."""
    reach = Q(company_id=OuterRef("company_id")) | Q(
        company__siren=OuterRef("company__siren"), company__is_head_office=True
    )
    return Exists(CompanyAccess.objects.filter(reach, user__is_active=True))


def send_reminders() -> int:
    """Reminds the company's users of a report waiting for them: at most twice,
    at least 7 days apart (after the first alert), then a last-chance email
    the day before the deadline. Returns how many reports were reminded."""
    with job_lock("send-reminders") as taken:
        if not taken:
            return 0
        now = timezone.now()
        reminded = 0
        # A company without users is reminded by post (activation letters).
        waiting = Report.objects.filter(
            _has_users(), status__in=lifecycle.WAITING_FOR_COMPANY, expires_at__gt=now
        ).select_related("company")
        due = (
            waiting.filter(reminder_count__lt=MAX_REMINDERS)
            .exclude(expires_at__date__lte=timezone.localdate(now) + timedelta(days=1))
            .filter(
                Q(reminded_at__lte=now - REMINDER_INTERVAL)
                | Q(reminded_at__isnull=True, created_at__lte=now - REMINDER_INTERVAL)
            )
        )
        for report in _in_batches(due):
            reminded += _remind(report, now)
        # The day before the deadline (local days): whatever the hour of the run.
        tomorrow = timezone.localdate(now) + timedelta(days=1)
        for report in _in_batches(waiting.filter(expires_at__date=tomorrow)):
            _last_chance(report)
        return reminded


@transaction.atomic
def _remind(report: Report, now) -> int:
    users = company_users_to_alert(report.company)
    number = report.reminder_count + 1
    if not Report.objects.filter(pk=report.pk, reminder_count=report.reminder_count).update(
        reminder_count=number, reminded_at=now
    ):
        return 0
    kind = "pro_reminder_unread" if report.status == ReportStatus.SENT else "pro_reminder_unanswered"
    key = f"reminder:{report.pk}:{report.expires_at:%Y%m%d%H%M}:{number}"
    lifecycle.email_professionals(report, kind, users, dedupe_key=key)
    return 1


@transaction.atomic
def _last_chance(report: Report) -> None:
    key = f"last-chance:{report.pk}:{report.expires_at:%Y%m%d%H%M}"
    users = company_users_to_alert(report.company)
    lifecycle.email_professionals(report, "pro_last_chance", users, dedupe_key=key)


def close_expired_reports() -> int:
    """Closes the reports whose deadline has passed, telling each consumer."""
    with job_lock("close-expired-reports") as taken:
        if not taken:
            return 0
        closed = 0
        expired = Report.objects.filter(status__in=lifecycle.WAITING_FOR_COMPANY, expires_at__lte=timezone.now())
        for report in _in_batches(expired):
            try:
                lifecycle.report_expire(report=report)
                closed += 1
            except lifecycle.IllegalTransition:
                pass  # answered meanwhile
        return closed


def request_engagement_reviews() -> int:
    """21 days after an accepted answer, asks the consumer whether the company
    kept its word."""
    with job_lock("request-engagement-reviews") as taken:
        if not taken:
            return 0
        now = timezone.now()
        due = Response.objects.filter(
            kind=ResponseKind.ACCEPTED,
            engagement_due_at__lte=now,
            engagement_review_requested_at__isnull=True,
        ).exclude(report__status=ReportStatus.ANONYMISED)
        requested = 0
        for response in due.select_related("report").iterator(chunk_size=BATCH):
            with transaction.atomic():
                if not Response.objects.filter(pk=response.pk, engagement_review_requested_at__isnull=True).update(
                    engagement_review_requested_at=now
                ):
                    continue
                key = f"engagement-review:{response.report_id}"
                lifecycle.email_consumer(response.report, "consumer_engagement_review", dedupe_key=key)
                requested += 1
        return requested


def send_deferred_company_alerts() -> int:
    """One digest per user for the new reports whose alert was held back
    (more than NEW_REPORT_ALERTS_PER_HOUR for one company in an hour)."""
    with job_lock("send-deferred-company-alerts") as taken:
        if not taken:
            return 0
        sent = 0
        companies = Report.objects.filter(alert_deferred=True).values_list("company_id", flat=True).distinct()
        for company_id in list(companies):
            with transaction.atomic():
                reports = list(
                    Report.objects.select_for_update()
                    .filter(company_id=company_id, alert_deferred=True)
                    .select_related("company")
                    .order_by("pk")
                )
                if not reports:
                    continue
                company = reports[0].company
                ids = [report.pk for report in reports]
                Report.objects.filter(pk__in=ids).update(alert_deferred=False)
                waiting = [r.pk for r in reports if r.status in lifecycle.WAITING_FOR_COMPANY]
                if not waiting:
                    continue
                for user in company_users_to_alert(company, new_report=True):
                    email_queue(
                        "pro_new_reports_digest",
                        to=user.email,
                        data={"company": company.pk, "user": user.pk, "reports": waiting},
                        company=company,
                        user=user,
                        dedupe_key=f"new-reports-digest:{company.pk}:{user.pk}:{waiting[-1]}",
                    )
                    sent += 1
        return sent


class TooManyToAnonymise(Exception):
    """More reports are due than a run may erase: somebody must look first."""


def reports_due_for_anonymisation():
    return Report.objects.filter(created_at__lte=timezone.now() - ANONYMISE_AFTER).exclude(
        status=ReportStatus.ANONYMISED
    )


def anonymise_old_reports(*, force: bool = False) -> int:
    """Erases the personal data of reports filed more than 5 years ago.

    Erasing is final: when more are due than ANONYMISE_MAX_PER_RUN (a clock
    gone wrong, a setting changed), the run erases nothing and says so, unless
    forced (`manage.py anonymise_old_reports --force`)."""
    with job_lock("anonymise-old-reports") as taken:
        if not taken:
            return 0
        due = reports_due_for_anonymisation()
        count = due.count()
        if count > settings.ANONYMISE_MAX_PER_RUN and not force:
            logger.error(
                "%s reports are due for anonymisation, more than ANONYMISE_MAX_PER_RUN (%s): none erased; "
                "check, then run manage.py anonymise_old_reports --force",
                count,
                settings.ANONYMISE_MAX_PER_RUN,
            )
            raise TooManyToAnonymise(count)
        done = 0
        for report in _in_batches(due):
            try:
                lifecycle.report_anonymise(report=report)
            except lifecycle.IllegalTransition:
                continue  # anonymised meanwhile
            done += 1
        return done
