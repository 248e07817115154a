"""The report's life: the one module that changes its status.

Each transition is a function that checks the move against TRANSITIONS,
updates the row only if its status is still the one read (so that two
concurrent actions cannot both win), writes an event, and queues its emails
in the same transaction (the outbox sends them after commit).

    TraitementEnCours --read--> Transmis --answer--> PromesseAction | Infonde | MalAttribue
    TraitementEnCours --expire--> NonConsulte      Transmis --expire--> ConsulteIgnore
    NonConsulte --reopen--> TraitementEnCours      ConsulteIgnore --reopen--> Transmis
    any --anonymise--> SuppressionRGPD

A report reopened unread goes back to TraitementEnCours rather than Transmis:
the consumer is told "the company has read it" only when it has.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from companies.selectors import company_has_users, company_users_to_alert
from notifications.models import DepartmentOffice, EmailStatus, OutgoingEmail
from notifications.services import email_queue
from reports.files.checks import stored_files_delete
from reports.models import (
    ENGAGEMENT_DELAY_DAYS,
    RESPONSE_REASONS,
    Attachment,
    Report,
    ReportStatus,
    Response,
    ResponseKind,
    ScanState,
)
from reports.search import report_index
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.refusals import Refused

S = ReportStatus

# A company answers within 25 days when it has an account to read the report
# in, within 60 when it must first receive a letter and activate one.
EXPIRY_WHEN_COMPANY_HAS_USERS = timedelta(days=25)
EXPIRY_WHEN_COMPANY_HAS_NO_USERS = timedelta(days=60)
REOPEN_DELAY = timedelta(days=3)
# Beyond this many new-report alerts in an hour for one company, the next
# reports wait for one digest (see jobs.send_deferred_company_alerts).
NEW_REPORT_ALERTS_PER_HOUR = 10
DANGEROUS_PRODUCT_TAG = "produit-dangereux"

TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "read": {S.SENT: (S.READ,)},
    "answer": {S.READ: (S.PROMISED, S.REJECTED, S.NOT_CONCERNED)},
    "expire": {S.SENT: (S.CLOSED_UNREAD,), S.READ: (S.CLOSED_UNANSWERED,)},
    "reopen": {S.CLOSED_UNREAD: (S.SENT,), S.CLOSED_UNANSWERED: (S.READ,)},
    "anonymise": {status: (S.ANONYMISED,) for status in S if status != S.ANONYMISED},
    # A website identified later: its recent reports go to the company.
    "attribute": {S.NOT_SENT: (S.SENT,)},
    # An administrator points an unanswered report at another company: it is
    # sent to that one afresh.
    "redirect": {
        S.SENT: (S.SENT,),
        S.READ: (S.SENT,),
        S.CLOSED_UNREAD: (S.SENT,),
        S.CLOSED_UNANSWERED: (S.SENT,),
    },
}
ANSWER_STATUS = {
    ResponseKind.ACCEPTED: S.PROMISED,
    ResponseKind.REJECTED: S.REJECTED,
    ResponseKind.NOT_CONCERNED: S.NOT_CONCERNED,
}
WAITING_FOR_COMPANY = (S.SENT, S.READ)
# Free text an event's details may hold: erased with the report's data.
ERASED_DETAILS = ("note", "name")
MESSAGE_MAX_LENGTH = 10_000


class IllegalTransition(Refused):
    """The move is not allowed from the report's status; `message` says why,
    in words a view can show."""


# --- Birth ---------------------------------------------------------------------------


def initial_status(*, goes_to_company: bool) -> str:
    return S.SENT if goes_to_company else S.NOT_SENT


def initial_expiry(*, status: str, company_has_users: bool, now: datetime) -> datetime | None:
    """When the company's time to answer runs out; None for a report it never gets."""
    if status == S.NOT_SENT:
        return None
    delay = EXPIRY_WHEN_COMPANY_HAS_USERS if company_has_users else EXPIRY_WHEN_COMPANY_HAS_NO_USERS
    return now + delay


