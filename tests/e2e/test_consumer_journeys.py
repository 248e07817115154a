"""The consumer's part of the loop again, twice: with JavaScript disabled,
and with the keyboard only (Tab, Enter, Space, arrow keys; never a click).
Each time: a report with a photo and the code sent by email, the
acknowledgement and its PDF, then the rating of the company's answer through
the link of the email. Tasks run in this process; test_whole_loop.py walks
the same with a real worker."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail

from reports import lifecycle
from reports.models import Attachment, Report, Review

from ..reports import files
from ..reports.factories import company_user
from . import test_report_wizard as wizard

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHOTO = files.image("PNG")


def the_company_answers(report):
    pro = company_user(report.company)
    lifecycle.report_mark_read(report=report, user=pro)
    lifecycle.report_answer(
        report=report, user=pro, kind="not_concerned", reason="autre-entreprise", message="Ce n’est pas notre magasin."
    )
    answered = next(m for m in mail.outbox if m.subject.startswith("L’entreprise a répondu"))
    return re.search(r"https?://[^/\s]+(/signaler/avis/[^\s]+/)", answered.body).group(1)


def the_acknowledgement_has_its_pdf(report):
    (message,) = [m for m in mail.outbox if m.subject == f"Votre signalement {report.reference} est enregistré"]
    ((_name, content, mime),) = message.attachments
    assert mime == "application/pdf" and content.startswith(b"%PDF-")


def saved_download(download) -> bytes:
    return Path(download.value.path()).read_bytes()


def test_the_consumer_without_javascript(live_server, new_page, market):
    page = new_page(java_script_enabled=False)
    base = live_server.url

    def not_checked(page):
        """axe-core runs inside the page, so needs JavaScript: the journeys
        with it check these pages."""

    wizard.choose_problem(page, base, not_checked)
    wizard.siret_with_a_typo(page)
    # The search button does what typing does with JavaScript.
    page.get_by_label("Nom de l’entreprise, ou son numéro SIRET ou SIREN").fill("super prix")
    page.get_by_role("button", name="Rechercher").click()
    page.locator("label", has_text="HYPERMARCHES DU SUD").click()
    page.get_by_role("button", name="Choisir cet établissement").click()

    def attach_the_photo(page):
        page.get_by_label("Pièces jointes").set_input_files(
            [{"name": "photo.png", "mimeType": "image/png", "buffer": PHOTO}]
        )

    report = wizard.fill_the_rest(page, not_checked, details=attach_the_photo)
    assert report.company == market
    assert list(Attachment.objects.filter(report=report).values_list("name", flat=True)) == ["photo.png"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le récapitulatif (PDF)").click()
    assert saved_download(download).startswith(b"%PDF-")
    the_acknowledgement_has_its_pdf(report)

    page.goto(base + the_company_answers(report))
    page.locator("label", has_text="Pas satisfait").click()
    page.get_by_label("Un commentaire").fill("Pourtant le ticket porte son nom.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    assert "Merci : votre avis est enregistré." in page.locator("main").inner_text()
    review = Review.objects.get(report=report)
    assert (review.rating, review.comment) == ("negative", "Pourtant le ticket porte son nom.")


# --- The keyboard only -----------------------------------------------------------------


def is_focused(locator) -> bool:
    return locator.evaluate("e => e === document.activeElement")


def tab_to(page, target, limit=150):
    """Presses Tab until the target has the focus: it must be reachable so."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    raise AssertionError(f"Tab never reaches {target}")


def press(page, target, key="Enter"):
    tab_to(page, target)
    page.keyboard.press(key)


def type_into(page, target, text):
    tab_to(page, target)
    page.keyboard.type(text)


def choose(page, radio, limit=10):
    """Tabs into the radio's group, then moves with the arrow keys until it is chosen."""
    name = radio.get_attribute("name")
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("n => document.activeElement.name === n", name):
            break
    page.keyboard.press("Space")
    for _ in range(limit):
        if radio.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never choose {radio}")


def test_the_consumer_with_the_keyboard_only(live_server, page, market):
    base = live_server.url
    page.goto(base + "/")
    press(page, page.get_by_role("link", name="Signaler un problème").first)
    page.wait_for_url("**/signaler/")
    press(page, page.get_by_role("link", name="Un achat en magasin"))
    page.wait_for_url("**/achat-magasin/")
    press(page, page.get_by_role("link", name="Le prix n’est pas affiché ou il est différent en caisse"))
    page.wait_for_load_state()
    press(page, page.get_by_role("button", name="Continuer"))
    page.wait_for_url("**/signaler/entreprise/")

    type_into(page, page.get_by_label("Numéro SIRET de l’établissement"), market.siret)
    section = page.locator("section", has_text="Vous connaissez son numéro SIRET")
    press(page, section.get_by_role("button", name="Valider"))
    page.wait_for_url("**/signaler/details/")

    # The file input opens the system's file chooser from the keyboard too.
    tab_to(page, page.get_by_label("Pièces jointes"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files([{"name": "photo.png", "mimeType": "image/png", "buffer": PHOTO}])
    assert "photo.png" in page.locator("ul.sc-files").inner_text()
    # The headless browser shows its date fields in its own language's order
    # (mm/dd/yyyy, not jj/mm/aaaa): a day equal to its month reads the same in both.
    day = date.fromisoformat(wizard.YESTERDAY)
    while day.day != day.month:
        day -= timedelta(days=1)
    type_into(page, page.get_by_label("Date du problème"), f"{day:%d%m%Y}")
    type_into(page, page.get_by_label("Décrivez le problème"), wizard.DESCRIPTION)
    press(page, page.get_by_role("button", name="Continuer"))
    page.wait_for_url("**/signaler/coordonnees/")

    type_into(page, page.get_by_label("Prénom", exact=True), "Paule")
    type_into(page, page.get_by_label("Nom", exact=True), "Durand")
    type_into(page, page.get_by_role("textbox", name="Adresse électronique"), "paule@example.fr")
    choose(page, page.get_by_label("Non : elle lira le signalement sans savoir qui je suis"))
    press(page, page.get_by_role("button", name="Continuer"))
    page.wait_for_url("**/signaler/verification/")

    type_into(page, page.get_by_label("Code reçu par courriel"), wizard.code_from_the_outbox())
    press(page, page.get_by_role("button", name="Valider le code"))
    page.wait_for_url("**/signaler/confirmation/")
    press(page, page.get_by_role("button", name="Envoyer le signalement"))
    page.wait_for_url("**/signaler/envoye/")

    report = Report.objects.get()
    assert report.occurred_on == day and report.description == wizard.DESCRIPTION
    assert list(Attachment.objects.filter(report=report).values_list("name", flat=True)) == ["photo.png"]
    tab_to(page, page.get_by_role("link", name="Télécharger le récapitulatif (PDF)"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert saved_download(download).startswith(b"%PDF-")
    the_acknowledgement_has_its_pdf(report)

    page.goto(base + the_company_answers(report))
    choose(page, page.get_by_label("Mitigé", exact=True))
    type_into(page, page.get_by_label("Un commentaire"), "Réponse rapide mais pas de solution.")
    press(page, page.get_by_role("button", name="Envoyer mon avis"))
    page.get_by_text("Merci : votre avis est enregistré.").wait_for()
    review = Review.objects.get(report=report)
    assert (review.rating, review.comment) == ("neutral", "Réponse rapide mais pas de solution.")
