import logging

from celery import shared_task

from .emails import acknowledgement, verification_code
from .models import Report

logger = logging.getLogger(__name__)

# The attachment tasks import services when they run: services imports this
# module to enqueue its tasks.


@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_backoff_max=3600, max_retries=30)
def send_acknowledgement(report_id: int) -> None:
    """The consumer's acknowledgement; SMTP failures are retried with back-off."""
    report = Report.objects.filter(pk=report_id).first()
    if report is not None:
        acknowledgement(report).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=10, retry_backoff_max=300, max_retries=10)
def send_verification_code(email: str, code: str, language: str) -> None:
    verification_code(email=email, code=code, language=language).send()


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