def report_filed(*, report: Report) -> None:
    """The emails of a new report: the consumer's acknowledgement, the
    company's alert, and the departmental office's for a dangerous product."""
    email_consumer(report, "consumer_acknowledgement", dedupe_key=f"acknowledgement:{report.pk}")
    if report.status == S.SENT and report.company is not None:
        _alert_company(report)
    if report.tags.filter(slug=DANGEROUS_PRODUCT_TAG).exists() and report.department:
        office = DepartmentOffice.objects.filter(department=report.department).first()
        if office is not None:
            email_queue(
                "agent_dangerous_product",
                to=office.email,
                data={"report": report.pk},
                report=report,
                company=report.company,
                dedupe_key=f"dangerous:{report.pk}",
            )


def _alert_company(report: Report) -> None:
    users = company_users_to_alert(report.company, new_report=True)
    if not users:
        return
    hour_ago = timezone.now() - timedelta(hours=1)
    alerted = (
        OutgoingEmail.objects.filter(kind="pro_new_report", company=report.company, created_at__gte=hour_ago)
        .values("report_id")
        .distinct()
        .count()
    )
    if alerted >= NEW_REPORT_ALERTS_PER_HOUR:
        Report.objects.filter(pk=report.pk).update(alert_deferred=True)
        report.alert_deferred = True
        return
    email_professionals(report, "pro_new_report", users, dedupe_key=f"new-report:{report.pk}")


# --- Emails --------------------------------------------------------------------------


def email_consumer(report: Report, kind: str, *, dedupe_key: str) -> None:
    """An email about the report to its consumer, in the report's language."""
    email_queue(
        kind,
        to=report.email,
        data={"report": report.pk},
        language=report.language,
        report=report,
        dedupe_key=dedupe_key,
    )


def email_professionals(report: Report, kind: str, users, *, dedupe_key: str) -> None:
    """The same email about the report to each of these company users."""
    for user in users:
        email_queue(
            kind,
            to=user.email,
            data={"report": report.pk, "user": user.pk},
            report=report,
            company=report.company,
            user=user,
            dedupe_key=f"{dedupe_key}:{user.pk}",
        )


# --- Transitions ---------------------------------------------------------------------
# Each opens its transaction with `with transaction.atomic()` rather than the
# decorator: mutmut (`make mutation`) leaves decorated functions alone.


def _check(action: str, report: Report, new_status: str) -> None:
    if new_status not in TRANSITIONS[action].get(report.status, ()):
        raise IllegalTransition(
            _("Impossible : ce signalement est « %(status)s ».") % {"status": report.get_status_display()}
        )


def _move(report: Report, action: str, new_status: str, **fields) -> str:
    """The conditional update at the heart of every transition."""
    _check(action, report, new_status)
    old = report.status
    updated = Report.objects.filter(pk=report.pk, status=old).update(status=new_status, **fields)
    if not updated:
        raise IllegalTransition(_("Ce signalement vient d’être modifié par quelqu’un d’autre : rechargez la page."))
    report.status = new_status
    for name, value in fields.items():
        setattr(report, name, value)
    return old


def report_mark_read(*, report: Report, user) -> bool:
    """A professional opens the report: the first time, it becomes read and
    the consumer is told. An agent's opening changes nothing. Returns whether
    this opening was the first."""
    with transaction.atomic():
        if user.role != Role.PRO or report.status != S.SENT:
            return False
        try:
            old = _move(report, "read", S.READ, read_at=timezone.now())
        except IllegalTransition:
            return False  # a colleague opened it at the same moment
        record_event(
            EventKind.REPORT_READ, actor=ActorKind.PRO, report=report, user=user, details={"from": old, "to": S.READ}
        )
        email_consumer(report, "consumer_report_read", dedupe_key=f"read:{report.pk}")
        return True


