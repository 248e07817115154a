"""Inspections: the old records' migration, the state machine, launching from
a company, a report or the search, the confidentiality, the access, the
candidates' score, the list and the figures."""

import importlib
import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from inspections import lifecycle
from inspections.models import Inspection, InspectionStatus
from inspections.selectors import inspection_candidates
from notifications.models import OutgoingEmail
from reports.models import Inspection as OldInspection
from reports.models import Rating, Review, ReviewAbout, Tag
from reports.statistics import snapshot
from reports.wizard.links import follow_up_token
from signalconso.audit import Event

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory
from ..reports.factories import ReportFactory, company_user

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 4)


def ticked(page, reference: str) -> bool:
    """Whether the launch form's box of this report is ticked."""
    return bool(re.search(rf'value="{reference}"\s+id="[^"]*" checked', page.content.decode()))


def launch(agent, *reports, company=None, **fields):
    company = company or reports[0].company
    return lifecycle.inspection_launch(company=company, user=agent, planned_on=TODAY, reports=reports, **fields)


# --- The migration of the old per-report records -------------------------------------


def test_the_old_records_become_concluded_inspections_of_their_reports_company(agent_user):
    move = importlib.import_module("inspections.migrations.0002_from_report_inspections").move_report_inspections
    report = ReportFactory()
    old = OldInspection.objects.create(
        report=report, user=agent_user, inspected_on=date(2025, 3, 1), outcome="compliant", notes="Rien à redire."
    )
    OldInspection.objects.create(report=report, user=None, inspected_on=date(2025, 6, 1), outcome="fine")
    orphan = ReportFactory(not_for_company=True)
    OldInspection.objects.create(report=orphan, inspected_on=date(2025, 6, 1), outcome="warning")

    assert move(apps, None) == 2

    first = Inspection.objects.get(migrated_from=old.pk)
    assert (first.company, first.status, first.outcome) == (report.company, InspectionStatus.DONE, "no_breach")
    assert (first.planned_on, first.concluded_on, first.agent) == (date(2025, 3, 1), date(2025, 3, 1), agent_user)
    assert first.notes == "Rien à redire." and list(first.reports.all()) == [report]
    assert first.department == report.department and first.created_at == old.created_at
    assert Inspection.objects.exclude(pk=first.pk).get().outcome == "fine"
    # The old rows stay, and a second run moves nothing twice.
    assert OldInspection.objects.count() == 3
    assert move(apps, None) == 0 and Inspection.objects.count() == 2


# --- The state machine ----------------------------------------------------------------


def test_the_moves_follow_the_table_and_each_is_an_event_on_every_linked_report(agent_user):
    company = CompanyFactory()
    one, two = ReportFactory(company=company), ReportFactory(company=company)
    inspection = launch(agent_user, one, two)
    assert inspection.status == InspectionStatus.PLANNED and inspection.agent == agent_user
    lifecycle.inspection_start(inspection=inspection, user=agent_user)
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.inspection_start(inspection=inspection, user=agent_user)
    lifecycle.inspection_conclude(
        inspection=inspection, user=agent_user, outcome="injunction", breach="information", concluded_on=TODAY
    )
    inspection.refresh_from_db()
    assert (inspection.status, inspection.outcome, inspection.breach) == ("done", "injunction", "information")
    for move in (lifecycle.inspection_cancel, lifecycle.inspection_start):
        with pytest.raises(lifecycle.IllegalTransition):
            move(inspection=inspection, user=agent_user)
    for report in (one, two):
        actions = list(report.events.order_by("pk").values_list("action", flat=True))
        assert actions[-3:] == ["inspection_launched", "inspection_started", "inspection_concluded"]


def test_a_breach_needs_its_kind_and_no_breach_keeps_none(agent_user):
    inspection = launch(agent_user, ReportFactory())
    with pytest.raises(lifecycle.IllegalTransition) as refusal:
        lifecycle.inspection_conclude(inspection=inspection, user=agent_user, outcome="fine", concluded_on=TODAY)
    assert refusal.value.field == "breach"
    lifecycle.inspection_conclude(
        inspection=inspection, user=agent_user, outcome="no_breach", breach="misleading", concluded_on=TODAY
    )
    inspection.refresh_from_db()
    assert (inspection.outcome, inspection.breach) == ("no_breach", "")


