import pytest
from django.core.exceptions import ValidationError

from companies.models import Company, NameWord
from companies.selectors import search_companies

from .factories import CompanyFactory, siret_for

pytestmark = pytest.mark.django_db


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
    branch = CompanyFactory(siren=company.siren, siret=siret_for(company.siren, 2), is_head_office=False)
    spaced = " ".join([company.siret[:3], company.siret[3:6], company.siret[6:9], company.siret[9:]])
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


def test_the_last_word_is_completed_as_it_is_typed(postgresql):
    CompanyFactory(legal_name="BOULANGERIE DUPONT")
    CompanyFactory(legal_name="BOUCHERIE MARTIN")
    assert names(search_companies(query="dupont boulan")) == ["BOULANGERIE DUPONT"]
    assert names(search_companies(query="mart")) == ["BOUCHERIE MARTIN"]


def test_a_word_the_name_lacks_does_not_hide_it(postgresql):
    CompanyFactory(legal_name="BOULANGERIE DUPONT")
    CompanyFactory(legal_name="SARL MOREAU")
    assert names(search_companies(query="boulangerie dupont sarl")) == ["BOULANGERIE DUPONT"]


def test_the_word_typed_is_not_crowded_out_by_close_words(postgresql, monkeypatch):
    # Ten names hold a close word, one the word typed; only five are ranked.
    monkeypatch.setattr("companies.selectors.CANDIDATES", 5)
    CompanyFactory.create_batch(10, legal_name="PHARMACIE DUPOND")
    CompanyFactory(legal_name="PHARMACIE DUPONT")
    assert names(search_companies(query="pharmacie dupont"))[0] == "PHARMACIE DUPONT"
    assert "PHARMACIE DUPOND" in names(search_companies(query="pharmacie dupont"))


def test_ligatures_and_punctuation_are_read_as_in_names(postgresql):
    CompanyFactory(legal_name="SŒUR & CŒUR")
    CompanyFactory(legal_name="L'ÉPI D'OR")
    assert names(search_companies(query="soeur coeur")) == ["SŒUR & CŒUR"]
    assert names(search_companies(query="sœur-cœur")) == ["SŒUR & CŒUR"]
    assert names(search_companies(query="l epi d'or")) == ["L'ÉPI D'OR"]


def test_a_query_without_letters_or_digits_finds_nothing(postgresql):
    CompanyFactory(legal_name="BOULANGERIE DUPONT")
    assert search_companies(query="--- !!") == []


def test_the_words_of_names_are_collected_as_they_are_written(postgresql):
    company = CompanyFactory(legal_name="Boulangerie L'Épi", brand="")
    assert {"boulangerie", "l", "epi"} <= set(NameWord.objects.values_list("word", flat=True))
    company.brand = "Pains & Cœurs"
    company.save()
    Company.objects.filter(pk=company.pk).update(legal_name="FOURNIL DU PORT")
    assert {"pains", "coeurs", "fournil", "du", "port"} <= set(NameWord.objects.values_list("word", flat=True))
    # A new word is found misspelled: its close words come from this table.
    assert names(search_companies(query="fournill")) == ["FOURNIL DU PORT"]


def test_a_name_typed_exactly_comes_before_open_look_alikes(postgresql):
    CompanyFactory(legal_name="VRAGAVA", is_open=False)
    CompanyFactory.create_batch(3, legal_name="VRAGAVE")
    assert names(search_companies(query="vragava", limit=2)) == ["VRAGAVA", "VRAGAVE"]


def test_the_word_being_typed_is_kept_in_a_long_query(postgresql):
    CompanyFactory(legal_name="SOCIETE NOUVELLE DES BOULANGERIES ARTISANALES DU VIEUX PORT MARTIN")
    CompanyFactory(legal_name="SOCIETE NOUVELLE DES BOULANGERIES ARTISANALES DU VIEUX PORT DUPONT")
    query = "societe nouvelle des boulangeries artisanales du vieux port dupo"
    # Eight words: the shortest ones go ("du", "des"), the one being typed stays.
    assert names(search_companies(query=query))[0] == (
        "SOCIETE NOUVELLE DES BOULANGERIES ARTISANALES DU VIEUX PORT DUPONT"
    )


def test_letters_are_folded_as_in_names(postgresql):
    CompanyFactory(legal_name="ØRSTED FRANCE")
    assert names(search_companies(query="Ørsted")) == ["ØRSTED FRANCE"]
    assert names(search_companies(query="orsted france")) == ["ØRSTED FRANCE"]


def test_a_query_too_long_is_refused_with_a_message():
    with pytest.raises(ValidationError, match="200 caractères au plus"):
        search_companies(query="a" * 2100)
