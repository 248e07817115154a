"""Exports of reports for agents, built by a worker: the XLSX of a search (up
to 30,000 rows, streamed row by row with openpyxl's write-only mode, so memory
stays flat) and the PDF of one report or a selection (up to 1,000). The file
is kept EXPORT_DAYS, then purged."""

import logging
import tempfile
from datetime import timedelta
from itertools import islice

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from openpyxl import Workbook

from reports.agents.forms import InvalidFilters, search_filters
from reports.models import Export, ExportKind, ExportStatus, Report, ReportStatus, Response, ResponseKind
from reports.search import reports_search
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.background import send_task_now, start_task
from signalconso.db import reads
from signalconso.locks import job_lock
from signalconso.pdf import pdf_from_template
from signalconso.spreadsheets import safe_cell

logger = logging.getLogger(__name__)

XLSX_MAX_ROWS = 30_000
PDF_MAX_REPORTS = 1_000
EXPORT_DAYS = 10
CHUNK = 2_000
# The errors an agent reads on the export's page.
INVALID_FILTERS = "invalid_filters"
TIMED_OUT = "timed_out"

# Each column: its title, the fields it reads, and how a row's values become the cell.
COLUMNS = [
    ("Référence", ("reference",), lambda ref: ref),
    ("Déposé le", ("created_at",), lambda at: timezone.localtime(at).replace(tzinfo=None)),
    ("Statut", ("status",), None),  # labelled, see _labels
    ("Catégorie", ("category_path",), lambda path: " › ".join(path)),
    ("Entreprise", ("company_name",), lambda name: name),
    ("SIRET", ("company_siret",), lambda siret: siret),
    ("Département", ("department",), lambda department: department),
    ("Site internet", ("website__host",), lambda host: host or ""),
    ("Téléphone signalé", ("phone",), lambda phone: phone),
    ("Date des faits", ("occurred_on",), lambda day: day),
    ("Description", ("description",), lambda text: text),
    ("Mots-clés", ("pk",), None),  # the tags, fetched a chunk at a time
    ("Réponse", ("response__kind",), None),  # labelled
    ("Message de l’entreprise", ("response__message",), lambda message: message or ""),
    ("Consommateur", ("first_name", "last_name"), lambda first, last: f"{first} {last}".strip()),
    ("Adresse électronique", ("email",), lambda email: email),
    ("Identité transmise", ("share_identity",), lambda shared: "oui" if shared else "non"),
]


def export_request(*, user, kind: str, query: str = "", references=()) -> Export:
    """Queues an export; the worker builds it after commit."""
    export = Export.objects.create(
        user=user, kind=kind, query=query[:2000], references=list(references)[:PDF_MAX_REPORTS]
    )
    start_task("reports.tasks.build_export", export.pk)
    return export


def export_downloaded(*, export: Export, user) -> None:
    """Every download of personal data is recorded: who, when, which filters, how many rows."""
    record_event(
        EventKind.EXPORT_DOWNLOADED,
        actor=ActorKind.AGENT,
        user=user,
        details={"export": export.pk, "kind": export.kind, "filters": export.query,
                 "references": len(export.references), "rows": export.rows},
    )  # fmt: skip


def _reports_of(export: Export):
    """The export's reports, read from the replica when there is one."""
    if export.references:
        return Report.objects.visible_to(export.user).filter(reference__in=export.references).using(reads())
    return reports_search(export.user, search_filters(QueryDict(export.query))).using(reads())


