"""The emails about a company's register entry: its activation code."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from notifications.emails import Email, EmailGone, register, site_link


def load_company(data: dict) -> Company:
    company = Company.objects.filter(pk=data.get("company")).first()
    if company is None:
        raise EmailGone(f"company {data.get('company')}")
    return company


def sample_company() -> Company:
    return Company(
        pk=0,
        siret="73282932000074",
        siren="732829320",
        legal_name="HYPERMARCHES DU SUD",
        brand="SUPER PRIX",
        street="12 AVENUE DU PRADO",
        postal_code="13008",
        city="MARSEILLE",
        department="13",
        is_head_office=True,
        is_open=True,
    )


@register
class ActivationCodeEmail(Email):
    kind = "pro_activation_code"
    template = "pro_activation_code"
    subject = _("Votre code d’activation SignalConso pour %(company)s")
    audience = "pro"
    description = _("Le code d’activation, quand l’adresse de l’entreprise est connue.")
    secrets = ("code",)

    def context(self, data):
        return {
            "company": load_company(data),
            "code": data["code"],
            "expires_at": datetime.fromisoformat(data["expires_at"]),
            "activation_url": site_link("pro:activate"),
        }

    def sample(self):
        return {
            "company": sample_company(),
            "code": "K7PM-3QXT",
            "expires_at": timezone.now() + timedelta(days=90),
            "activation_url": site_link("pro:activate"),
        }
