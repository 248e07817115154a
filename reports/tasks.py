import logging

from celery import shared_task

logger = logging.getLogger(__name__)

# The attachment tasks import services when they run: services imports this
# module to enqueue its tasks.


@shared_task
def scan_attachment(attachment_id: int) -> None:
    """Scans a new upload. When clamd or the storage is down the file stays
    pending (never served) and rescan_pending_attachments tries again."""
    from . import services

    try:
        services.attachment_scan(attachment_id=attachment_id)
    except (services.antivirus.AntivirusUnavailable, services.AttachmentUnreadable) as error:
        logger.warning("attachment %s left pending: %r", attachment_id, error)


@shared_task
def rescan_pending_attachments() -> None:
    from . import services

    done = services.attachments_rescan_pending()
    logger.info("rescanned %s pending attachments", done)


@shared_task
def purge_orphan_attachments() -> None:
    from . import services

    deleted = services.attachments_purge_orphans()
    logger.info("purged %s orphan attachments", deleted)


# --- The daily life of reports (reports/jobs.py) ---------------------------------------


@shared_task
def send_reminders() -> None:
    from . import jobs

    logger.info("reminded %s reports", jobs.send_reminders())


@shared_task
def close_expired_reports() -> None:
    from . import jobs

    logger.info("closed %s expired reports", jobs.close_expired_reports())


@shared_task
def request_engagement_reviews() -> None:
    from . import jobs

    logger.info("asked %s engagement reviews", jobs.request_engagement_reviews())


@shared_task
def send_deferred_company_alerts() -> None:
    from . import jobs

    logger.info("sent %s new-report digests", jobs.send_deferred_company_alerts())


@shared_task
def anonymise_old_reports() -> None:
    from . import jobs

    logger.info("anonymised %s reports older than 5 years", jobs.anonymise_old_reports())


@shared_task
def send_subscription_digests() -> None:
    from . import jobs

    logger.info("sent %s subscription digests", jobs.send_subscription_digests())


@shared_task
def build_export(export_id: int) -> None:
    from .exports import export_build

    export_build(export_id=export_id)


@shared_task
def purge_exports() -> None:
    from .exports import exports_purge

    logger.info("purged %s old exports", exports_purge())


@shared_task
def refresh_statistics() -> None:
    from .statistics import statistics_refresh

    statistics_refresh()
