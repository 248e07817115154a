"""The emails about reports: to the consumer (in the report's language), to
the company's users, and to the agents."""

from datetime import timedelta

from django.utils import timezone, translation

from companies.emails import sample_company
from notifications.emails import EmailGone, site_link
from reports.models import Report, ReportStatus, Response, ResponseKind


def load_report(data: dict) -> Report:
    report = Report.objects.select_related("company").filter(pk=data.get("report")).first()
    if report is None:
        raise EmailGone(f"report {data.get('report')}")
    return report


def sample_report(**fields) -> Report:
    now = timezone.now()
    values = {
        "pk": 0,
        "reference": "SC-26-EXEMPL",
        "created_at": now - timedelta(days=3),
        "language": translation.get_language() or "fr",
        "status": ReportStatus.SENT,
        "expires_at": now + timedelta(days=22),
        "category_path": ["Un achat en magasin", "Le prix affiché n’est pas celui payé en caisse"],
        "company": sample_company(),
        "company_name": "SUPER PRIX",
        "company_siret": "73282932000074",
        "occurred_on": (now - timedelta(days=4)).date(),
        "description": "Le prix affiché en rayon était de 3 €, j’ai payé 5 € en caisse.",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@example.fr",
        "share_identity": True,
    }
    values.update(fields)
    return Report(**values)


def sample_response(report: Report, kind: str = ResponseKind.ACCEPTED) -> Response:
    return Response(
        report=report,
        kind=kind,
        reason="remboursement" if kind == ResponseKind.ACCEPTED else "autre",
        message="Nous avons corrigé l’étiquette en rayon et vous remboursons la différence.",
        created_at=timezone.now(),
        engagement_due_at=timezone.now() + timedelta(days=21),
    )


def pro_links(report: Report | None = None) -> dict:
    """The report's page in the companies' space (its login page first when
    signed out), or the list of reports."""
    if report is not None:
        return {"pro_url": site_link("pro:report", report.reference)}
    return {"pro_url": site_link("pro:reports")}
