"""After sending: the acknowledgement email, the follow-up page reached from
its signed link, and the PDF receipt."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from reports.models import Report, ReportStatus
from reports.wizard.links import follow_up_token

from ..companies.factories import CompanyFactory
from .test_wizard import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "verified_addresses")]


@pytest.fixture
def report(client, django_capture_on_commit_callbacks):
    company = CompanyFactory(legal_name="SUPER PRIX")
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, siret=company.siret)
    return Report.objects.get()


def test_the_acknowledgement_carries_the_follow_up_link_and_the_receipt(report, settings):
    message = mail.outbox[-1]
    url = settings.SITE_URL + reverse("reports:follow_up", args=[follow_up_token(report)])
    assert url in message.body
    assert url in message.alternatives[0][0]
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"signalement-{report.reference}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_the_done_page_offers_the_receipt_and_the_follow_up(client, report):
    response = client.get(reverse("reports:done"))
    token = follow_up_token(report)
    assertContains(response, reverse("reports:receipt", args=[token]))
    assertContains(response, reverse("reports:follow_up", args=[token]))


def test_the_follow_up_page_says_where_the_report_is_in_plain_words(client, report):
    response = client.get(reverse("reports:follow_up", args=[follow_up_token(report)]))
    assertContains(response, report.reference)
    assertContains(response, "L’entreprise est prévenue mais ne l’a pas encore lu.")
    assertContains(response, "Vous avez déposé votre signalement.")
    assertContains(response, '<meta name="robots" content="noindex">')


def test_the_receipt_is_a_pdf_named_after_the_reference(client, report):
    response = client.get(reverse("reports:receipt", args=[follow_up_token(report)]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'attachment; filename="signalement-{report.reference}.pdf"')
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("view", ["reports:follow_up", "reports:receipt"])
def test_a_forged_or_altered_link_is_a_404(client, report, view):
    token = follow_up_token(report)
    assert client.get(reverse(view, args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse(view, args=["n-importe-quoi"])).status_code == 404


def test_an_anonymised_report_has_no_follow_up(client, report):
    Report.objects.filter(pk=report.pk).update(status="SuppressionRGPD")
    assert client.get(reverse("reports:follow_up", args=[follow_up_token(report)])).status_code == 404


def test_the_follow_up_only_reads(client, report):
    assert client.post(reverse("reports:follow_up", args=[follow_up_token(report)])).status_code == 405


# --- The link's year, and a new one -----------------------------------------------------


def test_a_link_works_for_a_year_then_offers_a_new_one_sent_to_the_report_s_address(
    client, report, django_capture_on_commit_callbacks
):
    token = follow_up_token(report)
    url = reverse("reports:follow_up", args=[token])
    with time_machine.travel(timezone.now() + timedelta(days=364)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=367)):
        expired = client.get(url)
        assertContains(expired, "Ce lien a expiré", status_code=410)
        assert report.email not in expired.content.decode()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("reports:follow_up_renew", args=[token]))
            client.post(reverse("reports:follow_up_renew", args=[token]))  # once an hour at most
        (sent,) = mail.outbox
        assert sent.to == [report.email]
        fresh = re.search(r"https?://[^/\s]+(/signaler/suivi/[^\s]+/)", sent.body).group(1)
        assertContains(client.get(fresh), report.reference)


def test_a_forged_link_gets_no_new_one(client, report):
    assert client.post(reverse("reports:follow_up_renew", args=["n-importe-quoi"])).status_code == 404


def test_files_still_being_scanned_are_counted_not_named(client, report):
    from reports.models import Attachment, ScanState
    from signalconso.audit import ActorKind

    for name, state in (("propre.pdf", ScanState.CLEAN), ("secret-en-analyse.pdf", ScanState.PENDING)):
        Attachment.objects.create(
            report=report, origin=ActorKind.CONSUMER, name=name, extension="pdf", content_type="application/pdf",
            size=3, scan_state=state, file=f"attachments/{name}",
        )  # fmt: skip
    page = client.get(reverse("reports:follow_up", args=[follow_up_token(report)]))
    assertContains(page, "propre.pdf")
    assertNotContains(page, "secret-en-analyse")
    assertContains(page, "1 fichier est en cours d’analyse antivirus")


def test_the_consumer_erases_their_data_from_the_follow_up(client, report, django_capture_on_commit_callbacks):
    token = follow_up_token(report)
    page = client.get(reverse("reports:follow_up", args=[token]))
    assertContains(page, reverse("reports:follow_up_erase", args=[token]))
    assertContains(client.get(reverse("reports:follow_up_erase", args=[token])), "C’est définitif")
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("reports:follow_up_erase", args=[token]))
    assertContains(done, "Vos données sont effacées")
    report.refresh_from_db()
    assert report.status == ReportStatus.ANONYMISED and report.email == "" and report.description == ""
    event = report.events.get(action="report_anonymised")
    assert event.actor == "consumer" and event.details["at_consumer_request"] is True
    assert any("effacées" in message.subject for message in mail.outbox)
    assert client.get(reverse("reports:follow_up", args=[token])).status_code == 404
