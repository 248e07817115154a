"""How a company without users gets its first account: a code sent by post
(and by email when its address is known), typed in with its SIRET.

The code is 8 characters drawn by `secrets` from an alphabet without look-
alike characters (32 symbols: 40 bits), valid 90 days and used once; only a
keyed hash is stored. Against guessing: at most 20 wrong tries per SIRET in
30 minutes, and a code that took 100 wrong tries is dead until a new letter
brings another. An attacker rotating addresses gets at most 100 tries at 1 in
2^40 each.
"""

import logging
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.identifiers import clean_siret
from companies.models import ActivationCode, Company
from companies.selectors import company_has_users
from notifications.services import email_queue
from signalconso.keys import keyed_hash, keyed_hash_matches
from signalconso.refusals import Refused

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
CODE_VALIDITY = timedelta(days=90)
TRIES_PER_WINDOW = 20
TRY_WINDOW = 30 * 60
TRIES_PER_CODE = 100


class ActivationRefused(Refused):
    """A company's activation refused: a wrong or spent code, or a company already active."""

    default_field = "code"


ACTIVATION_CODE_SALT = "companies.activation.code"


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def activation_code_issue(*, company: Company) -> tuple[ActivationCode, str]:
    """A fresh code for the company (earlier ones keep working until they
    expire or one is used). Emailed when the company's address is known."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = ActivationCode.objects.create(
        company=company, code_hash=keyed_hash(ACTIVATION_CODE_SALT, code), expires_at=timezone.now() + CODE_VALIDITY
    )
    if company.email:
        email_queue(
            "pro_activation_code",
            to=company.email,
            data={"company": company.pk, "code": format_code(code), "expires_at": row.expires_at.isoformat()},
            company=company,
        )
    return row, code


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _tries_key(siret: str) -> str:
    window = int(timezone.now().timestamp() // TRY_WINDOW)
    return f"activation-tries:{siret}:{window}"


def activation_check(*, siret: str, code: str) -> ActivationCode:
    """The live code of this SIRET matching `code`, or ActivationRefused
    saying why (at the field it concerns)."""
    try:
        siret = clean_siret(siret)
    except Exception as error:
        raise ActivationRefused(" ".join(getattr(error, "messages", [str(error)])), "siret") from None
    company = Company.objects.filter(siret=siret).first()
    if company is None:
        raise ActivationRefused(_("Aucun établissement ne porte ce numéro SIRET."), "siret")
    if company_has_users(company):
        raise ActivationRefused(
            _(
                "Cette entreprise a déjà un compte : demandez à son administrateur de vous "
                "inviter, ou à l’un de ses utilisateurs qui l’est."
            ),
            "siret",
        )
    # Every try takes a slot first (an atomic increment in the shared cache):
    # parallel requests cannot all slip under the limit.
    if _take_try(_tries_key(siret)) > TRIES_PER_WINDOW:
        raise ActivationRefused(_("Trop d’essais erronés pour ce SIRET : réessayez dans 30 minutes."), "code")
    now = timezone.now()
    live = ActivationCode.objects.filter(company=company, used_at__isnull=True)
    candidate = normalize_code(code)
    for row in live.order_by("-created_at"):
        if keyed_hash_matches(ACTIVATION_CODE_SALT, candidate, row.code_hash):
            if row.expires_at <= now:
                raise ActivationRefused(
                    _("Ce code a expiré. Un nouveau courrier vous sera envoyé avec un autre code.")
                )
            if row.failed_attempts >= TRIES_PER_CODE:
                raise ActivationRefused(_dead_code_message())
            return row
    # A wrong try: counted against every live code of the company too.
    current = live.filter(expires_at__gt=now)
    current.update(failed_attempts=F("failed_attempts") + 1)
    if current.exists() and not current.filter(failed_attempts__lt=TRIES_PER_CODE).exists():
        raise ActivationRefused(_dead_code_message())
    raise ActivationRefused(_("Ce code ne correspond pas à ce SIRET. Vérifiez-le sur le courrier reçu."))


def _take_try(key: str) -> int:
    """Counts one try in the window and returns how many there were (none
    with the cache down: the code's own count of wrong tries still holds)."""
    try:
        if cache.add(key, 1, timeout=TRY_WINDOW + 60):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=TRY_WINDOW + 60)
            return 1
    except Exception:
        logger.error("the cache is unreachable: activation tries not counted per SIRET", exc_info=True)
        return 0


def _dead_code_message() -> str:
    return _(
        "Ce code est bloqué après trop d’essais erronés. Un nouveau courrier vous sera envoyé avec un autre code."
    )


# --- Letters --------------------------------------------------------------------------