def report_answer(
    *,
    report: Report,
    user,
    kind: str,
    reason: str,
    message: str,
    private_note: str = "",
    attachments=(),
) -> Response:
    """The company's answer, once: the consumer gets it with a link to rate
    it, the professional an acknowledgement."""
    with transaction.atomic():
        if kind not in ANSWER_STATUS:
            raise IllegalTransition(_("Choisissez une réponse."))
        if reason not in dict(RESPONSE_REASONS[kind]):
            raise IllegalTransition(_("Choisissez un motif de la liste."))
        message = (message or "").strip()
        if not message or len(message) > MESSAGE_MAX_LENGTH:
            raise IllegalTransition(
                _("Écrivez un message au consommateur (%(max)s caractères au plus).") % {"max": MESSAGE_MAX_LENGTH}
            )
        new_status = ANSWER_STATUS[kind]
        now = timezone.now()
        if report.expires_at is not None and report.expires_at <= now:
            raise IllegalTransition(_("Le délai de réponse de ce signalement est passé."))
        old = _move(report, "answer", new_status)
        response = Response.objects.create(
            report=report,
            kind=kind,
            reason=reason,
            message=message,
            private_note=(private_note or "").strip(),
            user=user,
            engagement_due_at=now + timedelta(days=ENGAGEMENT_DELAY_DAYS) if kind == ResponseKind.ACCEPTED else None,
        )
        files = Attachment.objects.filter(
            pk__in=[a.pk for a in attachments], report__isnull=True, origin=ActorKind.PRO
        ).exclude(scan_state=ScanState.INFECTED)
        file_count = files.update(report=report)
        report_index([report.pk])
        record_event(
            EventKind.REPORT_ANSWERED,
            actor=ActorKind.PRO,
            report=report,
            user=user,
            details={"kind": kind, "reason": reason, "files": file_count, "from": old, "to": new_status},
        )
        email_consumer(report, "consumer_report_answered", dedupe_key=f"answered:{report.pk}")
        email_professionals(report, "pro_answer_acknowledgement", [user], dedupe_key=f"answer-ack:{report.pk}")
        return response


def report_expire(*, report: Report) -> None:
    """The deadline has passed without an answer: the report closes and the
    consumer is told."""
    with transaction.atomic():
        now = timezone.now()
        if report.expires_at is None or report.expires_at > now:
            raise IllegalTransition(_("Le délai de ce signalement n’est pas écoulé."))
        new_status = S.CLOSED_UNREAD if report.status == S.SENT else S.CLOSED_UNANSWERED
        old = _move(report, "expire", new_status, closed_at=now)
        record_event(
            EventKind.REPORT_CLOSED, actor=ActorKind.SYSTEM, report=report, details={"from": old, "to": new_status}
        )
        kind = "consumer_closed_unread" if new_status == S.CLOSED_UNREAD else "consumer_closed_unanswered"
        email_consumer(report, kind, dedupe_key=f"closed:{report.pk}:{report.expires_at.isoformat()}")


def report_reopen(*, report: Report, user) -> None:
    """An administrator gives a report closed by its deadline 3 more days."""
    with transaction.atomic():
        if user.role != Role.ADMIN:
            raise IllegalTransition(_("Seul un administrateur peut rouvrir un signalement."))
        new_status = S.SENT if report.status == S.CLOSED_UNREAD else S.READ
        now = timezone.now()
        old = _move(report, "reopen", new_status, expires_at=now + REOPEN_DELAY, closed_at=None, reminded_at=now)
        record_event(
            EventKind.REPORT_REOPENED,
            actor=ActorKind.AGENT,
            report=report,
            user=user,
            details={"expires_at": report.expires_at.isoformat(), "from": old, "to": new_status},
        )
        if report.company is None:
            return
        users = company_users_to_alert(report.company)
        key = f"reopened:{report.pk}:{report.expires_at.isoformat()}"
        email_professionals(report, "pro_report_reopened", users, dedupe_key=key)


