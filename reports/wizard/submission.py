"""The draft checked again, step by step, when the consumer sends it.

The draft in the session holds what each step accepted, but a step's rules
may have changed since (a category deactivated, a company closed, a question
added) and a session can be tampered with. Each step's data goes through its
form once more; the company is looked up again in the register. What comes
out is a Submission for reports.services.filing.report_submit.
"""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from reports.models import QuestionKind
from reports.services.filing import ReportRefused, Submission, company_target
from reports.wizard import verification
from reports.wizard.draft import Draft
from reports.wizard.forms import TIME_SLOTS, ConsumerForm, DetailsForm, choice_label


def submission_from_draft(draft: Draft) -> Submission:
    """Raises ReportRefused with the step to go back to when one no longer holds."""
    category = draft.category
    if category is None or not draft.is_done("probleme"):
        raise ReportRefused(_("Ce type de problème n’est plus proposé : choisissez-en un autre."), field="probleme")
    target = company_target(draft.get("company"), company_kind=draft.company_kind)
    details, answers = _details(draft, category.questions_on_path())
    goes_to_company = target.goes_to_company(question_only=draft.question_only, tags=draft.tags)
    consumer = ConsumerForm(draft.get("consumer"), goes_to_company=goes_to_company)
    if not consumer.is_valid():
        raise ReportRefused(_("Vérifiez vos coordonnées."), field="coordonnees")
    email = consumer.cleaned_data["email"]
    if not verification.is_verified(draft.session, email):
        raise ReportRefused(_("Confirmez d’abord votre adresse électronique."), field="coordonnees")
    return Submission(
        category=category,
        question_only=draft.question_only,
        target=target,
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
        file_uids=tuple(draft.file_uids),
    )


def _details(draft: Draft, questions) -> tuple[DetailsForm, list[dict]]:
    details = draft.get("details")
    data = {"occurred_on": details.get("occurred_on"), "description": details.get("description")}
    for slug, value in (details.get("answers") or {}).items():
        data[f"q_{slug}"] = value
    form = DetailsForm(_StoredData(data), questions=questions)
    if not form.is_valid():
        raise ReportRefused(_("Vérifiez les détails du problème."), field="details")
    answers = []
    for question in questions:
        value = form.cleaned_data.get(f"q_{question.slug}")
        if value in (None, "", []):
            continue
        answers.append({"slug": question.slug, "question": question.label, "answer": display_answer(question, value)})
    return form, answers


class _StoredData(dict):
    """Stored answers read back like submitted form data (lists for multiple choices)."""

    def getlist(self, key, default=None):
        value = self.get(key, default)
        return value if isinstance(value, list) else [value]


def display_answer(question, value) -> str:
    """An answer as the consumer reads it: a choice's label, a date in words."""
    if question.kind in (QuestionKind.DATE, QuestionKind.PAST_DATE) and isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        labels = {c["value"]: choice_label(c) for c in question.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    if question.kind == QuestionKind.TIME_SLOT:
        return str(dict(TIME_SLOTS).get(value, value))
    if hasattr(value, "strftime"):
        return formats.date_format(value)
    return str(value)
