"""Invitations: how a professional joins a company's space (and, later, how
an agent joins the administration's)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES, Invitation, Role, User
from companies.activation import TRIES_PER_CODE, ActivationRefused
from companies.models import AccessLevel, ActivationCode, CompanyAccess
from companies.selectors import company_has_users
from notifications.services import email_queue
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.refusals import Refused

INVITATION_VALIDITY = timedelta(days=60)


class AccessRefused(Refused):
    """An access or an invitation refused."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def company_access_give(*, company, email: str, level: str, by: User) -> Invitation:
    """Invites a colleague to the company's space, by an invitation valid 60
    days that they accept (signing in if they have an account). Whoever the
    address belongs to, the answer is the same: the form tells nothing of
    other accounts, and nobody gets an access they did not accept."""
    email = User.objects.normalize_email(email)
    if CompanyAccess.objects.filter(company=company, user__email=email).exists():
        raise AccessRefused(_("Cette personne a déjà accès à cette entreprise."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=Role.PRO,
        company=company,
        level=level,
        token_hash=_token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    record_event(
        EventKind.ACCESS_INVITED,
        actor=ActorKind.PRO,
        company=company,
        user=by,
        details={"email": email, "level": level},
    )
    email_queue(
        "pro_invitation",
        to=email,
        data={
            "company": company.pk,
            "invited_by": by.get_full_name() or by.email,
            "url": settings.SITE_URL + reverse("accounts:invitation", args=[token]),
        },
        company=company,
    )
    return invitation


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation of this link, if it can still be accepted."""
    return (
        Invitation.objects.select_related("company")
        .filter(token_hash=_token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> User:
    """Uses the invitation: for its signed-in addressee, or a new account."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if user is not None and invitation.company_id and not user.is_pro:
        raise AccessRefused(
            _(
                "Cette invitation est pour l’espace d’une entreprise : un compte de l’administration ne peut pas l’accepter."
            )
        )
    if invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise AccessRefused(_("Cette invitation a déjà servi ou n’est plus valable."))
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise AccessRefused(_("Un compte existe déjà pour cette adresse : connectez-vous."))
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name, role=invitation.role
        )
    elif user.email != invitation.email:
        raise AccessRefused(_("Cette invitation est adressée à une autre adresse électronique."))
    if invitation.company_id:
        CompanyAccess.objects.get_or_create(
            company_id=invitation.company_id, user=user, defaults={"level": invitation.level}
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_event(
        EventKind.INVITATION_ACCEPTED,
        actor=ActorKind.PRO if user.is_pro else ActorKind.AGENT,
        company_id=invitation.company_id,
        user=user,
        details={"email": user.email},
    )
    return user


@transaction.atomic
def company_access_change(*, access: CompanyAccess, level: str | None, by: User) -> None:
    """Changes a colleague's level, or (level None) revokes their access. A
    company never loses its last administrator."""
    access = CompanyAccess.objects.select_for_update().get(pk=access.pk)
    admins = CompanyAccess.objects.filter(company_id=access.company_id, level=AccessLevel.ADMIN)
    if access.level == AccessLevel.ADMIN and level != AccessLevel.ADMIN and admins.count() <= 1:
        raise AccessRefused(_("L’entreprise doit garder au moins un administrateur : nommez-en un autre d’abord."))
    if level is None:
        access.delete()
        kind = EventKind.ACCESS_REVOKED
    else:
        access.level = level
        access.save(update_fields=["level"])
        kind = EventKind.ACCESS_CHANGED
    record_event(
        kind,
        actor=ActorKind.PRO,
        company_id=access.company_id,
        user=by,
        details={"email": access.user.email, "level": level},
    )


@transaction.atomic
def agent_invite(*, email: str, role: str, by: User) -> Invitation:
    """An administrator invites a member of the administration: their address
    must be at one of ADMINISTRATION_EMAIL_DOMAINS."""
    if by.role != Role.ADMIN:
        raise AccessRefused(_("Seul un administrateur invite des agents."))
    if role not in (Role.AGENT, Role.FOOD_SAFETY_AGENT, Role.ADMIN, Role.READONLY_ADMIN):
        raise AccessRefused(_("Choisissez un rôle de l’administration."))
    email = User.objects.normalize_email(email)
    domain = email.rpartition("@")[2]
    if domain not in settings.ADMINISTRATION_EMAIL_DOMAINS:
        raise AccessRefused(
            _("Seules les adresses de l’administration sont acceptées (%(domains)s).")
            % {"domains": ", ".join(settings.ADMINISTRATION_EMAIL_DOMAINS)}
        )
    if User.objects.filter(email=email).exists():
        raise AccessRefused(_("Un compte existe déjà pour cette adresse."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    email_queue(
        "agent_invitation",
        to=email,
        data={
            "invited_by": by.get_full_name() or by.email,
            "url": settings.SITE_URL + reverse("accounts:invitation", args=[token]),
        },
    )
    record_event(EventKind.AGENT_INVITED, actor=ActorKind.AGENT, user=by, details={"email": email, "role": role})
    return invitation


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
    record_event(
        EventKind.COMPANY_ACTIVATED, actor=ActorKind.PRO, company=row.company, user=user, details={"email": email}
    )
    return user


# --- The user's own account -------------------------------------------------------------

EMAIL_CHANGE_SALT = "accounts.email-change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600


def account_departments_set(*, user: User, departments: list[str]) -> None:
    """The departments whose reports an agent's home page shows first."""
    if not user.is_administration_staff:
        raise AccessRefused(_("Seuls les agents de l’administration choisissent des départements."))
    User.objects.filter(pk=user.pk).update(departments=departments)
    user.departments = departments


@transaction.atomic
def account_email_change_request(*, user: User, email: str, language: str) -> None:
    """Sends a link to the new address; the address changes when it is opened."""
    token = signing.dumps({"user": user.pk, "email": email, "old": user.email}, salt=EMAIL_CHANGE_SALT)
    email_queue("email_change", to=email, data={"token": token}, language=language, user=user)


def account_email_change_address(*, user: User, token: str) -> str | None:
    """The new address a link of account_email_change_request carries, if it
    is this user's, younger than a day and not used yet."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("user") != user.pk or data.get("old") != user.email:
        return None
    return data.get("email")


def account_email_change(*, user: User, token: str) -> str:
    """Changes the address to the one of the link; returns it."""
    email = account_email_change_address(user=user, token=token)
    if email is None:
        raise AccessRefused(_("Ce lien n’est plus valable : demandez de nouveau le changement."))
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(email=User.objects.normalize_email(email))
    except IntegrityError:
        raise AccessRefused(_("Cette adresse est déjà celle d’un autre compte.")) from None
    return email


def company_alerts_set(*, user: User, access_ids: set[int]) -> None:
    """The companies whose new reports this professional is emailed about
    (among those they have access to)."""
    accesses = CompanyAccess.objects.filter(user=user)
    accesses.filter(pk__in=access_ids).update(new_report_emails=True)
    accesses.exclude(pk__in=access_ids).update(new_report_emails=False)


# --- Password reset ---------------------------------------------------------------------


def password_reset_send(*, email: str, language: str) -> bool:
    """Queues the reset link to the active account of this address, if there
    is one with a password. Returns whether one was queued."""
    user = User.objects.filter(email=User.objects.normalize_email(email), is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    with transaction.atomic():
        email_queue(
            "password_reset",
            to=user.email,
            data={
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
            language=language,
            user=user,
        )
    return True


@transaction.atomic
def second_factor_setup_link_send(*, user: User, url: str) -> None:
    """The link that lets a staff member set up their authenticator."""
    email_queue("staff_second_factor_setup", to=user.email, data={"url": url}, user=user)


# --- Staff accounts left unused ---------------------------------------------------------

# Days without a login after which the staff member is warned, then the account closed.
STAFF_REMINDERS = (270, 335)


def inactive_staff_deactivate() -> tuple[int, int]:
    """Warns the staff who have not logged in for 9 and 11 months, and
    deactivates those past STAFF_INACTIVE_DAYS. Returns (warned, deactivated).
    Run twice, it does nothing more: each warning has a dedupe key."""
    now = timezone.now()
    staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True)
    warned = deactivated = 0
    for user in staff.iterator():
        since = user.last_login or user.date_joined
        idle = (now - since).days
        if idle >= settings.STAFF_INACTIVE_DAYS:
            with transaction.atomic():
                if User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
                    record_event(EventKind.STAFF_DEACTIVATED, actor=ActorKind.SYSTEM, user=user,
                                 details={"email": user.email, "idle_days": idle})  # fmt: skip
                    deactivated += 1
            continue
        for threshold in STAFF_REMINDERS:
            if idle >= threshold:
                closes_on = timezone.localdate(since + timedelta(days=settings.STAFF_INACTIVE_DAYS))
                with transaction.atomic():
                    queued = email_queue(
                        "staff_inactive_reminder",
                        to=user.email,
                        data={"closes_on": closes_on.isoformat()},
                        user=user,
                        dedupe_key=f"staff-inactive:{user.pk}:{since:%Y%m%d}:{threshold}",
                    )
                warned += queued is not None
    return warned, deactivated
