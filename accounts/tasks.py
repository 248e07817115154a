import logging

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts import services
from accounts.auth_log import auth_events_purge

logger = logging.getLogger(__name__)


@shared_task
def clear_expired_sessions() -> int:
    """Delete expired sessions; returns how many. Running it twice is harmless."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def send_password_reset(email: str, language: str) -> None:
    """Out of the request, so that it takes the same time with or without an account."""
    services.password_reset_send(email=email, language=language)


@shared_task
def deactivate_inactive_staff() -> None:
    warned, deactivated = services.inactive_staff_deactivate()
    logger.info("warned %s idle staff accounts, deactivated %s", warned, deactivated)


@shared_task
def purge_auth_log() -> int:
    """The authentication log keeps addresses: AUTH_LOG_DAYS, no longer."""
    return auth_events_purge(days=settings.AUTH_LOG_DAYS)
