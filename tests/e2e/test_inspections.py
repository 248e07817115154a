"""An agent ticks reports in the search results, launches an inspection of
their company, carries it out and concludes it, in a real browser, the pages
checked by axe-core."""

import pytest

from inspections.models import Inspection, InspectionStatus

from ..reports.factories import ReportFactory
from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_agent_launches_an_inspection_from_ticked_search_results_and_concludes_it(
    live_server, page, assert_accessible, agent_user, market
):
    first = ReportFactory(company=market, department="13", description="Prix barrés trompeurs")
    second = ReportFactory(company=market, department="13", description="Promotion fictive")
    sign_in(page, live_server.url, agent_user)

    page.goto(live_server.url + "/agents/signalements/?departements=13")
    # The design system draws the box over the input (its label's text is for
    # screen readers only): the click goes to where the box is.
    for report in (first, second):
        box = page.get_by_label(f"Choisir {report.reference}")
        box.check(force=True)
        assert box.is_checked()
    page.get_by_role("button", name="Lancer un contrôle sur les signalements cochés").click()
    page.get_by_role("heading", name="Lancer un contrôle").wait_for()
    assert_accessible(page)
    assert page.get_by_label(f"{first.reference} —").is_checked()
    assert page.get_by_label(f"{second.reference} —").is_checked()
    page.get_by_label("Date prévue").fill("2026-12-15")
    page.get_by_label("Notes").fill("Vérifier l’affichage des prix.")
    page.get_by_role("button", name="Lancer le contrôle").click()
    page.get_by_text("Le contrôle est lancé.").wait_for()
    assert_accessible(page)
    inspection = Inspection.objects.get()
    assert inspection.company == market and set(inspection.reports.all()) == {first, second}

    page.get_by_role("button", name="Commencer le contrôle").click()
    page.get_by_text("Le contrôle est commencé.").wait_for()
    page.get_by_label("Suite donnée").select_option(label="Avertissement pédagogique")
    page.get_by_label("Manquement constaté").select_option(
        label="Défaut d’information du consommateur, prix, étiquetage"
    )
    page.get_by_label("Date du contrôle").fill("2026-12-15")
    page.get_by_role("button", name="Terminer et consigner la suite").click()
    page.get_by_text("Le contrôle est terminé et sa suite consignée.").wait_for()
    assert_accessible(page)
    inspection.refresh_from_db()
    assert (inspection.status, inspection.outcome, inspection.breach) == (
        InspectionStatus.DONE,
        "warning",
        "information",
    )

    # The report's page shows the inspection, and its history each step.
    page.goto(f"{live_server.url}/agents/signalements/{first.reference}/")
    page.get_by_text("Contrôle terminé").first.wait_for()
    page.get_by_role("link", name="Contrôle de HYPERMARCHES DU SUD prévu le 15 décembre 2026").wait_for()
