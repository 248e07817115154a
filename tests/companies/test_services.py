import pytest
from django.core.exceptions import ValidationError

from companies.models import Website, WebsiteState
from companies.services import CompanyRefused, company_for_report, website_for_report

from .factories import CompanyFactory, WebsiteFactory, siret_for

pytestmark = pytest.mark.django_db


def test_an_open_company_may_be_reported():
    company = CompanyFactory()
    assert company_for_report(siret=f" {company.siret[:9]} {company.siret[9:]} ") == company


def test_an_unknown_siret_is_refused_with_what_to_do():
    with pytest.raises(CompanyRefused) as caught:
        company_for_report(siret="73282932000074")
    assert caught.value.code == "unknown"
    assert "Aucun établissement ne porte le numéro SIRET 73282932000074" in caught.value.message


def test_a_malformed_siret_is_refused():
    with pytest.raises(ValidationError, match="14 chiffres"):
        company_for_report(siret="123")


def test_a_public_administration_is_refused():
    town = CompanyFactory(legal_name="COMMUNE DE NANTES", public_administration=True)
    with pytest.raises(CompanyRefused) as caught:
        company_for_report(siret=town.siret)
    assert caught.value.code == "public_administration"
    assert "COMMUNE DE NANTES est une administration publique" in caught.value.message


def test_a_complementary_pension_fund_is_not_an_administration():
    fund = CompanyFactory(activity_code="84.30B")
    assert company_for_report(siret=fund.siret) == fund


def test_a_closed_establishment_is_refused_with_its_open_head_office_suggested():
    head = CompanyFactory(legal_name="AU BON PAIN", street="12 RUE DE LA ROQUETTE")
    branch = CompanyFactory(siren=head.siren, siret=siret_for(head.siren, 2), is_head_office=False, closed=True)
    with pytest.raises(CompanyRefused) as caught:
        company_for_report(siret=branch.siret)
    assert caught.value.code == "closed"
    assert caught.value.suggestion == head
    assert "12 RUE DE LA ROQUETTE" in caught.value.message


def test_a_closed_establishment_without_open_head_office_has_no_suggestion():
    closed = CompanyFactory(closed=True)
    with pytest.raises(CompanyRefused) as caught:
        company_for_report(siret=closed.siret)
    assert caught.value.suggestion is None


def test_an_unknown_website_is_recorded_for_the_agents():
    website = website_for_report(address="https://www.Boutique-Exemple.fr/produit/42")
    assert website.host == "boutique-exemple.fr"
    assert website.state == WebsiteState.NOT_IDENTIFIED
    assert website_for_report(address="boutique-exemple.fr") == website
    assert Website.objects.count() == 1


def test_a_known_website_gives_its_company():
    website = WebsiteFactory(identified=True, host="super-prix.fr")
    assert website_for_report(address="http://www.super-prix.fr").company == website.company


@pytest.mark.parametrize("address", ["https://www.impots.gouv.fr/portail", "ants.gouv.fr"])
def test_a_government_website_is_refused(address):
    with pytest.raises(ValidationError) as caught:
        website_for_report(address=address)
    assert caught.value.code == "government"
    assert "site de l’administration" in caught.value.messages[0]
    assert not Website.objects.exists()