def export_build(*, export_id: int) -> None:
    # Claimed first: a task delivered twice builds the file once.
    claimed = Export.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.BUILDING, started_at=timezone.now()
    )
    if not claimed:
        return
    export = Export.objects.select_related("user").get(pk=export_id)
    try:
        build = _build_xlsx if export.kind == ExportKind.XLSX else _build_pdf
        rows = build(export)
    except InvalidFilters:
        # Never "everything" for filters that no longer hold: the agent is told.
        logger.warning("export %s refused: its filters no longer hold", export.pk)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=INVALID_FILTERS)
        return
    except SoftTimeLimitExceeded:
        logger.error("export %s stopped at its time limit", export.pk)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=TIMED_OUT)
        return
    except Exception as error:
        logger.exception("export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=str(error)[:300])
        raise
    finished = Export.objects.filter(pk=export.pk, status=ExportStatus.BUILDING).update(
        status=ExportStatus.DONE, rows=rows, file=export.file.name, finished_at=timezone.now()
    )
    if not finished:
        # Failed meanwhile as stuck (exports_fail_stuck): the agent was told, the file is not kept.
        default_storage.delete(export.file.name)


# An export still waiting this long had its task lost: the broker was down
# when it was asked for (start_task logged it), or its message went missing.
WAITING_RESEND_AFTER = timedelta(minutes=5)


def exports_resend_waiting() -> int:
    """Sends the build of the exports still waiting after WAITING_RESEND_AFTER
    again. A build delivered twice is harmless: the first claims the export,
    the second finds it claimed and leaves it."""
    waiting = Export.objects.filter(
        status=ExportStatus.PENDING, created_at__lte=timezone.now() - WAITING_RESEND_AFTER
    ).values_list("pk", flat=True)
    count = 0
    for pk in waiting.iterator():
        send_task_now("reports.tasks.build_export", pk)
        count += 1
    return count


def exports_fail_stuck() -> int:
    """Fails the exports still building past EXPORT_TIME_LIMIT: their worker was
    killed at that limit, or died, and a task delivered again finds the export
    claimed and leaves it. The agent reads on its page why, and what to do."""
    cutoff = timezone.now() - timedelta(seconds=settings.EXPORT_TIME_LIMIT)
    # Exports claimed before started_at existed are judged by their request's time.
    stuck = Export.objects.filter(
        Q(started_at__lte=cutoff) | Q(started_at__isnull=True, created_at__lte=cutoff),
        status=ExportStatus.BUILDING,
    )
    failed = stuck.update(status=ExportStatus.FAILED, error=TIMED_OUT)
    if failed:
        logger.error("failed %s exports still building after %s seconds", failed, settings.EXPORT_TIME_LIMIT)
    return failed


def _response(report: Report) -> Response | None:
    try:
        return report.response
    except Response.DoesNotExist:
        return None


def _labels() -> dict[str, dict]:
    """The French labels of the coded columns, looked up once per export rather
    than once per cell."""
    with translation.override("fr"):
        return {
            "Statut": {value: str(label) for value, label in ReportStatus.choices},
            "Réponse": {None: "", **{value: str(label) for value, label in ResponseKind.choices}},
        }


def _tags_of(report_ids: list[int], using: str) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    links = Report.tags.through.objects.using(using).filter(report_id__in=report_ids).order_by("tag__label_fr")
    for report_id, label in links.values_list("report_id", "tag__label_fr"):
        names.setdefault(report_id, []).append(label)
    return {report_id: ", ".join(labels) for report_id, labels in names.items()}


def _xlsx_rows(reports):
    """The sheet's rows, in the search's order: plain values (no model
    instances) through a server-side cursor on PostgreSQL, and the tags of
    each CHUNK of reports in one query."""
    fields = [field for _title, read, _make in COLUMNS for field in read]
    pk = fields.index("pk")
    labels = _labels()
    values = reports.values_list(*fields).iterator(chunk_size=CHUNK)
    while chunk := list(islice(values, CHUNK)):
        tags = _tags_of([row[pk] for row in chunk], reports.db)
        for row in chunk:
            cells, at = [], 0
            for title, read, make in COLUMNS:
                args = row[at : at + len(read)]
                at += len(read)
                if title == "Mots-clés":
                    cells.append(tags.get(args[0], ""))
                elif make is None:
                    cells.append(labels[title].get(args[0], args[0]))
                else:
                    cells.append(safe_cell(make(*args)))
            yield cells


def _build_xlsx(export: Export) -> int:
    reports = _reports_of(export)[:XLSX_MAX_ROWS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Signalements")
    sheet.append([title for title, _read, _make in COLUMNS])
    count = 0
    for row in _xlsx_rows(reports):
        sheet.append(row)
        count += 1
    with tempfile.TemporaryFile() as out:
        workbook.save(out)
        out.seek(0)
        export.file.save("export.xlsx", File(out), save=False)
    return count


def _build_pdf(export: Export) -> int:
    reports = list(_reports_of(export).select_related("website", "response")[:PDF_MAX_REPORTS])
    pdf = pdf_from_template("agents/reports_pdf.html", {"items": [(r, _response(r)) for r in reports]})
    export.file.save("export.pdf", ContentFile(pdf), save=False)
    return len(reports)


def exports_purge() -> int:
    """Deletes the exports older than EXPORT_DAYS, and their files."""
    with job_lock("purge-exports") as taken:
        if not taken:
            return 0
        old = Export.objects.filter(created_at__lt=timezone.now() - timedelta(days=EXPORT_DAYS))
        deleted = 0
        for export in old.iterator():
            if export.file.name:
                try:
                    default_storage.delete(export.file.name)
                except Exception:
                    logger.exception("could not delete %s; kept for the next purge", export.file.name)
                    continue
            export.delete()
            deleted += 1
        return deleted
