"""Filing a report: everything the consumer entered is checked again here,
whatever the wizard's pages let through, then the report is written in one
transaction with its first event; the acknowledgement email leaves after commit."""

import logging
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from companies.identifiers import department_from_postal_code
from companies.models import Company, WebsiteState
from companies.selectors import company_has_users
from companies.services import company_for_report, website_for_report
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.background import start_task
from signalconso.locks import job_lock
from signalconso.refusals import Refused

from . import antivirus, lifecycle, verification
from .attachments import AttachmentRefused, display_name, prepare, stored_files_delete
from .forms import (
    TIME_SLOTS,
    ConsumerForm,
    DetailsForm,
    PhoneForm,
    PostalCodeForm,
    choice_label,
)
from .models import (
    Attachment,
    BlockedEmail,
    Bookmark,
    Comment,
    Inspection,
    QuestionKind,
    Report,
    ReportStatus,
    Response,
    ResponseKind,
    Review,
    ReviewAbout,
    ScanState,
    Tag,
)
from .search import report_index
from .wizard import Draft

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_REPORTS_PER_DAY_TO_ONE_COMPANY = 2
MAX_REPORTS_PER_WEEK_TO_ONE_COMPANY = 3


class ReportRefused(Refused):
    """The report cannot be filed as it is; `message` says why and what to do."""


class Blocked(Exception):
    """The sender is blocked: show success, store nothing."""


def new_reference(today: date) -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"SC-{today:%y}-{code}"


def _company_fields(draft: Draft) -> dict:
    """The company part of the report, checked again from the draft."""
    company = draft.get("company")
    mode = company.get("mode")
    fields = {"company": None, "website": None}
    try:
        if mode == "siret":
            found = company_for_report(siret=company["siret"])
            fields["company"] = found
        elif mode == "website":
            website = website_for_report(address=company["host"])
            fields["website"] = website
            if website.state == WebsiteState.IDENTIFIED:
                fields["company"] = website.company
            elif website.state == WebsiteState.FOREIGN:
                fields["company_country"] = website.country
        elif mode == "phone":
            form = PhoneForm({"phone": company["phone"]})
            if not form.is_valid():
                raise ValidationError(form.errors["phone"])
            fields["phone"] = form.cleaned_data["phone"]
        elif mode == "foreign":
            fields["company_name"] = company["name"][:255]
            fields["company_country"] = company["country"][:100]
        elif mode in ("unknown", "place"):
            form = PostalCodeForm({"postal_code": company["postal_code"], "name": company.get("name", "")})
            if not form.is_valid():
                raise ValidationError(form.errors["postal_code"])
            fields["postal_code"] = form.cleaned_data["postal_code"]
            fields["company_name"] = form.cleaned_data["name"]
        elif draft.company_kind != "none":
            raise ReportRefused(_("Indiquez l’entreprise concernée."), field="entreprise")
    except (ValidationError, KeyError) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else ""
        raise ReportRefused(message or _("Indiquez de nouveau l’entreprise concernée."), field="entreprise") from error
    found = fields["company"]
    if found is not None:
        fields.update(found.report_snapshot())
    elif fields.get("postal_code"):
        fields["department"] = department_from_postal_code(fields["postal_code"])
    return fields


def _details(draft: Draft, questions) -> tuple[DetailsForm, list[dict]]:
    details = draft.get("details")
    data = {"occurred_on": details.get("occurred_on"), "description": details.get("description")}
    for slug, value in (details.get("answers") or {}).items():
        data[f"q_{slug}"] = value
    form = DetailsForm(_QueryDict(data), questions=questions)
    if not form.is_valid():
        raise ReportRefused(_("Vérifiez les détails du problème."), field="details")
    answers = []
    for question in questions:
        value = form.cleaned_data.get(f"q_{question.slug}")
        if value in (None, "", []):
            continue
        answers.append({"slug": question.slug, "question": question.label, "answer": _display(question, value)})
    return form, answers


class _QueryDict(dict):
    """Stored answers read back like submitted form data (lists for multiple choices)."""

    def getlist(self, key, default=None):
        value = self.get(key, default)
        return value if isinstance(value, list) else [value]


