import pytest
from django.urls import reverse

from .factories import CompanyFactory

pytestmark = pytest.mark.django_db

URL = "/api/entreprises/recherche"


def test_url():
    assert reverse("companies:search") == URL


def test_results_carry_what_the_wizard_shows(client):
    company = CompanyFactory(
        legal_name="HYPERMARCHES DU SUD",
        brand="SUPER PRIX",
        street="200 AVENUE DU PRADO",
        postal_code="13008",
        city="MARSEILLE",
        department="13",
    )
    response = client.get(URL, {"q": "super prix"})
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "siret": company.siret,
                "siren": company.siren,
                "name": "HYPERMARCHES DU SUD",
                "legal_name": "HYPERMARCHES DU SUD",
                "brand": "SUPER PRIX",
                "address": ["200 AVENUE DU PRADO", "13008 MARSEILLE"],
                "postal_code": "13008",
                "city": "MARSEILLE",
                "department": "13",
                "activity_code": "47.11F",
                "is_head_office": True,
                "is_open": True,
                "is_public_administration": False,
            }
        ]
    }


def test_narrowing_parameters(client):
    CompanyFactory(legal_name="TABAC DU PORT", postal_code="29200", department="29")
    CompanyFactory(legal_name="TABAC DU PORT", postal_code="13002", department="13")
    assert len(client.get(URL, {"q": "tabac du port"}).json()["results"]) == 2
    assert len(client.get(URL, {"q": "tabac du port", "code_postal": "29200"}).json()["results"]) == 1
    assert len(client.get(URL, {"q": "tabac du port", "departement": "13"}).json()["results"]) == 1


def test_a_short_query_is_a_400_with_a_french_message(client):
    response = client.get(URL, {"q": "a"})
    assert response.status_code == 400
    assert "au moins 2 caractères" in response.json()["error"]


def test_a_bad_number_is_a_400(client):
    response = client.get(URL, {"q": "123 456"})
    assert response.status_code == 400
    assert "14 chiffres" in response.json()["error"]


def test_only_reads(client):
    assert client.post(URL, {"q": "tabac"}).status_code == 405


def test_rate_limited_per_client_address(client, settings):
    settings.COMPANY_SEARCH_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(URL, {"q": "tabac"}, REMOTE_ADDR="192.0.2.1").status_code == 200
    response = client.get(URL, {"q": "tabac"}, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 429
    assert "Patientez une minute" in response.json()["error"]
    assert response["Retry-After"] == "60"
    # Another client is not affected.
    assert client.get(URL, {"q": "tabac"}, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_behind_a_proxy_the_forwarded_address_counts(client, settings):
    settings.COMPANY_SEARCH_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.get(URL, {"q": "tabac"}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 200
    assert client.get(URL, {"q": "tabac"}, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 200
    # A client cannot escape by adding addresses to the left of the header.
    spoofed = "1.2.3.4, 198.51.100.7"
    assert client.get(URL, {"q": "tabac"}, HTTP_X_FORWARDED_FOR=spoofed, **proxy).status_code == 429
