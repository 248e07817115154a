"""Checking a consumer's email address with a 6-digit code.

The code is drawn by a cryptographic generator and stored as a keyed hash
(signalconso/keys.py), so the table alone gives nothing away. A code lives
30 minutes and allows 5 tries; another can be asked for after a minute.

An address is trusted only in the browser session that typed its code: a
new session, even a minute later, gets a new code. Nobody can file reports
under somebody else's address because its owner once proved it.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import EmailVerification
from signalconso.keys import keyed_hash, keyed_hash_matches
from signalconso.refusals import Refused

CODE_LIFETIME = timedelta(minutes=30)
MAX_ATTEMPTS = 5
RESEND_DELAY = timedelta(minutes=1)
SESSION_KEY = "verified_emails"


CODE_SALT = "reports.wizard.verification.code"


def is_verified(session, email: str) -> bool:
    """Whether this address's code was typed in this browser session."""
    return email in (session.get(SESSION_KEY) or [])


def mark_verified(session, email: str) -> None:
    verified = list(session.get(SESSION_KEY) or [])
    if email not in verified:
        session[SESSION_KEY] = [*verified, email]


def pending(email: str) -> EmailVerification | None:
    return EmailVerification.objects.filter(email=email, verified_at__isnull=True).order_by("-sent_at").first()


def seconds_before_resend(email: str) -> int:
    current = pending(email)
    if current is None:
        return 0
    left = (current.sent_at + RESEND_DELAY - timezone.now()).total_seconds()
    return int(left) + 1 if left > 0 else 0


@transaction.atomic
def issue_code(email: str) -> str:
    """A new code for the address (the previous ones stop working). Returns it
    for the email; the caller sends it."""
    EmailVerification.objects.filter(email=email, verified_at__isnull=True).delete()
    code = f"{secrets.randbelow(1_000_000):06d}"
    EmailVerification.objects.create(
        email=email, code_hash=keyed_hash(CODE_SALT, f"{email}:{code}"), sent_at=timezone.now()
    )
    return code


class CodeRefused(Refused):
    """A wrong, expired or exhausted email code."""


def check_code(email: str, code: str) -> None:
    """Marks the address verified, or raises CodeRefused saying why. A wrong
    try is counted even though the caller gets an exception."""
    with transaction.atomic():
        current = (
            EmailVerification.objects.select_for_update()
            .filter(email=email, verified_at__isnull=True)
            .order_by("-sent_at")
            .first()
        )
        if current is None or current.sent_at + CODE_LIFETIME < timezone.now():
            outcome = "expired"
        elif current.attempts >= MAX_ATTEMPTS:
            outcome = "too_many"
        else:
            current.attempts += 1
            if keyed_hash_matches(CODE_SALT, f"{email}:{code.strip()}", current.code_hash):
                current.verified_at = timezone.now()
                outcome = "verified"
            else:
                outcome = "wrong"
            current.save(update_fields=["attempts", "verified_at"])
    if outcome == "verified":
        return
    if outcome == "expired":
        raise CodeRefused(_("Ce code a expiré : demandez-en un nouveau."), field="code")
    left = MAX_ATTEMPTS - current.attempts
    if outcome == "too_many" or left == 0:
        raise CodeRefused(_("Trop d’essais avec ce code : demandez-en un nouveau."), field="code")
    raise CodeRefused(
        _("Code incorrect. Vérifiez le dernier courriel reçu ; il vous reste %(left)s essai(s).") % {"left": left},
        field="code",
    )
