"""Attaching files in the details step, in a real browser: with JavaScript
the chosen files are listed with their size and a remove button before
sending; without it the plain file input works; errors sit at the field and
nothing typed or already attached is lost."""

import pytest

from reports.models import Attachment

from ..reports import files
from . import test_report_wizard as wizard

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def reach_details(page, base, market, assert_accessible):
    wizard.choose_problem(page, base, assert_accessible)
    page.get_by_label("Numéro SIRET de l’établissement").fill(market.siret)
    section = page.locator("section", has_text="Vous connaissez son numéro SIRET")
    section.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/signaler/details/")


def chosen(name, content, mime="application/octet-stream"):
    return {"name": name, "mimeType": mime, "buffer": content}


def test_files_with_javascript(live_server, page, assert_accessible, market):
    reach_details(page, live_server.url, market, assert_accessible)
    field = page.get_by_label("Pièces jointes")
    field.set_input_files(
        [chosen("photo.png", files.image("PNG"), "image/png"), chosen("notes.pdf", files.pdf(), "application/pdf")]
    )
    # Choosing again adds to the list instead of replacing it.
    field.set_input_files([chosen("virus.jpg", files.exe(), "image/jpeg")])
    listed = page.locator("ul.sc-files li")
    assert listed.count() == 3
    assert "photo.png" in listed.nth(0).inner_text() and "octets" in listed.nth(0).inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Retirer notes.pdf").click()
    assert listed.count() == 2
    # Focus stays in the list, on the next file's button.
    assert page.evaluate("document.activeElement.textContent").strip() == "Retirer virus.jpg"

    page.get_by_label("Date du problème").fill(wizard.YESTERDAY)
    page.get_by_label("Décrivez le problème").fill("Voir la photo.")
    page.get_by_role("button", name="Continuer").click()
    # The server refuses the disguised program, keeps the photo and the text.
    page.wait_for_url("**/signaler/details/")
    error = page.locator("#id_files-error")
    assert "« virus.jpg » n’est pas d’un type accepté" in error.inner_text()
    assert "id_files-error" in field.get_attribute("aria-describedby")
    assert page.get_by_label("Décrivez le problème").input_value() == "Voir la photo."
    assert page.get_by_role("button", name="Retirer photo.png").is_visible()
    assert list(Attachment.objects.values_list("name", flat=True)) == ["photo.png"]
    assert_accessible(page)

    # Enter in a field continues; it never presses a "Retirer" button.
    page.get_by_label("Date du problème").press("Enter")
    page.wait_for_url("**/signaler/coordonnees/")
    assert Attachment.objects.count() == 1
    page.go_back()
    page.reload()
    assert page.get_by_role("button", name="Retirer photo.png").is_visible()


def test_files_without_javascript(live_server, browser, market):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    reach_details(page, live_server.url, market, lambda page: None)
    page.get_by_label("Pièces jointes").set_input_files(
        [chosen("ticket.pdf", files.pdf(), "application/pdf"), chosen("vide.jpg", b"", "image/jpeg")]
    )
    page.get_by_label("Décrivez le problème").fill("Le ticket est joint.")
    page.get_by_role("button", name="Continuer").click()
    assert "« vide.jpg » est vide." in page.locator("#id_files-error").inner_text()
    assert page.get_by_label("Décrivez le problème").input_value() == "Le ticket est joint."
    # The remove button works as a plain submit button.
    page.get_by_role("button", name="Retirer ticket.pdf").click()
    assert "« ticket.pdf » est retiré." in page.locator("main").inner_text()
    assert page.get_by_label("Décrivez le problème").input_value() == "Le ticket est joint."
    assert not Attachment.objects.exists()
    context.close()
