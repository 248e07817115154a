"""Filing a report: everything the consumer entered is checked again here,
whatever the wizard's pages let through, then the report is written in one
transaction with its first event; the acknowledgement email leaves after commit."""

import logging
import secrets
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.identifiers import department_from_postal_code
from companies.models import Company, WebsiteState
from companies.selectors import company_has_users
from companies.services import company_for_report, website_for_report

from . import lifecycle, verification
from .forms import (
    TIME_SLOTS,
    ConsumerForm,
    DetailsForm,
    PhoneForm,
    PostalCodeForm,
    choice_label,
)
from .models import ActorKind, BlockedEmail, Event, QuestionKind, Report
from .tasks import send_acknowledgement
from .wizard import Draft

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_REPORTS_PER_DAY_TO_ONE_COMPANY = 2
MAX_REPORTS_PER_WEEK_TO_ONE_COMPANY = 3


class ReportRefused(Exception):
    """The report cannot be filed as it is; `message` says why and what to do."""

    def __init__(self, message: str, step: str | None = None):
        super().__init__(message)
        self.message = message
        self.step = step


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
            form = PostalCodeForm(
                {"postal_code": company["postal_code"], "name": company.get("name", "")}
            )
            if not form.is_valid():
                raise ValidationError(form.errors["postal_code"])
            fields["postal_code"] = form.cleaned_data["postal_code"]
            fields["company_name"] = form.cleaned_data["name"]
        elif draft.company_kind != "none":
            raise ReportRefused(_("Indiquez l’entreprise concernée."), step="entreprise")
    except (ValidationError, KeyError) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else ""
        raise ReportRefused(
            message or _("Indiquez de nouveau l’entreprise concernée."), step="entreprise"
        ) from error
    found = fields["company"]
    if found is not None:
        fields.update(
            company_name=found.name,
            company_address=found.address_lines,
            company_siret=found.siret,
            company_country=found.country,
            postal_code=found.postal_code,
            department=found.department,
        )
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
        raise ReportRefused(_("Vérifiez les détails du problème."), step="details")
    answers = []
    for question in questions:
        value = form.cleaned_data.get(f"q_{question.slug}")
        if value in (None, "", []):
            continue
        answers.append(
            {"slug": question.slug, "question": question.label, "answer": _display(question, value)}
        )
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
        raise ReportRefused(
            _("Ce type de problème n’est plus proposé : choisissez-en un autre."), step="probleme"
        )
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
        raise ReportRefused(_("Vérifiez vos coordonnées."), step="coordonnees")
    email = consumer.cleaned_data["email"]
    if not verification.is_verified(email):
        raise ReportRefused(_("Confirmez d’abord votre adresse électronique."), step="coordonnees")
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
    Event.objects.create(
        report=report,
        company=company,
        actor=ActorKind.CONSUMER,
        action="report_submitted",
        details={"status": status, "reference": report.reference},
    )
    transaction.on_commit(lambda: enqueue(send_acknowledgement, report.pk))
    return report


def enqueue(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:
        # The report is saved whatever happens to its email. Until emails go
        # through an outbox with a sweeper, one that cannot be queued is lost:
        # say so loudly.
        logger.exception("could not enqueue %s%r", task.name, args)
