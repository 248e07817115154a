"""Exports built by the worker: the XLSX of a search opened and its rows
checked, the PDF of a report, the waiting page, the scope, the purge."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django.asserts import assertContains

from reports.agents import exports
from reports.models import Export, ExportStatus, Tag

from ..accounts.factories import UserFactory
from .factories import ReportFactory, company_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def request_export(client, captured, **data):
    with captured(execute=True):
        response = client.post(reverse("agents:export_create"), data)
    return response, Export.objects.latest("pk")


def test_the_xlsx_of_a_search_holds_its_rows(client, agent_user, django_capture_on_commit_callbacks):
    var = [ReportFactory(department="83", description=f"Problème {n}") for n in range(3)]
    ReportFactory(department="13")
    answered = var[0]
    answered.status = "Transmis"
    answered.save()
    from reports import lifecycle

    lifecycle.report_answer(
        report=answered, user=company_user(answered.company), kind="rejected", reason="conforme", message="Conforme"
    )
    client.force_login(agent_user)
    response, export = request_export(client, django_capture_on_commit_callbacks, kind="xlsx", query="departements=83")
    assert response["Location"] == reverse("agents:export", args=[export.pk])
    assert export.status == ExportStatus.DONE and export.rows == 3
    assertContains(client.get(response["Location"]), "Télécharger")
    download = client.get(reverse("agents:export_file", args=[export.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="signalements-')
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Référence", "Déposé le", "Statut")
    assert sorted(row[0] for row in rows[1:]) == sorted(r.reference for r in var)
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference[answered.reference][12] == "Infondé : l’entreprise conteste le signalement"
    assert by_reference[answered.reference][13] == "Conforme"
    assert all(row[6] == "83" for row in rows[1:])
    assert by_reference[var[1].reference][2] == "Transmis, pas encore lu"  # labels, never codes
    assert by_reference[var[1].reference][12] in ("", None)


def test_the_xlsx_names_the_tags_and_lists_the_newest_first(client, agent_user, django_capture_on_commit_callbacks):
    older, newer = ReportFactory(department="83"), ReportFactory(department="83")
    older.tags.add(*Tag.objects.filter(slug__in=["alimentation", "demarchage-abusif"]))
    exports.CHUNK, chunk = 1, exports.CHUNK  # one report per chunk: the tags follow their report
    try:
        client.force_login(agent_user)
        _response, export = request_export(client, django_capture_on_commit_callbacks, kind="xlsx")
    finally:
        exports.CHUNK = chunk
    with default_storage.open(export.file.name) as stored:
        rows = list(load_workbook(io.BytesIO(stored.read()), read_only=True).active.values)
    assert [row[0] for row in rows[1:]] == [newer.reference, older.reference]
    labels = ", ".join(
        sorted(Tag.objects.filter(slug__in=["alimentation", "demarchage-abusif"]).values_list("label_fr", flat=True))
    )
    assert rows[2][11] == labels and rows[1][11] in ("", None)


def test_the_xlsx_stops_at_its_limit(client, agent_user, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    for _ in range(4):
        ReportFactory()
    client.force_login(agent_user)
    _response, export = request_export(client, django_capture_on_commit_callbacks, kind="xlsx")
    assert export.rows == 2


def test_a_food_safety_agents_export_holds_only_food_reports(client, django_capture_on_commit_callbacks):
    food = ReportFactory()
    food.tags.add(Tag.objects.get(slug="alimentation"))
    other = ReportFactory()
    client.force_login(UserFactory(food_safety_agent=True))
    _response, export = request_export(client, django_capture_on_commit_callbacks, kind="xlsx")
    sheet = load_workbook(export.file.open("rb"), read_only=True).active
    assert [row[0] for row in list(sheet.values)[1:]] == [food.reference]
    response = client.post(reverse("agents:export_create"), {"kind": "pdf", "reference": other.reference})
    assert response.status_code == 404


def test_the_pdf_of_one_report(client, agent_user, django_capture_on_commit_callbacks):
    report = ReportFactory()
    client.force_login(agent_user)
    _response, export = request_export(
        client, django_capture_on_commit_callbacks, kind="pdf", reference=report.reference
    )
    assert export.rows == 1
    content = export.file.open("rb").read()
    assert content.startswith(b"%PDF-")


def test_the_waiting_page_asks_until_ready_and_is_the_owners_only(client, agent_user):
    report = ReportFactory()
    client.force_login(agent_user)
    client.post(reverse("agents:export_create"), {"kind": "pdf", "reference": report.reference})
    export = Export.objects.get()  # not built: its task runs after commit
    page = client.get(reverse("agents:export", args=[export.pk]))
    assertContains(page, reverse("agents:export_status", args=[export.pk]))  # asked by a script, never reloaded
    assert client.get(reverse("agents:export_file", args=[export.pk])).status_code == 404
    client.force_login(UserFactory(agent=True))
    assert client.get(reverse("agents:export", args=[export.pk])).status_code == 404
    assert client.get(reverse("agents:export_status", args=[export.pk])).status_code == 404


def test_exports_are_purged_after_ten_days(client, agent_user, django_capture_on_commit_callbacks):
    ReportFactory()
    client.force_login(agent_user)
    _response, export = request_export(client, django_capture_on_commit_callbacks, kind="xlsx")
    path = export.file.name
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        assert exports.exports_purge() == 0
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        assert exports.exports_purge() == 1
    assert not Export.objects.exists() and not default_storage.exists(path)


def test_the_pdf_of_the_reports_ticked_in_the_results(client, agent_user, django_capture_on_commit_callbacks):
    chosen = [ReportFactory(), ReportFactory()]
    ReportFactory()
    client.force_login(agent_user)
    page = client.get(reverse("agents:search"))
    assertContains(page, f'name="reference" value="{chosen[0].reference}"')
    _response, export = request_export(
        client, django_capture_on_commit_callbacks, kind="pdf", reference=[r.reference for r in chosen]
    )
    assert export.rows == 2 and sorted(export.references) == sorted(r.reference for r in chosen)
    nothing = client.post(reverse("agents:export_create"), {"kind": "pdf"})
    assert nothing.status_code == 302 and not Export.objects.filter(pk__gt=export.pk).exists()


def test_an_export_whose_filters_no_longer_hold_says_so(client, django_capture_on_commit_callbacks):
    agent = UserFactory(agent=True)
    export = Export.objects.create(user=agent, kind="xlsx", query="telephone=abc")
    exports.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file
    client.force_login(agent)
    assertContains(client.get(reverse("agents:export", args=[export.pk])), "ne sont plus valables")


def test_every_download_of_an_export_is_recorded(client):
    from signalconso.audit import Event

    agent = UserFactory(agent=True)
    ReportFactory()
    export = Export.objects.create(user=agent, kind="xlsx", query="departements=13")
    exports.export_build(export_id=export.pk)
    client.force_login(agent)
    assert client.get(reverse("agents:export_file", args=[export.pk])).status_code == 200
    event = Event.objects.get(action="export_downloaded")
    assert event.user == agent
    assert event.details == {
        "export": export.pk,
        "kind": "xlsx",
        "filters": "departements=13",
        "references": 0,
        "rows": 0,
    }


def _building(agent, *, started_ago: timedelta) -> Export:
    export = Export.objects.create(user=agent, kind="xlsx", status=ExportStatus.BUILDING)
    Export.objects.filter(pk=export.pk).update(started_at=timezone.now() - started_ago)
    return export


def test_an_export_building_past_its_limit_is_failed_and_its_agent_told(client, settings):
    settings.EXPORT_TIME_LIMIT = 1800
    agent = UserFactory(agent=True)
    stuck = _building(agent, started_ago=timedelta(seconds=1801))
    recent = _building(agent, started_ago=timedelta(seconds=1700))
    done = Export.objects.create(user=agent, kind="pdf", status=ExportStatus.DONE)
    Export.objects.filter(pk=done.pk).update(started_at=timezone.now() - timedelta(days=1))

    assert exports.exports_fail_stuck() == 1
    stuck.refresh_from_db(), recent.refresh_from_db(), done.refresh_from_db()
    assert (stuck.status, stuck.error) == (ExportStatus.FAILED, exports.TIMED_OUT)
    assert (recent.status, recent.error) == (ExportStatus.BUILDING, "")
    assert done.status == ExportStatus.DONE
    assert exports.exports_fail_stuck() == 0  # run again: nothing more to do

    client.force_login(agent)
    page = client.get(reverse("agents:export", args=[stuck.pk]))
    assertContains(page, "Échec de l’export")
    assertContains(page, "L’export a pris trop de temps et a été arrêté. Réduisez la recherche")
    assert client.get(reverse("agents:export_status", args=[stuck.pk])).json() == {"status": "failed"}


def test_an_export_claimed_before_its_start_was_recorded_is_judged_by_its_request(settings):
    settings.EXPORT_TIME_LIMIT = 600
    agent = UserFactory(agent=True)
    old = Export.objects.create(user=agent, kind="xlsx", status=ExportStatus.BUILDING)
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    new = Export.objects.create(user=agent, kind="xlsx", status=ExportStatus.BUILDING)
    assert exports.exports_fail_stuck() == 1
    assert Export.objects.get(pk=old.pk).status == ExportStatus.FAILED
    assert Export.objects.get(pk=new.pk).status == ExportStatus.BUILDING


def test_the_worker_records_when_it_starts_an_export(agent_user):
    ReportFactory()
    export = Export.objects.create(user=agent_user, kind="xlsx")
    before = timezone.now()
    exports.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert before <= export.started_at <= export.finished_at


def test_an_export_interrupted_at_its_soft_limit_says_it_took_too_long(client, agent_user, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def too_long(export):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(exports, "_build_xlsx", too_long)
    export = Export.objects.create(user=agent_user, kind="xlsx")
    exports.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.error) == (ExportStatus.FAILED, exports.TIMED_OUT)
    client.force_login(agent_user)
    assertContains(client.get(reverse("agents:export", args=[export.pk])), "a pris trop de temps")


def test_an_export_failed_as_stuck_stays_failed_when_its_worker_finishes_late(agent_user, monkeypatch):
    ReportFactory()
    export = Export.objects.create(user=agent_user, kind="xlsx")
    build, written = exports._build_xlsx, []

    def slow(export):
        rows = build(export)
        written.append(export.file.name)
        # Meanwhile, the periodic job found it building for too long.
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=exports.TIMED_OUT)
        return rows

    monkeypatch.setattr(exports, "_build_xlsx", slow)
    exports.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.error, export.file.name) == (ExportStatus.FAILED, exports.TIMED_OUT, "")
    assert written and not default_storage.exists(written[0])


def test_an_export_asked_for_while_the_broker_was_down_is_built_by_the_periodic_job(agent_user, monkeypatch):
    from reports import tasks
    from signalconso import background

    ReportFactory()

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    with monkeypatch.context() as patched:
        patched.setitem(background.app.conf, "task_always_eager", False)
        patched.setattr(background.app, "send_task", broker_down)
        export = exports.export_request(user=agent_user, kind="xlsx")
        background.send_task_now("reports.tasks.build_export", export.pk)  # what on_commit would do
    assert Export.objects.get(pk=export.pk).status == ExportStatus.PENDING

    tasks.fail_stuck_exports()
    assert Export.objects.get(pk=export.pk).status == ExportStatus.PENDING  # too young: maybe only queued

    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    tasks.fail_stuck_exports()
    export.refresh_from_db()
    assert (export.status, export.rows) == (ExportStatus.DONE, 1)
