"""An inspection's life: the one module that changes its status.

    planned --start--> in_progress --conclude--> done
    planned --conclude--> done
    planned | in_progress --cancel--> cancelled

Each move checks TRANSITIONS, updates the row only if its status is still the
one read (two agents concluding at once: one wins, the other is told), and
writes one event on each linked report (their timeline shows the inspection)
or, when none is linked, on the company. The company is never told; the
consumers are told "des suites ont été données" only when
INSPECTION_TELL_CONSUMERS is set.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from inspections.models import BreachKind, Inspection, InspectionOutcome, InspectionStatus
from notifications.services import email_queue
from reports.models import Report, ReportStatus
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.refusals import Refused

S = InspectionStatus

TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "start": {S.PLANNED: (S.IN_PROGRESS,)},
    "conclude": {S.PLANNED: (S.DONE,), S.IN_PROGRESS: (S.DONE,)},
    "cancel": {S.PLANNED: (S.CANCELLED,), S.IN_PROGRESS: (S.CANCELLED,)},
}
EVENTS = {
    "start": EventKind.INSPECTION_STARTED,
    "conclude": EventKind.INSPECTION_CONCLUDED,
    "cancel": EventKind.INSPECTION_CANCELLED,
}
# Outcomes that say a breach was found: their breach's kind is asked for.
WITH_BREACH = frozenset(set(InspectionOutcome.values) - {InspectionOutcome.NO_BREACH})
# The same launch sent twice within this time is one inspection (a double
# click, a form sent again).
SAME_LAUNCH_WINDOW = timedelta(minutes=2)
CONSUMER_EMAIL = "consumer_inspection_followed_up"


class IllegalTransition(Refused):
    """The move is not allowed from the inspection's status; `message` says
    why, in words a view can show."""


class LaunchRefused(Refused):
    """An inspection that cannot be launched as asked."""


def allowed(action: str, status: str) -> tuple[str, ...]:
    return TRANSITIONS[action].get(status, ())


def _record(inspection: Inspection, kind: EventKind, *, user, details: dict) -> None:
    details = {"inspection": inspection.pk, **details}
    reports = list(inspection.reports.all())
    for report in reports:
        # The report may have moved to another company since: the event is
        # about the inspected one.
        record_event(
            kind, actor=ActorKind.AGENT, report=report, company=inspection.company, user=user, details=details
        )
    if not reports:
        record_event(kind, actor=ActorKind.AGENT, company=inspection.company, user=user, details=details)


@transaction.atomic
def inspection_launch(
    *,
    company,
    user,
    planned_on: date,
    reports=(),
    whole_siren: bool = False,
    department: str = "",
    agent=None,
    others=(),
    notes: str = "",
) -> Inspection:
    """A planned inspection of the company, linking these reports (each must
    be about the company, or about its SIREN when the inspection is)."""
    reports = list(reports)
    for report in reports:
        same_company = report.company_id == company.pk
        same_siren = whole_siren and report.company is not None and report.company.siren == company.siren
        if not (same_company or same_siren):
            raise LaunchRefused(
                _("Le signalement %(reference)s ne concerne pas cette entreprise.") % {"reference": report.reference}
            )
    if user.role == Role.FOOD_SAFETY_AGENT and not reports:
        raise LaunchRefused(_("Liez au moins un signalement alimentaire au contrôle."))
    notes = notes.strip()
    # The company's row is locked: two identical launches at once see each other.
    type(company).objects.select_for_update().filter(pk=company.pk).first()
    recent = Inspection.objects.filter(
        company=company,
        created_by=user,
        planned_on=planned_on,
        whole_siren=whole_siren,
        created_at__gte=timezone.now() - SAME_LAUNCH_WINDOW,
    )
    wanted = sorted(r.pk for r in reports)
    for same in recent:
        if sorted(same.reports.values_list("pk", flat=True)) == wanted:
            return same
    inspection = Inspection.objects.create(
        company=company,
        whole_siren=whole_siren,
        department=department or company.department or "",
        agent=agent or user,
        planned_on=planned_on,
        notes=notes,
        created_by=user,
    )
    inspection.reports.set(reports)
    inspection.others.set([other for other in others if other != inspection.agent])
    _record(
        inspection,
        EventKind.INSPECTION_LAUNCHED,
        user=user,
        details={"planned_on": planned_on.isoformat(), "to": S.PLANNED},
    )
    return inspection


def _move(inspection: Inspection, action: str, *, user, fields: dict, details: dict) -> Inspection:
    old = inspection.status
    targets = allowed(action, old)
    if not targets:
        raise IllegalTransition(
            _("Ce contrôle est « %(status)s » : il ne peut plus être modifié ainsi.")
            % {"status": InspectionStatus(old).label}
        )
    new = targets[0]
    updated = Inspection.objects.filter(pk=inspection.pk, status=old).update(
        status=new, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise IllegalTransition(_("Ce contrôle vient d’être modifié par quelqu’un d’autre : relisez-le."))
    inspection.refresh_from_db()
    _record(inspection, EVENTS[action], user=user, details={"from": old, "to": new, **details})
    return inspection


@transaction.atomic
def inspection_start(*, inspection: Inspection, user) -> Inspection:
    return _move(inspection, "start", user=user, fields={}, details={})


@transaction.atomic
def inspection_conclude(
    *, inspection: Inspection, user, outcome: str, breach: str = "", notes: str = "", concluded_on: date
) -> Inspection:
    if outcome not in InspectionOutcome.values:
        raise IllegalTransition(_("Choisissez la suite donnée."), field="outcome")
    if outcome in WITH_BREACH and breach not in BreachKind.values:
        raise IllegalTransition(_("Dites quel manquement a été constaté."), field="breach")
    if outcome not in WITH_BREACH:
        breach = ""
    fields = {"outcome": outcome, "breach": breach, "concluded_on": concluded_on}
    if notes.strip():
        fields["notes"] = notes.strip()
    details = {"outcome": outcome, "outcome_label": str(InspectionOutcome(outcome).label)}
    inspection = _move(inspection, "conclude", user=user, fields=fields, details=details)
    if settings.INSPECTION_TELL_CONSUMERS:
        _tell_consumers(inspection)
    return inspection


@transaction.atomic
def inspection_cancel(*, inspection: Inspection, user, reason: str = "") -> Inspection:
    return _move(
        inspection, "cancel", user=user, fields={}, details={"note": reason.strip()} if reason.strip() else {}
    )


def _tell_consumers(inspection: Inspection) -> None:
    """Once per report and consumer: "des suites ont été données". Nothing
    about the inspection itself (its date, its outcome) goes out."""
    reports = inspection.reports.exclude(status=ReportStatus.ANONYMISED).exclude(email="")
    for report in reports:
        email_queue(
            CONSUMER_EMAIL,
            to=report.email,
            data={"report": report.pk},
            language=report.language,
            report=report,
            dedupe_key=f"inspection-followed-up:{report.pk}",
        )


def reports_for_inspection(user, references) -> list[Report]:
    """The reports of these references that the user may read."""
    return list(Report.objects.visible_to(user).filter(reference__in=list(references)).select_related("company"))
