"""After a "not concerned" answer, the consumer may send the report to the
right company: once, within 15 days, as a new report linked to the first."""

from datetime import timedelta

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from companies.selectors import company_has_users
from reports import lifecycle
from reports.models import (
    Attachment,
    Report,
    ReportStatus,
    Response,
    ScanState,
)
from reports.search import report_index
from reports.services.filing import ReportRefused, new_reference
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.background import start_task

REATTRIBUTION_DAYS = 15


def reattribution_refusal(report: Report) -> str | None:
    """Why this report cannot be sent to another company, or None if it can:
    after a "not concerned" answer, once, within 15 days."""
    if report.status != ReportStatus.NOT_CONCERNED:
        return _(
            "Seul un signalement dont l’entreprise a répondu qu’elle n’était pas concernée peut "
            "être adressé à une autre entreprise."
        )
    if Report.objects.filter(reattributed_from=report).exists():
        return _("Ce signalement a déjà été adressé à une autre entreprise.")
    response = Response.objects.filter(report=report).first()
    if response is None or timezone.now() > response.created_at + timedelta(days=REATTRIBUTION_DAYS):
        return _(
            "Le délai de %(days)s jours après la réponse de l’entreprise est passé : déposez un nouveau signalement."
        ) % {"days": REATTRIBUTION_DAYS}
    return None


@transaction.atomic
def report_reattribute(*, report: Report, company: Company) -> Report:
    """A new report, linked to the first, about the company the consumer now
    names, with the same details and files."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if refusal := reattribution_refusal(report):
        raise ReportRefused(refusal)
    if company.pk == report.company_id:
        raise ReportRefused(_("C’est l’entreprise qui a déjà répondu : indiquez-en une autre."))
    now = timezone.now()
    goes_to_company = (
        not company.country and not report.question_only and not report.tags.filter(hidden_from_company=True).exists()
    )
    status = lifecycle.initial_status(goes_to_company=goes_to_company)
    copied = {
        field: getattr(report, field)
        for field in (
            "language",
            "category_id",
            "category_path",
            "question_only",
            "occurred_on",
            "description",
            "answers",
            "first_name",
            "last_name",
            "email",
            "consumer_phone",
            "consumer_reference",
            "share_identity",
            "survey_consent",
        )
    }
    new = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                new = Report.objects.create(
                    reference=new_reference(now.date()),
                    status=status,
                    expires_at=lifecycle.initial_expiry(
                        status=status, company_has_users=company_has_users(company), now=now
                    ),
                    company=company,
                    reattributed_from=report,
                    **company.report_snapshot(),
                    **copied,
                )
            break
        except IntegrityError:
            continue
    if new is None:
        raise RuntimeError("could not draw a free report reference")
    new.tags.set(report.tags.all())
    for attachment in report.attachments.filter(origin=ActorKind.CONSUMER).exclude(scan_state=ScanState.INFECTED):
        copy = Attachment(
            report=new,
            origin=attachment.origin,
            name=attachment.name,
            extension=attachment.extension,
            content_type=attachment.content_type,
            size=attachment.size,
            scan_state=attachment.scan_state,
            scanned_at=attachment.scanned_at,
        )
        with attachment.file.open("rb") as stream:
            copy.file.save("copy", File(stream), save=False)
        copy.save()
        if copy.scan_state == ScanState.PENDING:
            start_task("reports.tasks.scan_attachment", copy.pk)
    record_event(
        EventKind.REPORT_REATTRIBUTED,
        actor=ActorKind.CONSUMER,
        report=report,
        details={"to": new.reference, "siret": company.siret},
    )
    record_event(
        EventKind.REPORT_SUBMITTED,
        actor=ActorKind.CONSUMER,
        report=new,
        company=company,
        details={"status": status, "reference": new.reference, "from": report.reference},
    )
    report_index([new.pk])
    lifecycle.report_filed(report=new)
    return new