def test_of_two_concurrent_updates_only_one_wins(agent_user, admin_user):
    inspection = launch(agent_user, ReportFactory())
    # Both agents read the inspection while it is planned.
    mine, theirs = Inspection.objects.get(pk=inspection.pk), Inspection.objects.get(pk=inspection.pk)
    lifecycle.inspection_conclude(inspection=mine, user=agent_user, outcome="no_breach", concluded_on=TODAY)
    with pytest.raises(lifecycle.IllegalTransition, match="modifié par quelqu’un d’autre"):
        lifecycle.inspection_cancel(inspection=theirs, user=admin_user)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DONE
    assert Event.objects.filter(action="inspection_cancelled").count() == 0


def test_a_report_of_another_company_cannot_be_linked(agent_user):
    report, elsewhere = ReportFactory(), ReportFactory()
    with pytest.raises(lifecycle.LaunchRefused):
        launch(agent_user, report, elsewhere, company=report.company)
    sibling = ReportFactory(company=CompanyFactory(siren=report.company.siren, siret=report.company.siren + "00029"))
    inspection = launch(agent_user, report, sibling, company=report.company, whole_siren=True)
    assert inspection.reports.count() == 2


# --- Launching from the agents' pages --------------------------------------------------


def test_an_agent_launches_from_the_report_page_and_the_report_shows_it(client, agent_user):
    report = ReportFactory()
    client.force_login(agent_user)
    page = client.get(reverse("agents:report", args=[report.reference]))
    link = reverse("inspections:new") + f"?signalement={report.reference}"
    assertContains(page, link)
    form = client.get(link)
    assert ticked(form, report.reference)
    answer = client.post(
        reverse("inspections:new"),
        {"entreprise": report.company.siret, "reports": [report.reference], "planned_on": "2026-12-10"},
    )
    inspection = Inspection.objects.get()
    assert answer.url == reverse("inspections:detail", args=[inspection.pk])
    page = client.get(reverse("agents:report", args=[report.reference]))
    assertContains(page, reverse("inspections:detail", args=[inspection.pk]))
    assertContains(page, "Contrôle lancé")  # the timeline


def test_an_agent_launches_from_the_company_page(client, agent_user):
    company = CompanyFactory()
    client.force_login(agent_user)
    page = client.get(reverse("agents:company", args=[company.siret]))
    assertContains(page, reverse("inspections:new") + f"?entreprise={company.siret}")
    client.post(reverse("inspections:new"), {"entreprise": company.siret, "planned_on": "2026-12-10"})
    assert Inspection.objects.get().company == company
    assert Event.objects.get(action="inspection_launched").company == company


def test_ticked_search_results_prepare_an_inspection_of_their_company(client, agent_user):
    company = CompanyFactory()
    one, two = ReportFactory(company=company), ReportFactory(company=company)
    client.force_login(agent_user)
    page = client.post(reverse("inspections:new"), {"preparer": "1", "reference": [one.reference, two.reference]})
    assert page.status_code == 200 and not Inspection.objects.exists()
    assert ticked(page, one.reference) and ticked(page, two.reference)
    apart = client.post(
        reverse("inspections:new"), {"preparer": "1", "reference": [one.reference, ReportFactory().reference]}
    )
    assert apart.url == reverse("agents:search")


def test_the_detail_page_concludes_and_a_bad_form_says_why(client, agent_user):
    inspection = launch(agent_user, ReportFactory())
    client.force_login(agent_user)
    url = reverse("inspections:conclude", args=[inspection.pk])
    bad = client.post(url, {"outcome": "fine", "concluded_on": "2026-12-04"})
    assertContains(bad, "Dites quel manquement a été constaté.", status_code=400)
    assertContains(bad, 'aria-invalid="true"', status_code=400)
    client.post(url, {"outcome": "fine", "breach": "misleading", "concluded_on": "2026-12-04"})
    inspection.refresh_from_db()
    assert inspection.status == "done"
    again = client.post(url, {"outcome": "no_breach", "concluded_on": "2026-12-04"}, follow=True)
    assertContains(again, "ne peut plus être modifié")


# --- Confidentiality ---------------------------------------------------------------------


def _conclude_through_pages(client, agent, report, django_capture_on_commit_callbacks):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("inspections:new"),
            {"entreprise": report.company.siret, "reports": [report.reference], "planned_on": "2026-12-10"},
        )
        inspection = Inspection.objects.get()
        client.post(reverse("inspections:start", args=[inspection.pk]))
        client.post(
            reverse("inspections:conclude", args=[inspection.pk]),
            {"outcome": "criminal", "breach": "misleading", "concluded_on": "2026-12-10", "notes": "PV n° 12"},
        )
    return inspection


