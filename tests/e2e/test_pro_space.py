"""A company goes from its letter's code to an answered report in a real
browser, every page checked by axe-core."""

import re

import pytest
from django.core import mail

from companies.activation import activation_code_issue, format_code
from reports.models import ReportStatus, Response

from ..reports.factories import ReportFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_from_the_letter_code_to_an_answered_report(live_server, page, assert_accessible, market):
    report = ReportFactory(company=market, description="Le prix en rayon était faux.")
    _row, code = activation_code_issue(company=market)

    page.goto(live_server.url + "/pro/activer/")
    assert_accessible(page)
    page.get_by_label("Numéro SIRET de l’établissement").fill(market.siret)
    page.get_by_label("Code d’activation").fill("WRONGCOD")
    page.get_by_label("Votre adresse électronique").fill("gerant@example.fr")
    page.get_by_role("button", name="Continuer").click()
    assert "ne correspond pas à ce SIRET" in page.locator("#id_code-error").inner_text()
    assert_accessible(page)
    page.get_by_label("Code d’activation").fill(format_code(code))
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/pro/activer/envoye/")
    assert_accessible(page)

    link = re.search(r"https?://[^/\s]+(/pro/activer/[^\s]+/)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    assert_accessible(page)
    page.get_by_label("Prénom").fill("Gérard")
    page.get_by_label("Nom", exact=True).fill("Lenoir")
    page.locator("#id_password1").fill("un mot de passe solide")
    page.get_by_label("Le même mot de passe, de nouveau").fill("un mot de passe solide")
    page.get_by_role("button", name="Créer mon accès").click()
    page.wait_for_url("**/pro/")
    assert_accessible(page)

    page.get_by_role("link", name=report.reference).click()
    page.wait_for_url(f"**/pro/signalements/{report.reference}/")
    assert "Le prix en rayon était faux." in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("label", has_text="Pris en compte").click()
    page.get_by_label("Le motif").select_option(label="Remboursement ou avoir")
    page.get_by_label("Votre message au consommateur").fill("Nous vous remboursons 2 €.")
    page.get_by_role("button", name="Prévisualiser ma réponse").click()
    page.wait_for_url("**/apercu/")
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.get_by_text("Votre réponse est envoyée au consommateur.").wait_for()
    assert_accessible(page)
    report.refresh_from_db()
    assert report.status == ReportStatus.PROMISED
    assert Response.objects.get().message == "Nous vous remboursons 2 €."
