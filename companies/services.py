"""Deciding which company a report is about, with the refusals the rules call
for, and recording the websites consumers name."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from companies.identifiers import clean_siret, is_government_host, normalize_host
from companies.models import Company, Website


class CompanyRefused(ValidationError):
    """The company exists but cannot be the subject of a report, or not as given.

    `suggestion`, when set, is another establishment the consumer may choose.
    """

    def __init__(self, message, code, suggestion: Company | None = None):
        super().__init__(message, code=code)
        self.suggestion = suggestion


def company_for_report(*, siret: str) -> Company:
    """The establishment with this SIRET, if a report may be about it.

    Raises ValidationError for a malformed number and CompanyRefused for an
    unknown number, a public administration or a closed establishment.
    """
    siret = clean_siret(siret)
    company = Company.objects.filter(siret=siret).first()
    if company is None:
        raise CompanyRefused(
            _(
                "Aucun établissement ne porte le numéro SIRET %(siret)s dans le répertoire "
                "national des entreprises. Vérifiez le numéro, ou cherchez l’entreprise "
                "par son nom."
            )
            % {"siret": siret},
            code="unknown",
        )
    if company.is_public_administration:
        raise CompanyRefused(
            _(
                "%(name)s est une administration publique : SignalConso ne traite pas les "
                "signalements qui la concernent. Pour un litige avec un service public, "
                "adressez-vous au médiateur de ce service ou au Défenseur des droits."
            )
            % {"name": company.name},
            code="public_administration",
        )
    if not company.is_open:
        head_office = company.head_office()
        suggestion = head_office if head_office and head_office.is_open else None
        message = _("Cet établissement de %(name)s est fermé.") % {"name": company.name}
        if suggestion:
            message += " " + _("Vous pouvez signaler son siège social, toujours ouvert : %(address)s.") % {
                "address": ", ".join(suggestion.address_lines)
            }
        raise CompanyRefused(message, code="closed", suggestion=suggestion)
    return company


def website_for_report(*, address: str) -> Website:
    """The website a consumer names, recorded if it is new so that agents can
    identify it. Government websites are refused."""
    host = normalize_host(address)
    if is_government_host(host):
        raise ValidationError(
            _(
                "%(host)s est un site de l’administration : SignalConso ne traite pas les "
                "signalements qui le concernent. Pour une difficulté avec une démarche en ligne, "
                "contactez le service concerné ou le Défenseur des droits."
            )
            % {"host": host},
            code="government",
        )
    website = Website.objects.filter(host=host).first()
    if website is None:
        try:
            with transaction.atomic():
                website = Website.objects.create(host=host)
        except IntegrityError:  # created by a concurrent request
            website = Website.objects.get(host=host)
    return website
