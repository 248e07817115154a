"""The XLSX of the inspections list: built at once (a list of inspections is
short: at most XLSX_MAX_ROWS rows), in the list's filters and order."""

import io

from django.utils import translation
from openpyxl import Workbook

from inspections.models import BreachKind, InspectionOutcome, InspectionStatus
from signalconso.spreadsheets import safe_cell

XLSX_MAX_ROWS = 5000
TITLES = [
    "N°", "Entreprise", "SIRET", "Tout le SIREN", "Département", "Agent chargé", "Date prévue", "État",
    "Suite", "Manquement", "Conclu le", "Signalements", "Notes",
]  # fmt: skip


def inspections_xlsx(inspections) -> bytes:
    with translation.override("fr"):
        statuses = {v: str(label) for v, label in InspectionStatus.choices}
        outcomes = {"": "", **{v: str(label) for v, label in InspectionOutcome.choices}}
        breaches = {"": "", **{v: str(label) for v, label in BreachKind.choices}}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contrôles")
    sheet.append(TITLES)
    rows = inspections.select_related("company", "agent").prefetch_related("reports")[:XLSX_MAX_ROWS]
    for inspection in rows:
        agent = inspection.agent
        sheet.append(
            [
                inspection.pk,
                safe_cell(inspection.company.name),
                inspection.company.siret,
                "oui" if inspection.whole_siren else "non",
                inspection.department,
                safe_cell((agent.get_full_name() or agent.email) if agent else ""),
                inspection.planned_on,
                statuses.get(inspection.status, inspection.status),
                outcomes.get(inspection.outcome, inspection.outcome),
                breaches.get(inspection.breach, inspection.breach),
                inspection.concluded_on,
                ", ".join(report.reference for report in inspection.reports.all()),
                safe_cell(inspection.notes),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
