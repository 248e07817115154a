"""How a company without users gets its first account: a code sent by post
(and by email when its address is known), typed in with its SIRET.

The code is 8 characters drawn by `secrets` from an alphabet without look-
alike characters (32 symbols: 40 bits), valid 90 days and used once; only a
keyed hash is stored. Against guessing: at most 20 wrong tries per SIRET in
30 minutes, and a code that took 100 wrong tries is dead until a new letter
brings another. An attacker rotating addresses gets at most 100 tries at 1 in
2^40 each.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from notifications.services import email_queue
from reports.models import ActorKind, Event, Report, ReportStatus
from reports.receipts import FONTS_DIR

from .identifiers import clean_siret
from .models import (
    AccessLevel,
    ActivationCode,
    ActivationLetter,
    Company,
    CompanyAccess,
    LetterBatch,
    LetterKind,
)
from .selectors import company_has_users

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
CODE_VALIDITY = timedelta(days=90)
TRIES_PER_WINDOW = 20
TRY_WINDOW = 30 * 60
TRIES_PER_CODE = 100


class ActivationRefused(Exception):
    def __init__(self, message: str, field: str = "code"):
        super().__init__(message)
        self.message, self.field = message, field


def _hash(code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"activation:" + code.encode(), hashlib.sha256).hexdigest()


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def activation_code_issue(*, company: Company) -> tuple[ActivationCode, str]:
    """A fresh code for the company (earlier ones keep working until they
    expire or one is used). Emailed when the company's address is known."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = ActivationCode.objects.create(
        company=company, code_hash=_hash(code), expires_at=timezone.now() + CODE_VALIDITY
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
    candidate = _hash(normalize_code(code))
    for row in live.order_by("-created_at"):
        if hmac.compare_digest(row.code_hash, candidate):
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
    """Counts one try in the window and returns how many there were."""
    if cache.add(key, 1, timeout=TRY_WINDOW + 60):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=TRY_WINDOW + 60)
        return 1


def _dead_code_message() -> str:
    return _(
        "Ce code est bloqué après trop d’essais erronés. Un nouveau courrier vous sera envoyé avec un autre code."
    )


@transaction.atomic
def activation_complete(*, code_id: int, email: str, first_name: str, last_name: str, password: str) -> User:
    """The code is used: the person becomes the company's administrator."""
    row = ActivationCode.objects.select_for_update().select_related("company").get(pk=code_id)
    now = timezone.now()
    if row.used_at is not None or row.expires_at <= now or row.failed_attempts >= TRIES_PER_CODE:
        raise ActivationRefused(_("Ce lien d’activation a déjà servi ou n’est plus valable."))
    if company_has_users(row.company):
        raise ActivationRefused(_("Cette entreprise a déjà un compte : demandez une invitation."))
    email = User.objects.normalize_email(email)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, first_name=first_name, last_name=last_name, role=Role.PRO
        )
    elif user.role != Role.PRO:
        raise ActivationRefused(_("Cette adresse est celle d’un compte de l’administration."))
    CompanyAccess.objects.get_or_create(company=row.company, user=user, defaults={"level": AccessLevel.ADMIN})
    # This code is spent, and so are the other letters' codes.
    ActivationCode.objects.filter(company=row.company, used_at__isnull=True).update(used_at=now)
    Event.objects.create(
        company=row.company, user=user, actor=ActorKind.PRO, action="company_activated", details={"email": email}
    )
    return user


# --- Letters --------------------------------------------------------------------------


LETTER_KINDS = [LetterKind.FIRST, LetterKind.REMINDER, LetterKind.LAST]
LETTERS_AT_MOST = 3
LETTER_INTERVAL = timedelta(days=28)


def _letter(company: Company, kind: str) -> tuple[ActivationLetter, dict]:
    """An unsaved letter with a fresh code, and what its page shows."""
    row, code = activation_code_issue(company=company)
    waiting = Report.objects.filter(company=company, status=ReportStatus.TRAITEMENT_EN_COURS).count()
    letter = ActivationLetter(company=company, kind=kind, code=row, reports_waiting=waiting)
    page = {
        "company": company,
        "kind": kind,
        "code": format_code(code),
        "expires_at": row.expires_at,
        "reports_waiting": waiting,
    }
    return letter, page


