import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from companies.selectors import search_companies

from ..conftest import skip_or_fail
from .factories import CompanyFactory, siret_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("typo-tolerant search needs PostgreSQL (set DATABASE_URL)")


def names(results):
    return [c.name for c in results]


def test_finds_by_name_in_any_case():
    CompanyFactory(legal_name="BOULANGERIE DUPONT")
    CompanyFactory(legal_name="GARAGE MARTIN")
    assert names(search_companies(query="boulangerie dupont")) == ["BOULANGERIE DUPONT"]


def test_finds_by_brand():
    CompanyFactory(legal_name="HYPERMARCHES DU SUD", brand="SUPER PRIX")
    assert names(search_companies(query="super prix")) == ["HYPERMARCHES DU SUD"]


def test_finds_by_siret_or_siren_typed_with_spaces():
    company = CompanyFactory()
    branch = CompanyFactory(
        siren=company.siren, siret=siret_for(company.siren, 2), is_head_office=False
    )
    spaced = " ".join(
        [company.siret[:3], company.siret[3:6], company.siret[6:9], company.siret[9:]]
    )
    assert search_companies(query=spaced) == [company]
    assert search_companies(query=company.siren) == [company, branch]


def test_a_wrong_siret_says_why():
    with pytest.raises(ValidationError, match="mal recopié"):
        search_companies(query="732 829 320 00075")


def test_open_establishments_come_first_and_head_offices_before_branches():
    closed = CompanyFactory(legal_name="CAFE DES ARTS", closed=True)
    branch = CompanyFactory(legal_name="CAFE DES ARTS", is_head_office=False)
    head = CompanyFactory(legal_name="CAFE DES ARTS", is_head_office=True)
    assert search_companies(query="cafe des arts") == [head, branch, closed]


def test_narrowed_by_postal_code_or_department():
    paris = CompanyFactory(legal_name="PHARMACIE CENTRALE", postal_code="75011", department="75")
    lyon = CompanyFactory(legal_name="PHARMACIE CENTRALE", postal_code="69003", department="69")
    assert search_companies(query="pharmacie centrale", postal_code="69003") == [lyon]
    assert search_companies(query="pharmacie centrale", department="75") == [paris]


@pytest.mark.parametrize("query", ["", " ", "a", " b "])
def test_a_query_of_one_character_is_refused(query):
    with pytest.raises(ValidationError, match="au moins 2 caractères"):
        search_companies(query=query)


def test_a_malformed_postal_code_is_refused():
    with pytest.raises(ValidationError, match="5 chiffres"):
        search_companies(query="pharmacie", postal_code="750")


def test_results_are_limited():
    CompanyFactory.create_batch(5, legal_name="TABAC PRESSE")
    assert len(search_companies(query="tabac presse", limit=3)) == 3


def test_finds_a_misspelled_name(postgresql):
    CompanyFactory(legal_name="CARREFOUR HYPERMARCHES")
    CompanyFactory(legal_name="BOULANGERIE DUPONT")
    assert names(search_companies(query="carefour")) == ["CARREFOUR HYPERMARCHES"]
    assert names(search_companies(query="boulangrie dupond")) == ["BOULANGERIE DUPONT"]


def test_accents_do_not_matter(postgresql):
    CompanyFactory(legal_name="ÉNERGIE VERTE FRANÇAISE")
    CompanyFactory(legal_name="CAFE DE LA GARE")
    assert names(search_companies(query="energie verte francaise")) == ["ÉNERGIE VERTE FRANÇAISE"]
    assert names(search_companies(query="café de la gare")) == ["CAFE DE LA GARE"]


def test_the_closest_name_comes_first(postgresql):
    CompanyFactory(legal_name="AUTO ECOLE DU CENTRE")
    CompanyFactory(legal_name="GARAGE DU CENTRE")
    assert names(search_companies(query="garage du centre"))[0] == "GARAGE DU CENTRE"


def test_only_the_first_candidates_of_a_very_common_name_are_ranked(postgresql, monkeypatch):
    monkeypatch.setattr("companies.selectors.CANDIDATES", 3)
    CompanyFactory.create_batch(5, legal_name="TABAC PRESSE")
    assert len(search_companies(query="tabac presse")) == 3
