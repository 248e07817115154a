"""The reports app's background tasks: each loads by id and calls a service.

Nothing imports this module but the workers (through Celery's discovery);
services start these tasks by name (signalconso.background.start_task).
"""

import contextlib
import logging

from celery import shared_task
from django.conf import settings

from reports import jobs
from reports.agents import exports, subscriptions
from reports.files import services as files
from reports.files.antivirus import AntivirusUnavailable
from reports.statistics.snapshot import statistics_refresh

logger = logging.getLogger(__name__)


def _limits(seconds: int) -> dict:
    """A task's time limits: interrupted (SoftTimeLimitExceeded) a little before
    `seconds`, so that it can record its failure, and killed at `seconds`."""
    return {"soft_time_limit": seconds - min(60, seconds // 10), "time_limit": seconds}


BULK = _limits(settings.BULK_TASK_TIME_LIMIT)


# --- Files -----------------------------------------------------------------------------


@shared_task
def scan_attachment(attachment_id: int) -> None:
    """Scans a new upload. When clamd or the storage is down the file stays
    pending (never served) and rescan_pending_attachments tries again."""
    try:
        files.attachment_scan(attachment_id=attachment_id)
    except (AntivirusUnavailable, files.AttachmentUnreadable) as error:
        logger.warning("attachment %s left pending: %r", attachment_id, error)


@shared_task(**BULK)
def rescan_pending_attachments() -> None:
    logger.info("rescanned %s pending attachments", files.attachments_rescan_pending())


@shared_task(**BULK)
def purge_orphan_attachments() -> None:
    logger.info("purged %s orphan attachments", files.attachments_purge_orphans())


# --- The daily life of reports ---------------------------------------------------------


@shared_task
def send_reminders() -> None:
    logger.info("reminded %s reports", jobs.send_reminders())


@shared_task
def close_expired_reports() -> None:
    logger.info("closed %s expired reports", jobs.close_expired_reports())


@shared_task
def request_engagement_reviews() -> None:
    logger.info("asked %s engagement reviews", jobs.request_engagement_reviews())


@shared_task
def send_deferred_company_alerts() -> None:
    logger.info("sent %s new-report digests", jobs.send_deferred_company_alerts())


@shared_task(**BULK)
def anonymise_old_reports() -> None:
    # Past the cap the job erases nothing and logs an error: a person decides.
    with contextlib.suppress(jobs.TooManyToAnonymise):
        logger.info("anonymised %s reports older than 5 years", jobs.anonymise_old_reports())


# --- The agents' -----------------------------------------------------------------------


@shared_task
def send_subscription_digests() -> None:
    logger.info("sent %s subscription digests", subscriptions.send_subscription_digests())


@shared_task(**_limits(settings.EXPORT_TIME_LIMIT))
def build_export(export_id: int) -> None:
    exports.export_build(export_id=export_id)


@shared_task(**BULK)
def purge_exports() -> None:
    logger.info("purged %s old exports", exports.exports_purge())


@shared_task
def fail_stuck_exports() -> None:
    """Exports whose task was lost are sent again; those building too long fail."""
    logger.info("sent again %s exports whose build was lost", exports.exports_resend_waiting())
    logger.info("failed %s exports stuck in building", exports.exports_fail_stuck())


# --- The public statistics -------------------------------------------------------------


@shared_task(**BULK)
def refresh_statistics() -> None:
    statistics_refresh()