def test_neither_the_company_nor_the_consumer_is_told_by_default(
    client, agent_user, django_capture_on_commit_callbacks
):
    report = ReportFactory(read=True)
    pro = company_user(report.company)
    mail.outbox.clear()
    OutgoingEmail.objects.all().delete()
    _conclude_through_pages(client, agent_user, report, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()
    # Nothing on the company's pages nor on the consumer's (each in a browser of its own).
    traces = ("Contrôle", "contrôle lancé", "PV n° 12", "Procès-verbal", "pénal", "suites ont été données")
    pro_browser = Client()
    pro_browser.force_login(pro)
    pages = [pro_browser.get(reverse("pro:report", args=[report.reference])), pro_browser.get(reverse("pro:reports"))]
    pages.append(Client().get(reverse("reports:follow_up", args=[follow_up_token(report)])))
    for page in pages:
        assert page.status_code == 200
        for trace in traces:
            assertNotContains(page, trace)


def test_with_the_setting_the_consumer_only_learns_that_the_report_was_followed_up(
    client, agent_user, settings, django_capture_on_commit_callbacks
):
    settings.INSPECTION_TELL_CONSUMERS = True
    report = ReportFactory(read=True)
    company_user(report.company)
    mail.outbox.clear()
    _conclude_through_pages(client, agent_user, report, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[report.email]]
    message = mail.outbox[0]
    assert "Des suites ont été données" in message.subject
    assert "Des suites ont été données" in message.body  # the plain-text part
    assert "Des suites ont été données" in message.alternatives[0][0]
    for secret in ("PV n° 12", "pénal", "trompeuse"):
        assert secret not in message.body


# --- Access ------------------------------------------------------------------------------


def test_professionals_get_404_and_anonymous_users_the_login(client, agent_user, pro_user):
    inspection = launch(agent_user, ReportFactory())
    pages = [reverse("inspections:list"), reverse("inspections:detail", args=[inspection.pk])]
    for url in pages:
        assert client.get(url).url.startswith(reverse("accounts:login"))
    client.force_login(pro_user)
    for url in [*pages, reverse("inspections:candidates"), reverse("inspections:figures")]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("inspections:start", args=[inspection.pk])).status_code == 404


def test_a_readonly_administrator_reads_but_cannot_act(client, agent_user, readonly_admin_user):
    inspection = launch(agent_user, ReportFactory())
    client.force_login(readonly_admin_user)
    page = client.get(reverse("inspections:detail", args=[inspection.pk]))
    assertContains(page, "Votre rôle permet de lire, pas d’agir.")
    assert client.post(reverse("inspections:start", args=[inspection.pk])).status_code == 403
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.PLANNED


def test_a_food_safety_agent_works_on_food_reports_only(client, agent_user):
    food_agent = UserFactory(food_safety_agent=True)
    food_tag = Tag.objects.create(slug="alimentation", label_fr="Alimentation")
    food, other = ReportFactory(), ReportFactory()
    food.tags.add(food_tag)
    not_food = launch(agent_user, other)
    client.force_login(food_agent)
    assert client.get(reverse("inspections:detail", args=[not_food.pk])).status_code == 404
    assert client.post(reverse("inspections:start", args=[not_food.pk])).status_code == 404
    assert client.get(reverse("inspections:new") + f"?signalement={other.reference}").status_code == 302
    # Without a food report, nothing to launch; with one, done.
    empty = client.post(reverse("inspections:new"), {"entreprise": food.company.siret, "planned_on": "2026-12-10"})
    assertContains(empty, "Liez au moins un signalement alimentaire", status_code=400)
    client.post(
        reverse("inspections:new"),
        {"entreprise": food.company.siret, "reports": [food.reference], "planned_on": "2026-12-10"},
    )
    mine = Inspection.objects.get(created_by=food_agent)
    assert client.get(reverse("inspections:detail", args=[mine.pk])).status_code == 200
    listed = client.get(reverse("inspections:list"))
    assertContains(listed, reverse("inspections:detail", args=[mine.pk]))
    assertNotContains(listed, reverse("inspections:detail", args=[not_food.pk]))


# --- Where to inspect ----------------------------------------------------------------------


