"""The whole loop as one story, in real browsers, with a real Celery worker:
the live server sends its tasks through Redis to a worker process, which
scans the files with clamd and sends the emails over SMTP to a sink the
story reads, as a mailbox would be read.

A consumer reports a wrong price with a photo, types the code emailed to
her, downloads the acknowledgement's PDF and gets it by email; the company
activates its space with the code of its letter, reads the report and its
photo, and answers; the consumer rates the answer through the emailed link;
an agent proves the mailbox, sets up the second factor, searches by a word,
reads the files and the history in plain French, records a control and
downloads an export; once the statistics are computed, the public page
counts the report. Every page on the way is checked by `assert_accessible`."""

import io
import re
import time
from pathlib import Path

import openpyxl
import pyotp
import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import TOTPDevice
from companies.activation import activation_code_issue, format_code
from inspections.models import Inspection, InspectionStatus
from reports.models import Attachment, ReportStatus, Review, ScanState
from signalconso.audit import EventKind
from signalconso.celery import app as celery_app

from ..reports import files
from ..worker import text_body
from . import test_report_wizard as wizard

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PHOTO = files.image("PNG")
WORD = "trompeuse"


@pytest.fixture
def worker_env(clamd_url):
    return {"ANTIVIRUS_URL": clamd_url}


