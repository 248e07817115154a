"""Moves the old per-report records (reports.Inspection: a date, an outcome,
notes) into inspections: each one becomes a concluded inspection of its
report's company, linking that report.

The old rows stay where they are, read only (nothing writes them any more):
a record whose report has no company we can find is not moved, and stays
readable there. Running this twice moves nothing twice (`migrated_from`)."""

from django.db import migrations

OLD_OUTCOMES = {
    "compliant": "no_breach",
    "warning": "warning",
    "injunction": "injunction",
    "fine": "fine",
    "other": "other",
}


def move_report_inspections(apps, schema_editor) -> int:
    """Returns how many records were moved."""
    OldInspection = apps.get_model("reports", "Inspection")
    Inspection = apps.get_model("inspections", "Inspection")
    Company = apps.get_model("companies", "Company")
    done = set(Inspection.objects.exclude(migrated_from=None).values_list("migrated_from", flat=True))
    moved = 0
    for old in OldInspection.objects.select_related("report", "report__company").order_by("pk").iterator():
        if old.pk in done:
            continue
        report = old.report
        company = report.company
        if company is None and report.company_siret:
            company = Company.objects.filter(siret=report.company_siret).first()
        if company is None:
            continue
        new = Inspection.objects.create(
            company=company,
            department=report.department or company.department or "",
            agent_id=old.user_id,
            created_by_id=old.user_id,
            planned_on=old.inspected_on,
            concluded_on=old.inspected_on,
            status="done",
            outcome=OLD_OUTCOMES.get(old.outcome, "other"),
            notes=old.notes,
            migrated_from=old.pk,
        )
        # auto_now_add: the date it was recorded is the old row's.
        Inspection.objects.filter(pk=new.pk).update(created_at=old.created_at)
        new.reports.add(report)
        moved += 1
    return moved


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_inspections"),
        ("reports", "0015_export_started_at"),
        ("companies", "0007_set_aside_indexes"),
    ]

    operations = [migrations.RunPython(move_report_inspections, migrations.RunPython.noop, elidable=False)]
