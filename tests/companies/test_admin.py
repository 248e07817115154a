import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from companies.models import Website, WebsiteState

from .factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_company_list_and_search_by_name_or_siret(client, admin_user):
    bakery = CompanyFactory(legal_name="BOULANGERIE DUPONT")
    CompanyFactory(legal_name="GARAGE MARTIN")
    client.force_login(admin_user)
    url = reverse("admin:companies_company_changelist")
    assertContains(client.get(url), "GARAGE MARTIN")
    response = client.get(url, {"q": "boulangerie"})
    assertContains(response, "BOULANGERIE DUPONT")
    assertNotContains(response, "GARAGE MARTIN")
    assertContains(client.get(url, {"q": bakery.siret}), "BOULANGERIE DUPONT")
    assert client.get(url, {"q": "x"}).status_code == 200


def test_company_page(client, admin_user):
    company = CompanyFactory()
    client.force_login(admin_user)
    response = client.get(reverse("admin:companies_company_change", args=[company.pk]))
    assertContains(response, company.siret)


def test_a_website_added_by_hand_is_normalised(client, admin_user):
    company = CompanyFactory()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:companies_website_add"),
        {"host": "https://WWW.Super-Prix.fr/", "state": WebsiteState.IDENTIFIED, "company": company.pk, "country": ""},
    )
    assert response.status_code == 302, response.content.decode()
    assert Website.objects.get().host == "super-prix.fr"


def test_an_identified_website_needs_a_company(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:companies_website_add"),
        {"host": "exemple.fr", "state": WebsiteState.IDENTIFIED, "company": "", "country": ""},
    )
    assert response.status_code == 200
    assert not Website.objects.exists()


def test_pros_have_no_access(client, pro_user):
    client.force_login(pro_user)
    assert client.get(reverse("admin:companies_company_changelist")).status_code == 302
