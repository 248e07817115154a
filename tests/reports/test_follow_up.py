"""After sending: the acknowledgement email, the follow-up page reached from
its signed link, and the PDF receipt."""

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains

from reports.models import Report
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
