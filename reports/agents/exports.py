"""Exports of reports for agents, built by a worker: the XLSX of a search (up
to 30,000 rows, streamed row by row with openpyxl's write-only mode, so memory
stays flat) and the PDF of one report or a selection (up to 1,000). The file
is kept EXPORT_DAYS, then purged."""

import logging
import tempfile
from datetime import timedelta

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from reports.agents.forms import InvalidFilters, search_filters
from reports.models import Export, ExportKind, ExportStatus, Report, Response
from reports.search import reports_search
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.background import start_task
from signalconso.locks import job_lock
from signalconso.pdf import pdf_from_template

logger = logging.getLogger(__name__)

XLSX_MAX_ROWS = 30_000
PDF_MAX_REPORTS = 1_000
EXPORT_DAYS = 10
CHUNK = 2_000
# The error an agent reads on the export's page.
INVALID_FILTERS = "invalid_filters"

COLUMNS = [
    ("Référence", lambda r, resp: r.reference),
    ("Déposé le", lambda r, resp: timezone.localtime(r.created_at).replace(tzinfo=None)),
    ("Statut", lambda r, resp: r.get_status_display()),
    ("Catégorie", lambda r, resp: " › ".join(r.category_path)),
    ("Entreprise", lambda r, resp: r.company_name),
    ("SIRET", lambda r, resp: r.company_siret),
    ("Département", lambda r, resp: r.department),
    ("Site internet", lambda r, resp: r.website.host if r.website_id else ""),
    ("Téléphone signalé", lambda r, resp: r.phone),
    ("Date des faits", lambda r, resp: r.occurred_on),
    ("Description", lambda r, resp: r.description),
    ("Mots-clés", lambda r, resp: ", ".join(t.label_fr for t in r.tags.all())),
    ("Réponse", lambda r, resp: resp.get_kind_display() if resp else ""),
    ("Message de l’entreprise", lambda r, resp: resp.message if resp else ""),
    ("Consommateur", lambda r, resp: f"{r.first_name} {r.last_name}".strip()),
    ("Adresse électronique", lambda r, resp: r.email),
    ("Identité transmise", lambda r, resp: "oui" if r.share_identity else "non"),
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
    if export.references:
        return Report.objects.visible_to(export.user).filter(reference__in=export.references)
    return reports_search(export.user, search_filters(QueryDict(export.query)))


def export_build(*, export_id: int) -> None:
    # Claimed first: a task delivered twice builds the file once.
    if not Export.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(status=ExportStatus.BUILDING):
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
    except Exception as error:
        logger.exception("export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=str(error)[:300])
        raise
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE, rows=rows, file=export.file.name, finished_at=timezone.now()
    )


def _cell(value):
    """Text as typed by anybody: never a formula, never a character XLSX refuses."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
    return value


def _response(report: Report) -> Response | None:
    try:
        return report.response
    except Response.DoesNotExist:
        return None


def _build_xlsx(export: Export) -> int:
    reports = _reports_of(export).select_related("website", "response").prefetch_related("tags")[:XLSX_MAX_ROWS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Signalements")
    sheet.append([title for title, _value in COLUMNS])
    count = 0
    # A server-side cursor on PostgreSQL: rows arrive CHUNK at a time.
    for report in reports.iterator(chunk_size=CHUNK):
        response = _response(report)
        sheet.append([_cell(value(report, response)) for _title, value in COLUMNS])
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
