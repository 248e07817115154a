"""The consumer's pages after the company's answer, in a real browser: the
follow-up page, the review form (by keyboard) and the re-attribution form,
each without an accessibility violation."""

import pytest
from django.urls import reverse

from reports import lifecycle
from reports.models import Review
from reports.wizard.links import follow_up_token

from ..reports.factories import ReportFactory, company_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_consumer_reads_the_answer_and_rates_it_by_keyboard(live_server, page, assert_accessible):
    report = ReportFactory(read=True)
    pro = company_user(report.company)
    lifecycle.report_answer(
        report=report, user=pro, kind="not_concerned", reason="autre-entreprise", message="Ce n’est pas notre magasin."
    )
    page.goto(live_server.url + reverse("reports:follow_up", args=[follow_up_token(report)]))
    assert "Ce n’est pas notre magasin." in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Adresser le signalement à la bonne entreprise").click()
    page.wait_for_url("**/signaler/reattribuer/**")
    assert_accessible(page)
    page.get_by_role("button", name="Adresser le signalement à cette entreprise").click()
    assert page.get_by_label("Numéro SIRET de l’établissement").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    page.goto(live_server.url + reverse("reports:follow_up", args=[follow_up_token(report)]))
    page.get_by_role("link", name="Donner mon avis sur la réponse").click()
    page.wait_for_url("**/signaler/avis/**")
    assert_accessible(page)
    page.get_by_label("Mitigé").focus()
    page.keyboard.press("Space")
    page.get_by_label("Un commentaire").fill("Réponse rapide mais pas de solution.")
    page.get_by_role("button", name="Envoyer mon avis").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Merci : votre avis est enregistré.").wait_for()
    assert_accessible(page)
    review = Review.objects.get()
    assert (review.rating, review.comment) == ("neutral", "Réponse rapide mais pas de solution.")