def test_the_candidates_score_gives_its_reasons(agent_user, settings):
    settings.INSPECTION_SCORE_DAYS = 30
    dangerous = Tag.objects.create(slug="produit-dangereux", label_fr="Produit dangereux")
    busy, quiet, inspected = CompanyFactory(), CompanyFactory(), CompanyFactory()
    reports = [ReportFactory(company=busy) for _ in range(4)]
    reports[0].tags.add(dangerous)
    answered = ReportFactory(company=busy, read=True)
    from reports.models import Response

    Response.objects.create(report=answered, kind="rejected", message="Non.")
    Review.objects.create(report=answered, about=ReviewAbout.ANSWER, rating=Rating.NEGATIVE)
    for _ in range(2):
        ReportFactory(company=quiet)
    ReportFactory(company=inspected)
    ReportFactory(company=inspected)
    launch(agent_user, ReportFactory(company=inspected))
    candidates = {c.company: c for c in inspection_candidates(agent_user)}

    top = candidates[busy]
    reasons = {reason.label: reason.points for reason in top.reasons}
    assert reasons["5 signalements en 30 jours"] == 5.0
    assert reasons["5 de plus que les 30 jours d’avant"] == 2.5
    assert reasons["1 signalés comme produit dangereux"] == 5.0
    assert reasons["1 réponses jugées insatisfaisantes"] == 1.0
    assert reasons["80 % des signalements transmis jamais lus"] == 8.0
    assert reasons["aucun contrôle depuis un an"] == 3.0
    assert top.score == round(sum(reasons.values()), 1)
    assert list(candidates)[0] == busy
    assert "aucun contrôle depuis un an" not in {r.label for r in candidates[inspected].reasons}
    # The weights are settings.
    settings.INSPECTION_SCORE_WEIGHTS = {**settings.INSPECTION_SCORE_WEIGHTS, "dangerous": 0.0}
    again = {c.company: c for c in inspection_candidates(agent_user)}[busy]
    assert "1 signalés comme produit dangereux" not in {r.label for r in again.reasons}


def test_the_candidates_page_offers_a_one_click_launch(client, agent_user):
    company = CompanyFactory()
    ReportFactory(company=company), ReportFactory(company=company)
    client.force_login(agent_user)
    page = client.get(reverse("inspections:candidates"))
    assertContains(page, reverse("inspections:new") + f"?entreprise={company.siret}")
    assertContains(page, "2 signalements en 90 jours")


# --- The list, its export, the figures -----------------------------------------------------


def test_the_list_filters_sorts_and_exports(client, agent_user, admin_user):
    early = launch(agent_user, ReportFactory())
    late = lifecycle.inspection_launch(
        company=CompanyFactory(department="13"), user=admin_user, planned_on=TODAY + timedelta(days=9)
    )
    client.force_login(agent_user)
    page = client.get(reverse("inspections:list"), {"mine": "on"})
    assertContains(page, reverse("inspections:detail", args=[early.pk]))
    assertNotContains(page, reverse("inspections:detail", args=[late.pk]))
    page = client.get(reverse("inspections:list"), {"departement": "13"})
    assert list(page.context["inspections"]) == [late]
    page = client.get(reverse("inspections:list"), {"tri": "-date"})
    assert list(page.context["inspections"]) == [late, early]
    bad = client.get(reverse("inspections:list"), {"depuis": "hier", "etat": "fini", "agent": "x"})
    assert bad.status_code == 400
    assertContains(bad, 'aria-invalid="true"', status_code=400)
    sheet = load_workbook(BytesIO(client.get(reverse("inspections:export"), {"tri": "-date"}).content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "N°" and [row[0] for row in rows[1:]] == [late.pk, early.pk]


def test_the_figures_count_inspections_from_reports_by_outcome_and_department(client, agent_user):
    done = launch(agent_user, ReportFactory())
    lifecycle.inspection_conclude(
        inspection=done, user=agent_user, outcome="warning", breach="other", concluded_on=TODAY
    )
    launch(agent_user, ReportFactory())
    cancelled = launch(agent_user, ReportFactory())
    lifecycle.inspection_cancel(inspection=cancelled, user=agent_user)
    lifecycle.inspection_launch(company=CompanyFactory(), user=agent_user, planned_on=TODAY)  # from no report
    client.force_login(agent_user)
    page = client.get(reverse("inspections:figures"))
    assert page.context["figures"]["total"] == 3
    assert dict(page.context["figures"]["by_outcome"])["Avertissement pédagogique"] == 1
    assert snapshot.compute(now=timezone.now())["figures"]["inspections_from_reports"]["count"] == 2