@pytest.fixture
def tasks_to_the_worker(worker, monkeypatch):
    """What the live server starts goes through Redis to the worker's queue."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    send = celery_app.send_task
    monkeypatch.setattr(
        celery_app, "send_task", lambda name, *args, **options: send(name, *args, queue=worker, **options)
    )
    return worker


def link_in(message, pattern: str) -> str:
    return re.search(rf"https?://[^/\s]+({pattern})", text_body(message)).group(1)


def wait_until(condition, what: str, log: Path, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen:\n{log.read_text()}")
        time.sleep(0.2)


def downloaded(page, click) -> bytes:
    with page.expect_download() as download:
        click()
    return Path(download.value.path()).read_bytes()


def test_the_whole_loop(
    live_server, new_page, assert_accessible, tasks_to_the_worker, smtp_sink, tmp_path, market, agent_user, password
):
    base, log = live_server.url, tmp_path / "worker.log"
    _row, letter_code = activation_code_issue(company=market)

    # --- The consumer's report, with a photo and the emailed code ---------------------
    consumer = new_page()
    wizard.choose_problem(consumer, base, assert_accessible)
    consumer.get_by_label("Numéro SIRET de l’établissement").fill(market.siret)
    consumer.locator("section", has_text="Vous connaissez son numéro SIRET").get_by_role(
        "button", name="Valider"
    ).click()

    def attach_the_photo(page):
        page.get_by_label("Pièces jointes").set_input_files(
            [{"name": "photo.png", "mimeType": "image/png", "buffer": PHOTO}]
        )

    def code_from_the_mailbox():
        message = smtp_sink.wait_for("Votre code SignalConso", to="paule@example.fr", log=log)
        return re.search(r"\b(\d{6})\b", message["Subject"]).group(1)

    report = wizard.fill_the_rest(
        consumer,
        assert_accessible,
        read_code=code_from_the_mailbox,
        details=attach_the_photo,
        description=f"{wizard.DESCRIPTION} Étiquette {WORD}.",
    )
    pdf = downloaded(consumer, consumer.get_by_role("link", name="Télécharger le récapitulatif (PDF)").click)
    assert pdf.startswith(b"%PDF-")
    acknowledgement = smtp_sink.wait_for(f"Votre signalement {report.reference} est enregistré", log=log)
    attached = list(acknowledgement.iter_attachments())
    assert [part.get_content_type() for part in attached] == ["application/pdf"]
    assert attached[0].get_content().startswith(b"%PDF-")
    # clamd, run by the worker, finds the photo clean: only then is it served.
    wait_until(
        lambda: Attachment.objects.filter(report=report, name="photo.png", scan_state=ScanState.CLEAN).exists(),
        "the photo's scan",
        log,
    )

    # --- The company: activation by the letter's code, reading, answering -------------
    pro = new_page()
    pro.goto(base + "/pro/activer/")
    pro.get_by_label("Numéro SIRET de l’établissement").fill(market.siret)
    pro.get_by_label("Code d’activation").fill(format_code(letter_code))
    pro.get_by_label("Votre adresse électronique").fill("gerant@example.fr")
    pro.get_by_role("button", name="Continuer").click()
    pro.wait_for_url("**/pro/activer/envoye/")
    activation = smtp_sink.wait_for("Créez votre accès SignalConso", to="gerant@example.fr", log=log)
    pro.goto(base + link_in(activation, r"/pro/activer/[^\s]+/"))
    pro.get_by_label("Prénom").fill("Gérard")
    pro.get_by_label("Nom", exact=True).fill("Lenoir")
    pro.locator("#id_password1").fill("un mot de passe solide")
    pro.get_by_label("Le même mot de passe, de nouveau").fill("un mot de passe solide")
    pro.get_by_role("button", name="Créer mon accès").click()
    pro.wait_for_url("**/pro/")
    assert_accessible(pro)
    pro.get_by_role("link", name=report.reference).click()
    pro.wait_for_url(f"**/pro/signalements/{report.reference}/")
    assert WORD in pro.locator("main").inner_text()
    photo_link = pro.get_by_role("link", name="photo.png")
    assert downloaded(pro, photo_link.click) == PHOTO
    assert_accessible(pro)
    pro.locator("label", has_text="Pris en compte").click()
    pro.get_by_label("Le motif").select_option(label="Remboursement ou avoir")
    pro.get_by_label("Votre message au consommateur").fill("Nous vous remboursons 2 €.")
    pro.get_by_role("button", name="Prévisualiser ma réponse").click()
    pro.wait_for_url("**/apercu/")
    pro.get_by_role("button", name="Envoyer la réponse").click()
    pro.get_by_text("Votre réponse est envoyée au consommateur.").wait_for()
    report.refresh_from_db()
    assert report.status == ReportStatus.PROMISED

    # --- The consumer rates the answer through the emailed link -----------------------
    smtp_sink.wait_for(f"Votre signalement {report.reference} a été lu par l’entreprise", log=log)
    answered = smtp_sink.wait_for(f"L’entreprise a répondu à votre signalement {report.reference}", log=log)
    assert "Nous vous remboursons 2 €." in text_body(answered)
    consumer.goto(base + link_in(answered, r"/signaler/avis/[^\s]+/"))
    assert_accessible(consumer)
    consumer.locator("label[for=id_rating_0]").click()
    consumer.get_by_role("button", name="Envoyer mon avis").click()
    consumer.get_by_text("Merci : votre avis est enregistré.").wait_for()
    assert Review.objects.get(report=report).rating == "positive"

    # --- The agent: the mailbox, then the second factor -------------------------------
    agent = new_page()
    agent.goto(base + "/compte/connexion/")
    agent.get_by_label("Adresse électronique").fill(agent_user.email)
    agent.get_by_label("Mot de passe").fill(password)
    agent.get_by_role("button", name="Se connecter").click()
    agent.wait_for_url("**/compte/connexion/application/")
    setup = smtp_sink.wait_for("activez votre application d’authentification", to=agent_user.email, log=log)
    agent.goto(base + link_in(setup, r"/compte/connexion/application/[^\s]+/"))
    secret = TOTPDevice.objects.get(user=agent_user).secret
    agent.get_by_label("Code à 6 chiffres de votre application").fill(pyotp.TOTP(secret).now())
    agent.get_by_role("button", name="Activer").click()
    agent.get_by_role("link", name="J’ai noté mes codes : continuer").click()
    agent.wait_for_url("**/agents/")

    # Search by a word; the report, its files and its history in words.
    agent.get_by_role("link", name="Rechercher", exact=True).click()
    agent.get_by_label("Mots").fill(WORD)
    agent.get_by_role("button", name="Rechercher").click()
    agent.get_by_text("1 signalement.").wait_for()
    assert_accessible(agent)
    agent.get_by_role("link", name=report.reference).click()
    agent.wait_for_url(f"**/agents/signalements/{report.reference}/")
    assert downloaded(agent, agent.get_by_role("link", name="photo.png").click) == PHOTO

    # A control launched from the report, carried out and concluded.
    agent.get_by_role("link", name="Lancer un contrôle à partir de ce signalement").click()
    agent.get_by_role("heading", name="Lancer un contrôle").wait_for()
    today = timezone.localdate().isoformat()
    agent.get_by_label("Date prévue").fill(today)
    agent.get_by_label("Notes").fill("Vérifier l’étiquetage des prix.")
    agent.get_by_role("button", name="Lancer le contrôle").click()
    agent.get_by_text("Le contrôle est lancé.").wait_for()
    agent.get_by_role("button", name="Commencer le contrôle").click()
    agent.get_by_text("Le contrôle est commencé.").wait_for()
    agent.get_by_label("Suite donnée").select_option(label="Avertissement pédagogique")
    agent.get_by_label("Manquement constaté").select_option(
        label="Défaut d’information du consommateur, prix, étiquetage"
    )
    agent.get_by_label("Date du contrôle").fill(today)
    agent.get_by_role("button", name="Terminer et consigner la suite").click()
    agent.get_by_text("Le contrôle est terminé et sa suite consignée.").wait_for()
    inspection = Inspection.objects.get(reports=report)
    assert (inspection.status, inspection.outcome) == (InspectionStatus.DONE, "warning")
    agent.goto(f"{base}/agents/signalements/{report.reference}/")
    history = agent.locator("ol.sc-timeline").inner_text()
    for sentence in (
        "Signalement déposé",
        "Signalement lu par l’entreprise",
        "Réponse de l’entreprise",
        "Avis du consommateur",
        "Contrôle terminé",
        "Courriel envoyé",
        "L’accusé de réception, avec le récapitulatif en PDF.",
    ):
        assert sentence in history, f"« {sentence} » missing from:\n{history}"
    # The codes the database stores; "Transmis" is also a word of a label.
    statuses = [code for code in ReportStatus.values if not any(code in label for label in ReportStatus.labels)]
    codes = [*EventKind.values, *statuses]
    leaked = [code for code in codes if re.search(rf"\b{re.escape(code)}\b", history)]
    assert not leaked and not re.search(r"\b[a-z]+_[a-z_]+\b|\bNone\b", history), history
    assert_accessible(agent)

    # An export of the search, built by the worker, then downloaded.
    agent.goto(f"{base}/agents/signalements/?texte={WORD}")
    agent.get_by_role("button", name="Exporter la recherche en XLSX (30 000 au plus)").click()
    agent.wait_for_url("**/agents/exports/*/")
    assert_accessible(agent)
    # The page's script asks the server and says when the file is ready.
    agent.get_by_role("link", name="Voir le fichier prêt").click(timeout=60_000)
    agent.get_by_role("heading", name="Export prêt").wait_for()
    assert_accessible(agent)
    workbook = downloaded(agent, agent.get_by_role("link", name="Télécharger (tableur (XLSX))").click)
    cells = [str(cell) for row in openpyxl.load_workbook(io.BytesIO(workbook)).active.values for cell in row]
    assert report.reference in cells

    # --- The public statistics count the report once the snapshot is made -------------
    visitor = new_page()
    visitor.goto(base + "/statistiques/")
    assert visitor.get_by_text("Les chiffres sont en cours de calcul").is_visible()
    call_command("refresh_statistics")
    visitor.reload()
    total = visitor.locator("dt", has_text="Signalements déposés depuis l’ouverture").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert total.inner_text() == "1"
    assert_accessible(visitor)