@transaction.atomic
def activation_letter_create(*, company: Company, kind: str = LetterKind.FIRST) -> ActivationLetter:
    """A letter for the company with a fresh code, drawn as a PDF and kept."""
    letter, page = _letter(company, kind)
    letter.pdf.save("letter.pdf", ContentFile(letters_pdf([page])), save=False)
    letter.save()
    Event.objects.create(
        company=company,
        actor=ActorKind.SYSTEM,
        action="activation_letter",
        details={"kind": kind, "letter": letter.pk},
    )
    return letter


def companies_to_activate():
    """Companies with reports waiting and no users, due a letter: none sent
    yet, or the last posted more than 28 days × the letters posted ago; at
    most 3 letters. Those with the most reports waiting first."""
    now = timezone.now()
    waiting = Report.objects.filter(company=OuterRef("pk"), status=ReportStatus.TRAITEMENT_EN_COURS)
    reach = Q(company_id=OuterRef("pk"), user__is_active=True) | Q(
        company__siren=OuterRef("siren"), company__is_head_office=True, user__is_active=True
    )
    posted = ActivationLetter.objects.filter(company=OuterRef("pk"), posted_at__isnull=False)
    return (
        Company.objects.filter(Exists(waiting))
        .exclude(Exists(CompanyAccess.objects.filter(reach)))
        .annotate(
            waiting=Subquery(waiting.values("company").annotate(n=Count("pk")).values("n")[:1]),
            sent=Coalesce(Subquery(posted.values("company").annotate(n=Count("pk")).values("n")[:1]), 0),
            last_posted=Subquery(posted.order_by("-posted_at").values("posted_at")[:1]),
        )
        .filter(
            Q(sent=0)
            | Q(sent=1, last_posted__lt=now - LETTER_INTERVAL)
            | Q(sent=2, last_posted__lt=now - 2 * LETTER_INTERVAL)
        )
        .order_by("-waiting", "siret")
    )


@transaction.atomic
def letters_batch_prepare(*, companies, by) -> LetterBatch:
    """One PDF with a letter (and a fresh code) for each company: the first,
    the reminder or the last, after the letters already posted."""
    batch = LetterBatch(created_by=by)
    pages, letters = [], []
    for company in companies:
        sent = ActivationLetter.objects.filter(company=company, posted_at__isnull=False).count()
        if sent >= LETTERS_AT_MOST:
            continue
        letter, page = _letter(company, LETTER_KINDS[sent])
        letters.append(letter)
        pages.append(page)
    batch.pdf.save("courriers.pdf", ContentFile(letters_pdf(pages)), save=False)
    batch.save()
    for letter in letters:
        letter.batch = batch
        letter.save()
        Event.objects.create(
            company=letter.company,
            user=by,
            actor=ActorKind.AGENT,
            action="activation_letter",
            details={"kind": letter.kind, "letter": letter.pk},
        )
    return batch


@transaction.atomic
def letters_batch_posted(*, batch: LetterBatch, by) -> int:
    """The agent confirms the letters went to the post."""
    now = timezone.now()
    if not LetterBatch.objects.filter(pk=batch.pk, posted_at__isnull=True).update(posted_at=now):
        return 0  # confirmed already
    letters = list(batch.letters.select_related("company"))
    ActivationLetter.objects.filter(batch=batch).update(posted_at=now)
    for letter in letters:
        Event.objects.create(
            company=letter.company,
            user=by,
            actor=ActorKind.AGENT,
            action="activation_letter_posted",
            details={"kind": letter.kind},
        )
    return len(letters)


def letters_pdf(pages: list[dict]) -> bytes:
    from weasyprint import HTML  # Pango is loaded only when a PDF is drawn

    html = render_to_string(
        "companies/activation_letter.html",
        {
            "letters": pages,
            "site_url": settings.SITE_URL,
            "today": timezone.localdate(),
            "fonts_dir": FONTS_DIR.as_uri(),
        },
    )
    return HTML(string=html, base_url=str(FONTS_DIR)).write_pdf()
