"""After the company's answer: the consumer rates it once from a signed link,
and may once, within 15 days, send a "not concerned" report to the right
company."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from reports import lifecycle
from reports.models import Attachment, Report, ReportStatus, ResponseKind, Review
from reports.wizard.links import follow_up_token
from signalconso.audit import ActorKind

from ..companies.factories import CompanyFactory
from .factories import ReportFactory, company_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(django_capture_on_commit_callbacks):
    def answer(kind=ResponseKind.ACCEPTED, reason="remboursement"):
        report = ReportFactory(read=True)
        pro = company_user(report.company)
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.report_answer(report=report, user=pro, kind=kind, reason=reason, message="Voici notre réponse.")
        (consumer_email,) = [m for m in mail.outbox if m.to == [report.email]]
        return report, consumer_email

    return answer


def link(message, path) -> str:
    return re.search(rf"https?://[^/\s]+(/{path}/[^\s\"<]+/)", message.body).group(1)


def test_the_consumer_rates_the_answer_once_from_the_email(client, answered):
    report, email = answered()
    url = link(email, "signaler/avis")
    page = client.get(url)
    assertContains(page, "Voici notre réponse.")
    response = client.post(url, {"rating": "negative", "comment": "Rien reçu."})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.about, review.rating, review.comment) == ("answer", "negative", "Rien reçu.")
    assert report.events.filter(action="review_given").exists()
    # Once: the page now says what was given, a second post changes nothing.
    assertContains(client.get(url), "« Pas satisfait »")
    client.post(url, {"rating": "positive"})
    assert Review.objects.get().rating == "negative"
    follow_up = client.get(reverse("reports:follow_up", args=[follow_up_token(report)]))
    assertContains(follow_up, "Votre avis sur la réponse : Pas satisfait.")


def test_a_rating_is_required_and_said_at_the_field(client, answered):
    _, email = answered()
    response = client.post(link(email, "signaler/avis"), {"comment": "…"})
    assertContains(response, "Ce champ est obligatoire", status_code=400)
    assert not Review.objects.exists()


def test_the_engagement_is_rated_only_once_it_is_due(client, answered):
    report, _ = answered()
    from reports.wizard.links import review_token

    url = reverse("reports:review", args=[review_token(report, "engagement")])
    client.post(url, {"rating": "positive"})
    assert not Review.objects.exists()
    with time_machine.travel(timezone.now() + timedelta(days=22)):
        client.post(url, {"rating": "positive"})
    assert Review.objects.get().about == "engagement"


def test_a_forged_review_link_is_a_404(client):
    assert client.get(reverse("reports:review", args=["forged:token"])).status_code == 404


def test_a_not_concerned_report_goes_once_to_the_right_company_with_its_files(
    client, answered, django_capture_on_commit_callbacks
):
    report, email = answered(kind=ResponseKind.NOT_CONCERNED, reason="autre-entreprise")
    attachment = Attachment(
        report=report,
        origin=ActorKind.CONSUMER,
        name="ticket.pdf",
        extension="pdf",
        content_type="application/pdf",
        size=3,
        scan_state="clean",
    )
    attachment.file.save("x", ContentFile(b"pdf"), save=True)
    url = link(email, "signaler/reattribuer")
    right = CompanyFactory()
    response = client.post(url, {"siret-siret": report.company.siret})
    assertContains(response, "C’est l’entreprise qui a déjà répondu", status_code=400)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"siret-siret": right.siret})
    new = Report.objects.get(reattributed_from=report)
    assert response["Location"] == reverse("reports:follow_up", args=[follow_up_token(new)])
    assert new.company == right and new.status == ReportStatus.SENT
    assert (new.description, new.email, new.category) == (report.description, report.email, report.category)
    (copy,) = new.attachments.all()
    assert copy.name == "ticket.pdf" and copy.file.read() == b"pdf"
    assert copy.file.name != attachment.file.name
    assert any(new.reference in m.subject for m in mail.outbox)
    # Once only.
    page = client.get(url)
    assertContains(page, "déjà été adressé à une autre entreprise")
    assertNotContains(page, 'name="siret-siret"')


def test_re_attribution_closes_after_15_days(client, answered):
    _, email = answered(kind=ResponseKind.NOT_CONCERNED, reason="autre-entreprise")
    url = link(email, "signaler/reattribuer")
    with time_machine.travel(timezone.now() + timedelta(days=16)):
        page = client.get(url)
        client.post(url, {"siret-siret": CompanyFactory().siret})
    assertContains(page, "Le délai de 15 jours")
    assert Report.objects.count() == 1


def test_only_a_not_concerned_answer_can_be_re_attributed(client, answered):
    report, _ = answered()
    from reports.wizard.links import reattribution_token

    url = reverse("reports:reattribute", args=[reattribution_token(report)])
    assertContains(client.get(url), "Seul un signalement")
