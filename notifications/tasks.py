from celery import shared_task

from notifications import services


@shared_task
def send_email(email_id: int) -> None:
    """Sends one row of the outbox; a failure is recorded on the row and
    retried by the sweeper, which survives any restart."""
    services.email_send(email_id=email_id)


@shared_task
def sweep_emails() -> None:
    services.emails_sweep()
