from celery import shared_task

from .emails import acknowledgement, verification_code
from .models import Report


@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_backoff_max=3600, max_retries=30)
def send_acknowledgement(report_id: int) -> None:
    """The consumer's acknowledgement; SMTP failures are retried with back-off."""
    report = Report.objects.filter(pk=report_id).first()
    if report is not None:
        acknowledgement(report).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=10, retry_backoff_max=300, max_retries=10)
def send_verification_code(email: str, code: str, language: str) -> None:
    verification_code(email=email, code=code, language=language).send()
