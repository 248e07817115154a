"""The emails about accounts: invitations, access given, the link that
creates a company's first account, password reset, change of address."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from companies.emails import load_company, sample_company
from notifications.emails import DataEmail, Email, EmailGone, register, site_link


def load_user(data: dict) -> User:
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        raise EmailGone(f"user {data.get('user')}")
    return user


def sample_user(**fields) -> User:
    return User(
        pk=0,
        email=fields.pop("email", "claire.dupont@example.fr"),
        first_name="Claire",
        last_name="Dupont",
        **fields,
    )


@register
class ProInvitation(Email):
    kind = "pro_invitation"
    template = "pro_invitation"
    subject = _("Vous êtes invité à l’espace de %(company)s sur SignalConso")
    audience = "pro"
    description = _("Invitation d’un collègue à rejoindre l’espace d’une entreprise.")
    secrets = ("url",)

    def context(self, data):
        return {"company": load_company(data), "invited_by": data.get("invited_by", ""), "url": data["url"]}

    def sample(self):
        return {
            "company": sample_company(),
            "invited_by": "Claire Dupont",
            "url": settings.SITE_URL + "/compte/invitation/exemple/",
        }


@register
class ActivationLink(Email):
    kind = "pro_activation_link"
    template = "pro_activation_link"
    subject = _("Créez votre accès SignalConso pour %(company)s")
    audience = "pro"
    description = _("Après le SIRET et le code : le lien pour choisir son mot de passe (24 h).")
    secrets = ("token",)

    def context(self, data):
        return {"company": load_company(data), "url": site_link("pro:activate_finish", data["token"])}

    def sample(self):
        return {"company": sample_company(), "url": site_link("pro:activate_finish", "exemple")}


@register
class EmailChange(Email):
    kind = "email_change"
    template = "email_change"
    subject = _("Confirmez votre nouvelle adresse SignalConso")
    audience = "all"
    description = _("Le lien qui confirme la nouvelle adresse d’un compte (24 h).")
    secrets = ("token",)

    def context(self, data):
        return {"url": site_link("accounts:email_confirm", data["token"])}

    def sample(self):
        return {"url": site_link("accounts:email_confirm", "exemple")}


@register
class AgentInvitation(DataEmail):
    kind = "agent_invitation"
    template = "agent_invitation"
    subject = _("Votre accès agent à SignalConso")
    audience = "agent"
    description = _("Invitation d’un agent de l’administration par un administrateur.")
    secrets = ("url",)
    fields = ("url", "invited_by")

    def sample(self):
        return {
            "url": settings.SITE_URL + "/compte/invitation/exemple/",
            "invited_by": "L’administration de SignalConso",
        }


@register
class PasswordReset(DataEmail):
    kind = "password_reset"
    template = "password_reset"
    subject = _("SignalConso : choisissez un nouveau mot de passe")
    audience = "all"
    description = _("Le lien pour choisir un nouveau mot de passe, valable une heure.")
    secrets = ("uid", "token")
    fields = ("uid", "token")
    sample_data = {"uid": "MQ", "token": "exemple-de-jeton"}


@register
class SecondFactorSetupLink(DataEmail):
    kind = "staff_second_factor_setup"
    template = "staff_second_factor_setup"
    subject = _("SignalConso : activez votre application d’authentification")
    audience = "agent"
    description = _("Avant d’activer son application d’authentification, l’agent ouvre ce lien (30 minutes).")
    secrets = ("url",)
    fields = ("url",)
    sample_data = {"url": "https://signal.conso.gouv.fr/compte/connexion/application/exemple/"}


@register
class InactiveStaffReminder(Email):
    kind = "staff_inactive_reminder"
    template = "staff_inactive_reminder"
    subject = _("Votre accès à SignalConso sera fermé faute d’usage")
    audience = "agent"
    description = _("Après 9 et 11 mois sans connexion, l’agent est prévenu que son accès fermera à 12 mois.")

    def context(self, data):
        return {"closes_on": date.fromisoformat(data["closes_on"]), "login_url": site_link("accounts:login")}

    def sample(self):
        return {"closes_on": timezone.localdate() + timedelta(days=30), "login_url": site_link("accounts:login")}