def report_attribute(*, report: Report, company, user) -> bool:
    """A report on a website the agents have just identified goes to its
    company, as if filed about it now. Returns whether it was sent."""
    with transaction.atomic():
        hidden = report.tags.filter(hidden_from_company=True).exists()
        if report.company_id or report.status != S.NOT_SENT or report.question_only or hidden or company.country:
            return False
        now = timezone.now()
        expires_at = initial_expiry(status=S.SENT, company_has_users=company_has_users(company), now=now)
        _move(
            report,
            "attribute",
            S.SENT,
            company=company,
            expires_at=expires_at,
            reminded_at=now,
            **company.report_snapshot(),
        )
        record_event(
            EventKind.COMPANY_ATTRIBUTED,
            actor=ActorKind.AGENT,
            report=report,
            user=user,
            details={"siret": company.siret},
        )
        _alert_company(report)
        report_index([report.pk])
        return True


def report_redirect(*, report: Report, company) -> None:
    """The report goes to another company as if filed about it now: a new
    deadline, unread, no reminder yet, and the new company's alert. A report
    kept from companies (NA) only changes its company."""
    with transaction.atomic():
        now = timezone.now()
        if report.status == S.NOT_SENT:
            Report.objects.filter(pk=report.pk).update(company=company, **company.report_snapshot())
        else:
            expires_at = initial_expiry(status=S.SENT, company_has_users=company_has_users(company), now=now)
            _move(
                report,
                "redirect",
                S.SENT,
                company=company,
                expires_at=expires_at,
                read_at=None,
                closed_at=None,
                reminder_count=0,
                reminded_at=now,
                **company.report_snapshot(),
            )
            report.company = company
            _alert_company(report)
        report_index([report.pk])


def report_anonymise(
    *, report: Report, user=None, at_consumer_request: bool = False, by_consumer: bool = False
) -> None:
    """Erases the personal data of a report (at the consumer's request, or
    after 5 years): the consumer's identity and every free text written about
    the case (the description and answers, the company's message and note,
    the reviews' comments, the agents' comments, notes and forwarding notes)
    and every file. What stays says only what happened, for the statistics.
    The consumer who asked gets a confirmation; their address is then
    forgotten by the outbox too."""
    with transaction.atomic():
        email = report.email
        old = _move(
            report,
            "anonymise",
            S.ANONYMISED,
            first_name="",
            last_name="",
            email="",
            consumer_phone="",
            consumer_reference="",
            description="",
            answers=[],
            share_identity=False,
        )
        files = list(report.attachments.all())
        names = [a.file.name for a in files if a.file.name]
        Attachment.objects.filter(pk__in=[a.pk for a in files]).delete()
        transaction.on_commit(lambda: stored_files_delete(names))
        Response.objects.filter(report=report).update(message="", private_note="")
        report.reviews.update(comment="")
        report.comments.update(text="")
        report.inspections.update(notes="")
        OutgoingEmail.objects.filter(report=report, status=EmailStatus.PENDING).update(status=EmailStatus.CANCELLED)
        # The address goes from the outbox and the history too, and so do the notes.
        OutgoingEmail.objects.filter(report=report).exclude(status=EmailStatus.SENDING).update(to=[])
        for event in report.events.all():
            details = {key: value for key, value in event.details.items() if key not in ERASED_DETAILS}
            if event.action == EventKind.EMAIL_SENT:
                details["to"] = []
            if details != event.details:
                event.details = details
                event.save(update_fields=["details"])
        report_index([report.pk])
        record_event(
            EventKind.REPORT_ANONYMISED,
            actor=ActorKind.CONSUMER if by_consumer else (ActorKind.AGENT if user else ActorKind.SYSTEM),
            report=report,
            user=user,
            details={"at_consumer_request": at_consumer_request, "from": old},
        )
        if at_consumer_request and email:
            email_queue(
                "consumer_anonymised",
                to=email,
                data={"reference": report.reference},
                language=report.language,
                report=report,
                dedupe_key=f"anonymised:{report.pk}",
            )
