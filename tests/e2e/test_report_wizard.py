"""A consumer files a report in a real browser, and every step passes
axe-core, error states included (without JavaScript and by the keyboard
only: test_consumer_journeys.py)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from reports.models import Report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()
DESCRIPTION = "Le prix affiché était 3 €, j’ai payé 5 €."


def choose_problem(page, base, assert_accessible):
    page.goto(base + "/")
    page.get_by_role("link", name="Signaler un problème").click()
    assert_accessible(page)
    page.get_by_role("link", name="Un achat en magasin").click()
    page.get_by_role("link", name="Le prix n’est pas affiché ou il est différent en caisse").click()
    assert_accessible(page)
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/signaler/entreprise/")
    assert_accessible(page)


def code_from_the_outbox():
    """The code of the last email, sent in this process (tasks run eagerly)."""
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)


def fill_the_rest(page, assert_accessible, *, read_code=code_from_the_outbox, details=None, description=DESCRIPTION):
    """From the details step to the acknowledgement, each step first sent
    wrong (errors at their fields), then right. `details` fills more of the
    details step (files…) before it is sent."""
    page.wait_for_url("**/signaler/details/")
    if details:
        details(page)
    # An empty form first: errors at their fields.
    page.get_by_role("button", name="Continuer").click()
    # page.title() needs JavaScript; reading the element does not.
    assert page.locator("head > title").text_content().startswith("Erreur")
    assert page.get_by_label("Date du problème").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    page.get_by_label("Date du problème").fill(YESTERDAY)
    page.get_by_label("Décrivez le problème").fill(description)
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url("**/signaler/coordonnees/")
    assert_accessible(page)
    page.get_by_role("button", name="Continuer").click()
    assert page.locator("head > title").text_content().startswith("Erreur")
    assert page.get_by_label("Prénom", exact=True).get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    page.get_by_label("Prénom", exact=True).fill("Paule")
    page.get_by_label("Nom", exact=True).fill("Durand")
    page.get_by_role("textbox", name="Adresse électronique").fill("paule@example.fr")
    page.locator("label", has_text="Non : elle lira le signalement").click()
    page.get_by_role("button", name="Continuer").click()

    # A new address: the code sent by email must be typed in.
    page.wait_for_url("**/signaler/verification/")
    assert_accessible(page)
    code = read_code()
    page.get_by_label("Code reçu par courriel").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Valider le code").click()
    assert page.get_by_label("Code reçu par courriel").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    page.get_by_label("Code reçu par courriel").fill(code)
    page.get_by_role("button", name="Valider le code").click()

    page.wait_for_url("**/signaler/confirmation/")
    assert_accessible(page)
    assert "HYPERMARCHES DU SUD" in page.locator("main").inner_text()
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url("**/signaler/envoye/")
    assert_accessible(page)
    report = Report.objects.get()
    assert report.reference in page.locator("main").inner_text()
    return report


def siret_with_a_typo(page):
    page.get_by_label("Numéro SIRET de l’établissement").fill("732 829 320 00075")
    section = page.locator("section", has_text="Vous connaissez son numéro SIRET")
    section.get_by_role("button", name="Valider").click()
    assert "un chiffre est sans doute mal recopié" in page.locator("main").inner_text()
    # page.title() needs JavaScript; reading the element does not.
    assert page.locator("head > title").text_content().startswith("Erreur")


def test_a_report_with_javascript(live_server, page, assert_accessible, market):
    choose_problem(page, live_server.url, assert_accessible)
    siret_with_a_typo(page)
    assert_accessible(page)
    # Search as you type: results appear without pressing the button.
    page.get_by_label("Nom de l’entreprise, ou son numéro SIRET ou SIREN").fill("super prix")
    page.locator("#resultats-direct").get_by_text("1 établissement trouvé").wait_for()
    assert_accessible(page)
    page.locator("#resultats-direct label", has_text="HYPERMARCHES DU SUD").click()
    page.locator("#resultats-direct").get_by_role("button", name="Choisir cet établissement").click()
    page.wait_for_url("**/signaler/details/")
    # The counter says how many characters are left.
    page.get_by_label("Décrivez le problème").fill("abc")
    assert page.get_by_text("4997 caractères restants").is_visible()
    report = fill_the_rest(page, assert_accessible)
    assert report.company == market and report.status == "TraitementEnCours"


def test_an_information_page_is_accessible(live_server, page, assert_accessible, market):
    page.goto(live_server.url + "/signaler/probleme/achat-magasin/")
    page.get_by_role("link", name="J’ai été victime d’un vol ou d’une agression dans un magasin").click()
    assert page.get_by_role("link", name="Ma sécurité (police et gendarmerie)").is_visible()
    assert_accessible(page)
