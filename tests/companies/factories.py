import factory

from companies.identifiers import luhn_is_valid
from companies.models import Company, Website, WebsiteState


def _with_luhn_digit(partial: str) -> str:
    return next(partial + d for d in "0123456789" if luhn_is_valid(partial + d))


def siren_for(n: int) -> str:
    return _with_luhn_digit(f"{52_000_000 + n:08d}")


def fixed_siren(n: int) -> str:
    """A SIREN the factory's sequence never draws, however many companies a
    session has made before."""
    return _with_luhn_digit(f"{73_000_000 + n:08d}")


def siret_for(siren: str, n: int) -> str:
    return _with_luhn_digit(f"{siren}{n:04d}")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    siren = factory.Sequence(siren_for)
    siret = factory.LazyAttributeSequence(lambda o, n: siret_for(o.siren, 1))
    legal_name = factory.Sequence(lambda n: f"ENTREPRISE EXEMPLE {n}")
    brand = ""
    street = "12 RUE DE LA PAIX"
    postal_code = "75002"
    city = "PARIS"
    department = "75"
    activity_code = "47.11F"
    is_head_office = True
    is_open = True

    class Params:
        closed = factory.Trait(is_open=False)
        public_administration = factory.Trait(activity_code="84.11Z")


class WebsiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Website

    host = factory.Sequence(lambda n: f"boutique{n}.example.fr")
    state = WebsiteState.NOT_IDENTIFIED

    class Params:
        identified = factory.Trait(state=WebsiteState.IDENTIFIED, company=factory.SubFactory(CompanyFactory))
