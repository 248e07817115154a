"""Filing a report: everything the consumer entered is checked again here,
whatever the wizard's pages let through, then the report is written in one
transaction with its first event; the acknowledgement email leaves after commit."""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.identifiers import department_from_postal_code, normalize_phone
from companies.models import Company, Website, WebsiteState
from companies.selectors import company_has_users
from companies.services import company_for_report, website_for_report
from reports import lifecycle
from reports.models import Attachment, BlockedEmail, Category, CompanyKind, Report, ScanState
from reports.search import report_index
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.refusals import Refused

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


@dataclass(frozen=True)
class CompanyTarget:
    """What the report is about, as the register and the websites' records
    know it: an establishment, a website, a phone number, a place or a name."""

    company: Company | None = None
    website: Website | None = None
    phone: str = ""
    company_name: str = ""
    company_country: str = ""
    postal_code: str = ""

    def report_fields(self) -> dict:
        """The report's columns about the company, its snapshot included."""
        fields = {
            "company": self.company,
            "website": self.website,
            "phone": self.phone,
            "company_name": self.company_name,
            "company_country": self.company_country,
            "postal_code": self.postal_code,
        }
        fields = {key: value for key, value in fields.items() if value or key in ("company", "website")}
        if self.company is not None:
            fields.update(self.company.report_snapshot())
        elif self.postal_code:
            fields["department"] = department_from_postal_code(self.postal_code)
        return fields

    def goes_to_company(self, *, question_only: bool, tags) -> bool:
        """Whether the report is sent to a French company (a question never is,
        nor a report carrying a tag kept from companies)."""
        return (
            self.company is not None
            and not self.company.country
            and not question_only
            and not any(tag.hidden_from_company for tag in tags)
        )


_POSTAL_CODE = re.compile(r"^\d{5}$")


def company_target(choice: dict, *, company_kind: str) -> CompanyTarget:
    """The company step's choice (its mode and what was typed or picked),
    checked again against the register. Raises ReportRefused for the step."""
    mode = choice.get("mode")
    try:
        if mode == "siret":
            return CompanyTarget(company=company_for_report(siret=choice["siret"]))
        if mode == "website":
            website = website_for_report(address=choice["host"])
            if website.state == WebsiteState.IDENTIFIED:
                return CompanyTarget(company=website.company, website=website)
            if website.state == WebsiteState.FOREIGN:
                return CompanyTarget(website=website, company_country=website.country)
            return CompanyTarget(website=website)
        if mode == "phone":
            return CompanyTarget(phone=normalize_phone(choice["phone"]))
        if mode == "foreign":
            return CompanyTarget(company_name=choice["name"][:255], company_country=choice["country"][:100])
        if mode in ("unknown", "place"):
            postal_code = str(choice["postal_code"]).strip()
            if not _POSTAL_CODE.match(postal_code):
                raise ValidationError(_("Le code postal compte 5 chiffres, par exemple 75011."))
            return CompanyTarget(postal_code=postal_code, company_name=str(choice.get("name") or "")[:255])
    except (ValidationError, KeyError) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else ""
        raise ReportRefused(message or _("Indiquez de nouveau l’entreprise concernée."), field="entreprise") from error
    if company_kind != CompanyKind.NONE:
        raise ReportRefused(_("Indiquez l’entreprise concernée."), field="entreprise")
    return CompanyTarget()


@dataclass(frozen=True)
class Submission:
    """A report as the consumer gave it, each step already checked by its
    form (reports/wizard/submission.py): what report_submit files."""

    category: Category
    question_only: bool
    target: CompanyTarget
    occurred_on: date
    description: str
    # As the consumer saw them: [{"slug", "question", "answer"}].
    answers: list[dict]
    first_name: str
    last_name: str
    email: str
    consumer_phone: str = ""
    consumer_reference: str = ""
    share_identity: bool = False
    survey_consent: bool = False
    file_uids: tuple[str, ...] = ()


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
def report_submit(*, submission: Submission, language: str) -> Report:
    """Files the report. Raises ReportRefused (with the step to go back to)
    when a rule forbids it, Blocked for a blocked sender."""
    if BlockedEmail.objects.filter(email=submission.email).exists():
        raise Blocked
    category = submission.category
    tags = category.tags_on_path()
    target = submission.target
    fields = target.report_fields()
    now = timezone.now()
    _check_spam(email=submission.email, category=category, fields=fields, now=now)
    goes_to_company = target.goes_to_company(question_only=submission.question_only, tags=tags)
    status = lifecycle.initial_status(goes_to_company=goes_to_company)
    company = target.company
    values = dict(
        language=language,
        status=status,
        expires_at=lifecycle.initial_expiry(
            status=status, company_has_users=company is not None and company_has_users(company), now=now
        ),
        category=category,
        category_path=[node.title for node in category.path()],
        question_only=submission.question_only,
        occurred_on=submission.occurred_on,
        description=submission.description,
        answers=submission.answers,
        first_name=submission.first_name,
        last_name=submission.last_name,
        email=submission.email,
        consumer_phone=submission.consumer_phone,
        consumer_reference=submission.consumer_reference,
        share_identity=submission.share_identity and goes_to_company,
        survey_consent=submission.survey_consent,
        **fields,
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
    report.tags.set(tags)
    files = (
        Attachment.objects.filter(uid__in=list(submission.file_uids), report__isnull=True, origin=ActorKind.CONSUMER)
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


# --- After the answer: the consumer's review, the re-attribution --------------------------


# --- The agents' actions on a report -----------------------------------------------------
