"""The agents' company pages, the companies to activate by post, and the
moderation of websites."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from companies.models import ActivationLetter, LetterBatch, WebsiteState
from reports import lifecycle
from reports.models import ReportStatus, Review
from reports.services.letters import companies_to_activate

from ..companies.factories import CompanyFactory, WebsiteFactory
from .factories import ReportFactory, company_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def test_company_search_and_page(client, agent_user):
    company = CompanyFactory(legal_name="BOULANGERIE DU PORT")
    answered = ReportFactory(company=company, read=True)
    ReportFactory(company=company, read=True)
    pro = company_user(company)
    lifecycle.report_answer(report=answered, user=pro, kind="accepted", reason="geste", message="Oui")
    Review.objects.create(report=answered, about="answer", rating="positive")
    client.force_login(agent_user)
    found = client.get(reverse("agents:companies"), {"q": "boulangerie port"})
    assertContains(found, company.siret)
    assertContains(found, "50 %")
    assertContains(client.get(reverse("agents:companies"), {"q": "b"}), "au moins", status_code=400)
    page = client.get(reverse("agents:company", args=[company.siret]))
    assertContains(page, "50 % (1 répondus sur 2 lus)")
    assertContains(page, "Satisfait : 1")
    assertContains(page, pro.email)
    assertContains(page, answered.reference)
    top = client.get(reverse("agents:most_reported"))
    assertContains(top, "BOULANGERIE DU PORT")


def test_companies_to_activate_three_letters_28_days_apart(client, agent_user):
    waiting = ReportFactory().company
    with_users = ReportFactory().company
    company_user(with_users)
    answered_only = ReportFactory(status=ReportStatus.PROMISED).company
    due = set(companies_to_activate().values_list("pk", flat=True))
    assert waiting.pk in due and with_users.pk not in due and answered_only.pk not in due

    client.force_login(agent_user)
    start = timezone.now()
    for letter_number, kind in enumerate(["first", "reminder", "last"]):
        moment = start + timedelta(days=29 * letter_number * (letter_number + 1) // 2 + letter_number)
        with time_machine.travel(moment):
            client.force_login(agent_user)
            assert waiting.pk in set(companies_to_activate().values_list("pk", flat=True))
            response = client.post(reverse("agents:companies_to_activate"), {"company": [waiting.pk]})
            batch = LetterBatch.objects.latest("pk")
            assert response["Location"] == reverse("agents:letter_batch", args=[batch.pk])
            letter = ActivationLetter.objects.get(batch=batch, company=waiting)
            assert letter.kind == kind
            pdf = client.get(reverse("agents:letter_batch_pdf", args=[batch.pk]))
            assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
            client.post(reverse("agents:letter_batch", args=[batch.pk]))
            # Posted: not due again until 28 days × the letters sent.
            assert waiting.pk not in set(companies_to_activate().values_list("pk", flat=True))
    assert ActivationLetter.objects.filter(company=waiting, posted_at__isnull=False).count() == 3
    assert len({letter.code_id for letter in ActivationLetter.objects.filter(company=waiting)}) == 3
    with time_machine.travel(start + timedelta(days=400)):
        assert waiting.pk not in set(companies_to_activate().values_list("pk", flat=True))
    assert waiting.events.filter(action="activation_letter_posted").count() == 3


def test_a_read_only_admin_cannot_prepare_letters(client, readonly_admin_user):
    company = ReportFactory().company
    client.force_login(readonly_admin_user)
    assert client.get(reverse("agents:companies_to_activate")).status_code == 200
    response = client.post(reverse("agents:companies_to_activate"), {"company": [company.pk]})
    assert response.status_code == 403 and not LetterBatch.objects.exists()


def test_a_website_linked_to_its_company_sends_it_its_recent_reports(
    client, agent_user, django_capture_on_commit_callbacks
):
    website = WebsiteFactory(host="boutique-exemple.fr")
    recent = ReportFactory(
        company=None,
        website=website,
        status=ReportStatus.NOT_SENT,
        expires_at=None,
        company_name="",
        company_siret="",
        department="",
    )
    with time_machine.travel(timezone.now() - timedelta(days=100)):
        old = ReportFactory(
            company=None,
            website=website,
            status=ReportStatus.NOT_SENT,
            expires_at=None,
            company_name="",
            company_siret="",
            department="",
        )
    company = CompanyFactory()
    pro = company_user(company)
    client.force_login(agent_user)
    page = client.get(reverse("agents:websites"))
    assertContains(page, "boutique-exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agents:website_identify", args=[website.pk]), {f"site{website.pk}-siret": company.siret})
    website.refresh_from_db()
    recent.refresh_from_db()
    old.refresh_from_db()
    assert website.state == WebsiteState.IDENTIFIED and website.company == company
    assert recent.company == company and recent.status == ReportStatus.SENT
    assert recent.expires_at is not None
    assert old.company is None and old.status == ReportStatus.NOT_SENT
    assert [m.to for m in mail.outbox] == [[pro.email]]
    assertContains(client.get(reverse("agents:websites")), "Aucun site à identifier.")


def test_a_website_is_marked_foreign_or_a_marketplace(client, agent_user, readonly_admin_user):
    foreign = WebsiteFactory(host="shop.example.de")
    market = WebsiteFactory(host="marche.example.com")
    client.force_login(readonly_admin_user)
    assert client.post(reverse("agents:website_foreign", args=[foreign.pk])).status_code == 403
    client.force_login(agent_user)
    client.post(reverse("agents:website_foreign", args=[foreign.pk]), {"country": "Allemagne"})
    client.post(reverse("agents:website_marketplace", args=[market.pk]))
    foreign.refresh_from_db()
    market.refresh_from_db()
    assert (foreign.state, foreign.country) == (WebsiteState.FOREIGN, "Allemagne")
    assert market.state == WebsiteState.MARKETPLACE


def test_a_pro_gets_404_on_the_company_pages(client, pro_user):
    company = CompanyFactory()
    client.force_login(pro_user)
    for url in (
        reverse("agents:companies"),
        reverse("agents:company", args=[company.siret]),
        reverse("agents:companies_to_activate"),
        reverse("agents:websites"),
    ):
        assert client.get(url).status_code == 404


@time_machine.travel("2026-11-20 10:00 +01:00", tick=False)
def test_the_company_page_draws_twelve_months_by_status(client, agent_user):
    company = CompanyFactory()
    ReportFactory(company=company, status=ReportStatus.PROMISED)
    ReportFactory(company=company)
    with time_machine.travel("2026-09-03 10:00 +02:00"):
        ReportFactory(company=company, status=ReportStatus.CLOSED_UNREAD)
    with time_machine.travel("2025-10-30 10:00 +01:00"):  # 13 months ago: left out
        ReportFactory(company=company)
    client.force_login(agent_user)
    page = client.get(reverse("agents:company", args=[company.siret]))
    months = page.context["months"]
    assert [m["label"] for m in months][:2] == ["12/2025", "01/2026"]
    assert [m["label"] for m in months][-1] == "11/2026" and len(months) == 12
    by_label = {m["label"]: m for m in months}
    assert by_label["11/2026"]["counts"] == [1, 1, 0, 0] and by_label["11/2026"]["total"] == 2
    assert by_label["09/2026"]["counts"] == [0, 0, 1, 0]
    assert sum(m["total"] for m in months) == 3
    chart = page.context["months_chart"]
    november = chart["bars"][-1]
    assert [part["key"] for part in november["parts"]] == ["answered", "waiting"]
    assert chart["bars"][0]["parts"] == []
    assertContains(page, 'role="img"')
    assertContains(
        page,
        '<th scope="row">10/2026</th><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>',
        html=False,
    )
