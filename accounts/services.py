"""Invitations: how a professional joins a company's space (and, later, how
an agent joins the administration's)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import CompanyAccess
from notifications.services import email_queue
from reports.models import ActorKind, Event

from .models import Invitation, Role, User

INVITATION_VALIDITY = timedelta(days=60)


class AccessRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def company_access_give(*, company, email: str, level: str, by: User) -> Invitation | None:
    """Gives a colleague access to the company: at once if they have an
    account (they are told by email), else by an invitation valid 60 days."""
    email = User.objects.normalize_email(email)
    user = User.objects.filter(email=email).first()
    if user is not None:
        if user.role != Role.PRO:
            raise AccessRefused(_("Cette adresse est celle d’un compte de l’administration."))
        if CompanyAccess.objects.filter(company=company, user=user).exists():
            raise AccessRefused(_("Cette personne a déjà accès à cette entreprise."))
        CompanyAccess.objects.create(company=company, user=user, level=level)
        Event.objects.create(
            company=company,
            user=by,
            actor=ActorKind.PRO,
            action="access_given",
            details={"email": email, "level": level},
        )
        email_queue(
            "pro_new_access", to=email, data={"company": company.pk, "user": user.pk}, company=company, user=user
        )
        return None
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
    Event.objects.create(
        company=company,
        user=by,
        actor=ActorKind.PRO,
        action="access_invited",
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
    Event.objects.create(
        company_id=invitation.company_id,
        user=user,
        actor=ActorKind.PRO if user.is_pro else ActorKind.AGENT,
        action="invitation_accepted",
        details={"email": user.email},
    )
    return user


@transaction.atomic
def company_access_change(*, access: CompanyAccess, level: str | None, by: User) -> None:
    """Changes a colleague's level, or (level None) revokes their access. A
    company never loses its last administrator."""
    access = CompanyAccess.objects.select_for_update().get(pk=access.pk)
    admins = CompanyAccess.objects.filter(company_id=access.company_id, level="admin")
    if access.level == "admin" and level != "admin" and admins.count() <= 1:
        raise AccessRefused(_("L’entreprise doit garder au moins un administrateur : nommez-en un autre d’abord."))
    if level is None:
        access.delete()
        action = "access_revoked"
    else:
        access.level = level
        access.save(update_fields=["level"])
        action = "access_changed"
    Event.objects.create(
        company_id=access.company_id,
        user=by,
        actor=ActorKind.PRO,
        action=action,
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
    Event.objects.create(
        user=by, actor=ActorKind.AGENT, action="agent_invited", details={"email": email, "role": role}
    )
    return invitation
