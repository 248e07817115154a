"""Queuing and sending the outgoing email (see models.OutgoingEmail)."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from notifications.emails import REGISTRY, EmailGone
from notifications.models import EmailStatus, OutgoingEmail
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.background import start_task
from signalconso.locks import job_lock

logger = logging.getLogger(__name__)

# Retries: 1, 2, 4… minutes, at most 2 hours apart, for two days.
RETRY_FIRST = timedelta(minutes=1)
RETRY_LONGEST = timedelta(hours=2)
GIVE_UP_AFTER = timedelta(days=2)
# A row claimed this long ago by a sender that never finished is retried.
STALE_CLAIM = timedelta(minutes=30)
# The task sends a new row at once; the sweeper leaves it that long to do so.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 500


def email_queue(
    kind: str,
    *,
    to: list[str] | str,
    data: dict | None = None,
    language: str = "fr",
    report=None,
    company=None,
    user=None,
    dedupe_key: str | None = None,
) -> OutgoingEmail | None:
    """Writes the email in the caller's transaction and sends it after
    commit. With a dedupe_key already used, nothing is queued (None)."""
    if kind not in REGISTRY:
        raise ValueError(f"unknown email {kind!r}")
    recipients = [to] if isinstance(to, str) else list(to)
    row = OutgoingEmail(
        kind=kind,
        to=recipients,
        data=data or {},
        language=language or "fr",
        report=report,
        company=company,
        user=user,
        dedupe_key=dedupe_key,
        next_attempt_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        if dedupe_key and OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    # Sent at once by a worker; with the broker down, the sweeper sends it.
    start_task("notifications.tasks.send_email", row.pk)
    return row


def _message_id(row: OutgoingEmail) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox-{row.pk}@{host}>"


def email_send(*, email_id: int) -> str | None:
    """Sends one queued email if it is due and nobody else is sending it.
    Returns the row's new status, or None when there was nothing to do."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING, next_attempt_at__lte=now).update(
        status=EmailStatus.SENDING, claimed_at=now
    )
    if not claimed:
        return None
    row = OutgoingEmail.objects.get(pk=email_id)
    email = REGISTRY[row.kind]
    try:
        with translation.override(row.language):
            context = email.context(row.data)
        message = email.render(context, to=row.to, language=row.language)
        message.extra_headers["Message-ID"] = _message_id(row)
        message.send()
    except EmailGone as gone:
        OutgoingEmail.objects.filter(pk=row.pk).update(status=EmailStatus.CANCELLED, last_error=str(gone)[:2000])
        return EmailStatus.CANCELLED
    except Exception as error:
        return _failed(row, error)
    _sent(row, email)
    return EmailStatus.SENT


@transaction.atomic
def _sent(row: OutgoingEmail, email) -> None:
    data = {key: value for key, value in row.data.items() if key not in email.secrets}
    to = [] if email.forget_recipients else row.to
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        attempts=row.attempts + 1,
        data=data,
        to=to,
        last_error="",
    )
    record_event(
        EventKind.EMAIL_SENT,
        actor=ActorKind.SYSTEM,
        report_id=row.report_id,
        company_id=row.company_id,
        user_id=row.user_id,
        details={"email": row.kind, "to": to, "outbox": row.pk},
    )


def _failed(row: OutgoingEmail, error: Exception) -> str:
    attempts = row.attempts + 1
    now = timezone.now()
    # Two days of tries from the first failure, however late the first try came.
    first_failed_at = row.first_failed_at or now
    if now - first_failed_at >= GIVE_UP_AFTER:
        status = EmailStatus.FAILED
        logger.error("email %s (%s) abandoned after %s attempts: %r", row.pk, row.kind, attempts, error)
    else:
        status = EmailStatus.PENDING
        logger.warning("email %s (%s) failed, attempt %s: %r", row.pk, row.kind, attempts, error)
    delay = min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_LONGEST)
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=status,
        attempts=attempts,
        next_attempt_at=now + delay,
        first_failed_at=first_failed_at,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    return status


def emails_sweep() -> int:
    """Sends every due email the task did not (broker down, worker lost,
    earlier failure). Returns how many were sent."""
    with job_lock("emails-sweep") as taken:
        if not taken:
            return 0
        now = timezone.now()
        OutgoingEmail.objects.filter(status=EmailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
            status=EmailStatus.PENDING
        )
        sent = 0
        while True:
            due = list(
                OutgoingEmail.objects.filter(
                    status=EmailStatus.PENDING,
                    next_attempt_at__lte=timezone.now(),
                    created_at__lte=timezone.now() - SWEEP_GRACE,
                )
                .order_by("next_attempt_at")
                .values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            if not due:
                return sent
            for pk in due:
                if email_send(email_id=pk) == EmailStatus.SENT:
                    sent += 1
            if len(due) < SWEEP_BATCH:
                return sent
