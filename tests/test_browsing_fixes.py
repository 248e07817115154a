"""What users found wrong when trying the whole service, each fixed where it
happened (issue 17's defects)."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from inspections.models import Inspection
from reports.agents import exports
from reports.models import Attachment, Export, ScanState, StatisticsSnapshot, Tag
from signalconso.audit import ActorKind

from .companies.factories import CompanyFactory
from .reports import files
from .reports.factories import ReportFactory
from .reports.test_wizard import YESTERDAY, choose, fill_consumer, fill_details

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def test_agents_see_the_files_of_a_report(client, agent_user):
    report = ReportFactory()
    Attachment.objects.create(report=report, origin=ActorKind.CONSUMER, name="ticket-de-caisse.pdf", extension="pdf",
                              content_type="application/pdf", size=3, scan_state=ScanState.CLEAN, file="a/b.pdf")  # fmt: skip
    client.force_login(agent_user)
    assertContains(client.get(reverse("agents:report", args=[report.reference])), "ticket-de-caisse.pdf")


def test_the_agents_timeline_reads_as_sentences(client, agent_user, django_capture_on_commit_callbacks):
    from reports import lifecycle

    report = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.report_filed(report=report)
    from signalconso.audit import EventKind, record_event

    record_event(
        EventKind.REPORT_SUBMITTED, actor=ActorKind.CONSUMER, report=report, details={"status": report.status}
    )
    client.force_login(agent_user)
    page = client.get(reverse("agents:report", args=[report.reference]))
    assertContains(page, "Signalement déposé")
    assertContains(page, "Courriel envoyé")
    assertContains(page, "L’accusé de réception")
    for code in ("report_submitted", "email_sent", "consumer_acknowledgement"):
        assertNotContains(page, code)


def test_the_public_statistics_move_without_a_broker(client, settings):
    settings.STATISTICS_REFRESH_ON_READ = True  # make run's value
    old = StatisticsSnapshot.objects.create(data={})
    StatisticsSnapshot.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    ReportFactory()
    assert client.get(reverse("statistics")).status_code == 200
    assert StatisticsSnapshot.objects.count() == 2  # a stale snapshot is computed again when no broker does it


def test_the_statistics_are_computed_by_hand(capsys):
    ReportFactory()
    call_command("refresh_statistics")
    assert "Statistiques recalculées : 1 signalements" in capsys.readouterr().out
    assert StatisticsSnapshot.objects.count() == 1


def test_the_second_factor_page_marks_no_field_optional(client, agent_user, password):
    import pyotp

    from accounts.models import TOTPDevice

    TOTPDevice.objects.create(user=agent_user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    client.post(reverse("accounts:login"), {"username": agent_user.email, "password": password})
    page = client.get(reverse("accounts:otp"))
    assertContains(page, "Code à 6 chiffres")
    assertNotContains(page, "facultatif")


def test_a_town_typed_with_the_name_is_left_out_with_a_word_of_advice(client):
    CompanyFactory(legal_name="HYPERMARCHES DU VAR", brand="SUPER PRIX", city="TOULON", postal_code="83000")
    choose(client, "achat-magasin-prix")
    page = client.get(reverse("reports:company"), {"q": "super prix toulon"})
    assertContains(page, "SUPER PRIX")
    if connection.vendor != "postgresql":  # PostgreSQL's search already ignores a word the names lack
        assertContains(page, "Aucun nom ne contient « toulon »")
        assertContains(page, "code postal")


def test_a_purchase_after_the_problem_is_refused_at_its_field(client):
    choose(client, "achat-magasin-defectueux", purpose="company")
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": CompanyFactory().siret})
    response = client.post(
        reverse("reports:details"),
        {"occurred_on": (date.fromisoformat(YESTERDAY) - timedelta(days=3)).isoformat(), "description": "Cassé.",
         "q_date-achat": YESTERDAY},
    )  # fmt: skip
    assertContains(response, "Cette date suit celle du problème", status_code=400)


def test_changing_the_company_from_the_confirmation_comes_back_to_it(client, verified_addresses):
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": CompanyFactory().siret})
    fill_details(client)
    fill_consumer(client, email="paule@example.fr", share_identity="no")
    page = client.get(reverse("reports:confirmation"))
    assertContains(page, reverse("reports:company") + "?retour=confirmation")
    client.get(reverse("reports:company") + "?retour=confirmation")
    other = CompanyFactory()
    response = client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": other.siret})
    assertRedirects(response, reverse("reports:confirmation"), fetch_redirect_response=False)
    # Without the link's word, the next step as before.
    response = client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": other.siret})
    assertRedirects(response, reverse("reports:details"), fetch_redirect_response=False)


def test_the_confirmation_writes_dates_as_the_other_pages_do(client, verified_addresses):
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": CompanyFactory().siret})
    fill_details(client)
    fill_consumer(client, email="paule@example.fr", share_identity="no")
    page = client.get(reverse("reports:confirmation"))
    assertContains(page, formats.date_format(date.fromisoformat(YESTERDAY)))
    assertNotContains(page, YESTERDAY)


def test_the_agents_home_does_not_repeat_its_heading(client, agent_user):
    ReportFactory()
    client.force_login(agent_user)
    page = client.get(reverse("agents:home")).content.decode()
    assert '<caption class="fr-sr-only">Derniers signalements</caption>' in page


def test_the_spreadsheet_names_the_tags(agent_user):
    tag = Tag.objects.get(slug="produit-dangereux")
    report = ReportFactory()
    report.tags.add(tag)
    export = Export.objects.create(user=agent_user, kind="xlsx", query="")
    exports.export_build(export_id=export.pk)
    export.refresh_from_db()
    sheet = load_workbook(BytesIO(export.file.read())).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[header.index("Mots-clés")] == tag.label_fr


def test_an_inspection_sent_twice_is_launched_once_and_its_date_defaults_to_today(client, agent_user):
    report = ReportFactory()
    client.force_login(agent_user)
    page = client.get(reverse("inspections:new") + f"?signalement={report.reference}")
    assertContains(page, f'value="{timezone.localdate().isoformat()}"')
    data = {
        "entreprise": report.company.siret,
        "reports": [report.reference],
        "planned_on": timezone.localdate().isoformat(),
        "notes": "Étiquettes",
    }
    for _ in range(2):
        client.post(reverse("inspections:new"), data)
    assert Inspection.objects.count() == 1


def test_the_export_page_never_reloads_itself(client, agent_user):
    export = Export.objects.create(user=agent_user, kind="xlsx", query="")
    client.force_login(agent_user)
    page = client.get(reverse("agents:export", args=[export.pk]))
    assertNotContains(page, 'http-equiv="refresh"')
    assertContains(page, "js/export.js")
    assert client.get(reverse("agents:export_status", args=[export.pk])).json() == {"status": "pending"}


def test_the_charts_take_their_colours_from_the_stylesheet(client, agent_user):
    company = CompanyFactory()
    ReportFactory(company=company)
    client.force_login(agent_user)
    page = client.get(reverse("agents:company", args=[company.siret])).content.decode()
    assert "sc-chart__part--waiting" in page and 'fill="#' not in page and 'stroke="#' not in page


def test_every_email_says_who_writes_and_why(django_capture_on_commit_callbacks):
    from reports import lifecycle

    report = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.report_filed(report=report)
    message = next(m for m in mail.outbox if report.email in m.to)
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "République" in text and "DGCCRF" in text
        assert "parce que vous y avez déposé un signalement" in text
        # The personal-data link leads to the personal-data notice.
        assert reverse("personal_data") in text and reverse("legal_notice") not in text


def test_a_bad_request_has_its_own_page(client, settings):
    settings.ATTACHMENT_MAX_SIZE = 1000
    settings.ATTACHMENT_MAX_COUNT = 1
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": CompanyFactory().siret})
    response = client.post(reverse("reports:details"), {"files": [files.upload("a.pdf", files.pdf() * 30)]})
    assertContains(response, "Demande incorrecte", status_code=400)