def _display(question, value) -> str:
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        labels = {c["value"]: choice_label(c) for c in question.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    if question.kind == QuestionKind.TIME_SLOT:
        return str(dict(TIME_SLOTS).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _company_key(fields: dict) -> dict:
    """How two reports are recognised as aimed at the same company."""
    if fields.get("company"):
        return {"company": fields["company"]}
    if fields.get("website"):
        return {"website": fields["website"]}
    if fields.get("phone"):
        return {"phone": fields["phone"]}
    if fields.get("company_name"):
        return {"company_name__iexact": fields["company_name"]}
    return {}


def _check_spam(*, email: str, category, fields: dict, now) -> None:
    key = _company_key(fields)
    recent = Report.objects.filter(email=email, created_at__gte=now - timedelta(days=1))
    if recent.filter(category=category, **key).exists():
        raise ReportRefused(
            _(
                "Vous avez déjà signalé ce problème aujourd’hui : il est bien enregistré et "
                "inutile de l’envoyer de nouveau. Vous recevrez les nouvelles par courriel."
            )
        )
    if not key:
        return
    if recent.filter(**key).count() >= MAX_REPORTS_PER_DAY_TO_ONE_COMPANY:
        raise ReportRefused(
            _(
                "Vous avez déjà envoyé %(count)s signalements sur cette entreprise aujourd’hui. "
                "Pour laisser à l’entreprise le temps de répondre, revenez demain ; vous pouvez "
                "ajouter tout détail utile à la description d’un prochain signalement."
            )
            % {"count": MAX_REPORTS_PER_DAY_TO_ONE_COMPANY}
        )
    week = Report.objects.filter(email=email, created_at__gte=now - timedelta(days=7), **key)
    if week.count() >= MAX_REPORTS_PER_WEEK_TO_ONE_COMPANY:
        raise ReportRefused(
            _(
                "Vous avez déjà envoyé %(count)s signalements sur cette entreprise cette semaine. "
                "Attendez ses réponses avant d’en envoyer un nouveau."
            )
            % {"count": MAX_REPORTS_PER_WEEK_TO_ONE_COMPANY}
        )


@transaction.atomic
def report_submit(*, draft: Draft, language: str) -> Report:
    """Files the draft as a report. Raises ReportRefused (with the step to go
    back to) when something no longer holds, Blocked for a blocked sender."""
    category = draft.category
    if category is None or not draft.is_done("probleme"):
        raise ReportRefused(_("Ce type de problème n’est plus proposé : choisissez-en un autre."), field="probleme")
    questions = category.questions_on_path()
    company_fields = _company_fields(draft)
    details, answers = _details(draft, questions)

    goes_to_company = (
        company_fields["company"] is not None
        and not company_fields["company"].country
        and not draft.question_only
        and not any(tag.hidden_from_company for tag in draft.tags)
    )
    consumer = ConsumerForm(draft.get("consumer"), goes_to_company=goes_to_company)
    if not consumer.is_valid():
        raise ReportRefused(_("Vérifiez vos coordonnées."), field="coordonnees")
    email = consumer.cleaned_data["email"]
    if not verification.is_verified(email):
        raise ReportRefused(_("Confirmez d’abord votre adresse électronique."), field="coordonnees")
    if BlockedEmail.objects.filter(email=email).exists():
        raise Blocked

    now = timezone.now()
    _check_spam(email=email, category=category, fields=company_fields, now=now)
    status = lifecycle.initial_status(goes_to_company=goes_to_company)
    company: Company | None = company_fields["company"]
    values = dict(
        language=language,
        status=status,
        expires_at=lifecycle.initial_expiry(
            status=status,
            company_has_users=company is not None and company_has_users(company),
            now=now,
        ),
        category=category,
        category_path=[node.title for node in category.path()],
        question_only=draft.question_only,
        occurred_on=details.cleaned_data["occurred_on"],
        description=details.cleaned_data["description"],
        answers=answers,
        first_name=consumer.cleaned_data["first_name"],
        last_name=consumer.cleaned_data["last_name"],
        email=email,
        consumer_phone=consumer.cleaned_data["phone"],
        consumer_reference=consumer.cleaned_data["reference"],
        share_identity=consumer.cleaned_data.get("share_identity") == "yes",
        survey_consent=consumer.cleaned_data["survey_consent"],
        **company_fields,
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report = Report.objects.create(reference=new_reference(now.date()), **values)
            break
        except IntegrityError:  # the reference is taken: draw another
            continue
    else:
        raise RuntimeError("could not draw a free report reference")
    report.tags.set(draft.tags)
    files = (
        Attachment.objects.filter(uid__in=draft.file_uids, report__isnull=True, origin=ActorKind.CONSUMER)
        .exclude(scan_state=ScanState.INFECTED)
        .order_by("created_at")
        .values_list("pk", flat=True)[: settings.ATTACHMENT_MAX_COUNT]
    )
    file_count = Attachment.objects.filter(pk__in=list(files)).update(report=report)
    record_event(
        EventKind.REPORT_SUBMITTED,
        actor=ActorKind.CONSUMER,
        report=report,
        company=company,
        details={"status": status, "reference": report.reference, "files": file_count},
    )
    report_index([report.pk])
    lifecycle.report_filed(report=report)
    return report


# --- Attachments ------------------------------------------------------------------------


def attachments_add(*, uploads, origin: str, already: int, user=None) -> tuple[list[Attachment], list[str]]:
    """Stores each acceptable upload, up to ATTACHMENT_MAX_COUNT with the
    `already` attached. Returns those stored, and one message per file
    refused: a bad file never costs the good ones."""
    stored: list[Attachment] = []
    errors: list[str] = []
    limit = settings.ATTACHMENT_MAX_COUNT
    for upload in uploads:
        if already + len(stored) >= limit:
            errors.append(
                _(
                    "« %(name)s » n’a pas été ajouté : %(max)s fichiers au plus. Retirez-en un "
                    "pour en ajouter un autre."
                )
                % {"name": display_name(getattr(upload, "name", "")) or _("sans nom"), "max": limit}
            )
            continue
        try:
            prepared = prepare(upload)
        except AttachmentRefused as refusal:
            errors.append(refusal.message)
            continue
        try:
            stored.append(_attachment_store(prepared, origin=origin, user=user))
        except Exception:
            logger.exception("could not store an attachment")
            errors.append(
                _(
                    "« %(name)s » n’a pas pu être enregistré à cause d’une panne de notre côté. "
                    "Envoyez-le de nouveau dans quelques minutes."
                )
                % {"name": prepared.name}
            )
    return stored, errors


@transaction.atomic
def _attachment_store(prepared, *, origin: str, user) -> Attachment:
    attachment = Attachment(
        origin=origin,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        name=prepared.name,
        extension=prepared.kind.extensions[0],
        content_type=prepared.kind.content_type,
        size=prepared.size,
    )
    attachment.file.save("upload", prepared.content, save=False)
    attachment.save()
    start_task("reports.tasks.scan_attachment", attachment.pk)
    return attachment


def attachment_discard(*, attachment: Attachment) -> None:
    """Removes a file that belongs to no report yet (the sender took it back)."""
    if attachment.report_id is not None:
        raise ValueError("a filed report's attachment is not discarded this way")
    name = attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: stored_files_delete([name]))


class AttachmentUnreadable(Exception):
    """The stored file could not be read (storage down, file missing)."""


def attachment_scan(*, attachment_id: int) -> str | None:
    """Has clamd look at a pending file. A clean file becomes servable; an
    infected one is deleted from the storage and leaves an event. Raises
    AntivirusUnavailable when clamd gives no verdict, AttachmentUnreadable
    when the storage fails: the file stays pending and the periodic rescan
    tries again. Scanning twice does nothing more."""
    attachment = (
        Attachment.objects.select_related("report").filter(pk=attachment_id, scan_state=ScanState.PENDING).first()
    )
    if attachment is None:
        return None
    if not settings.ANTIVIRUS_URL and settings.DEBUG:
        logger.warning("no ANTIVIRUS_URL: %s accepted unscanned (DEBUG only)", attachment.uid)
        verdict = antivirus.Verdict(infected=False)
    else:
        try:
            with attachment.file.open("rb") as stream:
                verdict = antivirus.scan(stream)
        except antivirus.AntivirusUnavailable:
            raise
        except Exception as error:  # the storage is down, or the file is missing
            raise AttachmentUnreadable(attachment.file.name) from error
    now = timezone.now()
    pending = Attachment.objects.filter(pk=attachment.pk, scan_state=ScanState.PENDING)
    if not verdict.infected:
        pending.update(scan_state=ScanState.CLEAN, scanned_at=now)
        return ScanState.CLEAN
    # Delete first: should the storage fail, the file stays pending, never served.
    default_storage.delete(attachment.file.name)
    with transaction.atomic():
        if pending.update(
            scan_state=ScanState.INFECTED,
            scanned_at=now,
            signature=verdict.signature[:200],
            file="",
        ):
            report = attachment.report
            record_event(
                EventKind.ATTACHMENT_INFECTED,
                actor=ActorKind.SYSTEM,
                report=report,
                details={
                    "attachment": str(attachment.uid),
                    "name": attachment.name,
                    "signature": verdict.signature,
                },
            )
    logger.warning("attachment %s infected (%s): deleted", attachment.uid, verdict.signature)
    return ScanState.INFECTED


RESCAN_GRACE = timedelta(minutes=2)
RESCAN_BATCH = 1000


def attachments_rescan_pending() -> int:
    """Scans the files still pending (clamd or the broker was down when they
    came). Returns how many got a verdict."""
    with job_lock("rescan-pending-attachments") as taken:
        if not taken:
            return 0
        ids = list(
            Attachment.objects.filter(scan_state=ScanState.PENDING, created_at__lte=timezone.now() - RESCAN_GRACE)
            .order_by("created_at")
            .values_list("pk", flat=True)[:RESCAN_BATCH]
        )
        done = 0
        for pk in ids:
            try:
                attachment_scan(attachment_id=pk)
            except antivirus.AntivirusUnavailable as error:
                logger.warning("rescan stopped, clamd gives no verdict: %s", error)
                break
            except AttachmentUnreadable:
                logger.exception("rescan skipped attachment %s", pk)
                continue
            done += 1
        return done


PURGE_BATCH = 500


def attachments_purge_orphans() -> int:
    """Deletes the uploads never attached to a filed report, once they are
    ATTACHMENT_ORPHAN_DAYS old. Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=settings.ATTACHMENT_ORPHAN_DAYS)
    deleted = 0
    failed: list[int] = []
    with job_lock("purge-orphan-attachments") as taken:
        if not taken:
            return 0
        while True:
            batch = list(
                Attachment.objects.filter(report__isnull=True, created_at__lt=cutoff)
                .exclude(pk__in=failed)
                .order_by("created_at")
                .values_list("pk", "file")[:PURGE_BATCH]
            )
            if not batch:
                return deleted
            gone = []
            for pk, name in batch:
                try:
                    if name:
                        default_storage.delete(name)
                except Exception:
                    logger.exception("could not delete %s; kept for the next purge", name)
                    failed.append(pk)
                    continue
                gone.append(pk)
            deleted += Attachment.objects.filter(pk__in=gone, report__isnull=True).delete()[0]


# --- After the answer: the consumer's review, the re-attribution --------------------------


class ReviewRefused(Refused):
    """The consumer's review cannot be recorded."""


@transaction.atomic
def review_create(*, report: Report, about: str, rating: str, comment: str = "") -> Review:
    """The consumer's opinion of the answer or of the engagement, given once."""
    response = Response.objects.filter(report=report).first()
    if response is None:
        raise ReviewRefused(_("L’entreprise n’a pas encore répondu à ce signalement."))
    if about == ReviewAbout.ENGAGEMENT:
        if response.kind != ResponseKind.ACCEPTED:
            raise ReviewRefused(_("L’entreprise n’a pris aucun engagement dans sa réponse."))
        if response.engagement_due_at > timezone.now():
            raise ReviewRefused(
                _("Vous pourrez dire si l’engagement est tenu à partir du %(date)s.")
                % {"date": formats.date_format(timezone.localtime(response.engagement_due_at))}
            )
    try:
        with transaction.atomic():
            review = Review.objects.create(report=report, about=about, rating=rating, comment=(comment or "").strip())
    except IntegrityError:
        raise ReviewRefused(_("Vous avez déjà donné votre avis : merci.")) from None
    record_event(
        EventKind.REVIEW_GIVEN, actor=ActorKind.CONSUMER, report=report, details={"about": about, "rating": rating}
    )
    return review


@transaction.atomic
def engagement_mark_honoured(*, response: Response, user) -> bool:
    """The company says it kept its engagement; returns whether this was news."""
    if not Response.objects.filter(pk=response.pk, engagement_honoured_at__isnull=True).update(
        engagement_honoured_at=timezone.now()
    ):
        return False
    record_event(EventKind.ENGAGEMENT_HONOURED, actor=ActorKind.PRO, report=response.report, user=user)
    return True


REATTRIBUTION_DAYS = 15


def reattribution_refusal(report: Report) -> str | None:
    """Why this report cannot be sent to another company, or None if it can:
    after a "not concerned" answer, once, within 15 days."""
    if report.status != ReportStatus.MAL_ATTRIBUE:
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


# --- The agents' actions on a report -----------------------------------------------------


class ActionRefused(Refused):
    """An agent's action refused."""


@transaction.atomic
def comment_add(*, report: Report, user, text: str, attachments=()) -> "Comment":
    comment = Comment.objects.create(report=report, user=user, text=text.strip())
    files = Attachment.objects.filter(
        pk__in=[a.pk for a in attachments], report__isnull=True, origin=ActorKind.AGENT
    ).exclude(scan_state=ScanState.INFECTED)
    count = files.update(report=report, comment=comment)
    record_event(
        EventKind.COMMENT_ADDED,
        actor=ActorKind.AGENT,
        report=report,
        user=user,
        details={"comment": comment.pk, "files": count},
    )
    return comment


@transaction.atomic
def inspection_record(*, report: Report, user, inspected_on, outcome: str, notes: str = ""):
    inspection = Inspection.objects.create(
        report=report, user=user, inspected_on=inspected_on, outcome=outcome, notes=notes.strip()
    )
    record_event(
        EventKind.INSPECTION_RECORDED,
        actor=ActorKind.AGENT,
        report=report,
        user=user,
        details={"inspection": inspection.pk, "outcome": outcome, "inspected_on": inspected_on.isoformat()},
    )
    return inspection


def bookmark_toggle(*, report: Report, user) -> bool:
    """Returns whether the report is now bookmarked."""
    deleted, _rows = Bookmark.objects.filter(report=report, user=user).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(report=report, user=user)
    return True


@transaction.atomic
def report_tags_set(*, report: Report, user, slugs: list[str]) -> None:
    before = set(report.tags.values_list("slug", flat=True))
    report.tags.set(Tag.objects.filter(slug__in=slugs))
    after = set(slugs)
    if before != after:
        record_event(
            EventKind.TAGS_CHANGED,
            actor=ActorKind.AGENT,
            report=report,
            user=user,
            details={"added": sorted(after - before), "removed": sorted(before - after)},
        )


@transaction.atomic
def report_forward(*, report: Report, user, authority, note: str) -> None:
    """Records that the report went to another authority (the agent sends it
    through that authority's own channel)."""
    record_event(
        EventKind.REPORT_FORWARDED,
        actor=ActorKind.AGENT,
        report=report,
        user=user,
        details={"authority": authority.name, "authority_id": authority.pk, "note": note.strip()},
    )


CHANGE_COMPANY_DAYS = 90


@transaction.atomic
def report_change_company(*, report: Report, user, company: Company) -> None:
    """An administrator points the report at another company: within 90 days
    of filing and before any answer. Its deadline starts again."""
    if user.role != "admin":
        raise ActionRefused(_("Seul un administrateur peut changer l’entreprise."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if Response.objects.filter(report=report).exists():
        raise ActionRefused(_("L’entreprise a déjà répondu : l’entreprise ne peut plus changer."))
    if timezone.now() - report.created_at > timedelta(days=CHANGE_COMPANY_DAYS):
        raise ActionRefused(
            _("Le signalement a plus de %(days)s jours : l’entreprise ne peut plus changer.")
            % {"days": CHANGE_COMPANY_DAYS}
        )
    before = report.company_siret
    lifecycle.report_redirect(report=report, company=company)
    record_event(
        EventKind.COMPANY_CHANGED,
        actor=ActorKind.AGENT,
        report=report,
        user=user,
        details={"before": before, "after": company.siret},
    )


@transaction.atomic
def report_delete_spam(*, report: Report, user) -> None:
    """An administrator deletes a report that is not one (spam, abuse): the
    row, its files in the storage; an event on the company keeps the trace."""
    if user.role != "admin":
        raise ActionRefused(_("Seul un administrateur peut supprimer un signalement."))
    names = [a.file.name for a in report.attachments.all() if a.file.name]
    record_event(
        EventKind.REPORT_DELETED,
        actor=ActorKind.AGENT,
        company_id=report.company_id,
        user=user,
        details={"reference": report.reference},
    )
    report.delete()
    transaction.on_commit(lambda: stored_files_delete(names))
