"""The consumer's report wizard: problem, company, details, consumer,
confirmation, then the acknowledgement. Every step works without JavaScript;
the draft lives in the session (see wizard.py)."""

import logging
from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from companies.forms import SiretForm
from companies.models import WebsiteState
from notifications.services import email_queue
from reports.files.forms import AttachmentsForm
from reports.files.services import attachment_discard, attachments_add
from reports.files.views import attachments_context
from reports.models import Category, CompanyKind, ReportStatus
from reports.services.filing import Blocked, ReportRefused, new_reference, report_submit
from reports.wizard import forms, verification
from reports.wizard.draft import STEPS, Draft
from reports.wizard.links import (
    follow_up_token,
)
from reports.wizard.submission import display_answer, submission_from_draft
from signalconso.audit import ActorKind
from signalconso.forms import posted
from signalconso.ratelimit import client_ip, is_rate_limited

logger = logging.getLogger(__name__)

LAST_REPORT_KEY = "last_report"


def _stepper(draft: Draft, current: str) -> dict:
    steps = draft.steps()
    index = next(i for i, step in enumerate(steps) if step.slug == current)
    return {
        "steps": steps,
        "current_step": steps[index],
        "step_number": index + 1,
        "step_count": len(steps),
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
    }


def _missing_step_redirect(request: HttpRequest, draft: Draft, current: str):
    missing = draft.first_missing_step(before=current)
    if missing is None:
        return None
    messages.info(request, _("Commencez par cette étape : « %(step)s ».") % {"step": missing.title})
    return redirect(missing.url_name)


def _next_url(draft: Draft, current: str) -> str:
    """The next step; or back to the confirmation, for a step the consumer
    came to change from it, when nothing else is missing."""
    if draft.data.get(BACK_TO_CONFIRMATION) and draft.first_missing_step(before="confirmation") is None:
        draft.data.pop(BACK_TO_CONFIRMATION)
        draft.save()
        return reverse("reports:confirmation")
    steps = draft.steps()
    index = next(i for i, step in enumerate(steps) if step.slug == current)
    return reverse(steps[index + 1].url_name)


BACK_TO_CONFIRMATION = "back_to_confirmation"


def _remember_return(request: HttpRequest, draft: Draft) -> None:
    """A step opened from the confirmation's "Modifier" links (?retour=confirmation)."""
    if request.GET.get("retour") == "confirmation":
        draft.data[BACK_TO_CONFIRMATION] = True
        draft.save()


# --- Step 1: the problem ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def problem(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    draft = Draft(request.session)
    _remember_return(request, draft)
    context = {"draft": draft, **_stepper(draft, "probleme")}
    if slug is None:
        context["nodes"] = Category.objects.active().roots()
        return render(request, "reports/problem.html", context)

    node = get_object_or_404(Category.objects.active(), slug=slug)
    context.update(node=node, path=node.path())
    children = node.children.active()
    if children.exists():
        context["nodes"] = children
        return render(request, "reports/problem.html", context)
    if node.stops_the_report:
        return render(request, "reports/information.html", context)

    form = None
    if node.allow_question_only:
        initial = {}
        if draft.data.get("category") == node.slug:
            initial["purpose"] = "question" if draft.question_only else "company"
        form = forms.PurposeForm(posted(request), initial=initial)
    if request.method == "POST" and (form is None or form.is_valid()):
        question_only = bool(form and form.cleaned_data["purpose"] == "question")
        draft.set_category(node, question_only=question_only)
        return redirect(_next_url(draft, "probleme"))
    context["form"] = form
    return render(request, "reports/problem_chosen.html", context, status=400 if form and form.errors else 200)


# --- Step 2: the company ------------------------------------------------------------

COMPANY_FORMS = {
    "siret": SiretForm,
    "website": forms.WebsiteForm,
    "phone": forms.PhoneForm,
    "foreign": forms.ForeignCompanyForm,
    "unknown": forms.PostalCodeForm,
    "place": forms.PostalCodeForm,
}
MODES_BY_KIND = {
    CompanyKind.SIRET: ["siret", "foreign", "unknown"],
    CompanyKind.WEBSITE: ["website"],
    CompanyKind.PHONE: ["phone"],
    CompanyKind.PLACE: ["place"],
}


def _company_from_form(mode: str, form) -> dict:
    if mode == "siret":
        company = form.company
        return {"mode": "siret", "siret": company.siret, "name": company.name, "address": company.address_lines}
    if mode == "website":
        website = form.website
        stored = {"mode": "website", "host": website.host, "name": website.host}
        if website.state == WebsiteState.IDENTIFIED:
            stored.update(
                siret=website.company.siret, name=website.company.name, address=website.company.address_lines
            )
        return stored
    if mode == "phone":
        return {"mode": "phone", "phone": form.cleaned_data["phone"]}
    if mode == "foreign":
        return {"mode": "foreign", **form.cleaned_data}
    return {"mode": mode, **form.cleaned_data}


@require_http_methods(["GET", "POST"])
def company(request: HttpRequest) -> HttpResponse:
    draft = Draft(request.session)
    _remember_return(request, draft)
    if missing := _missing_step_redirect(request, draft, "entreprise"):
        return missing
    kind = draft.company_kind
    if kind == CompanyKind.NONE:
        return redirect("reports:details")
    modes = MODES_BY_KIND[kind]
    stored = draft.get("company")
    posted_mode = request.POST.get("mode") if request.method == "POST" else None
    if posted_mode == "choose":
        posted_mode = "siret"  # a result picked from the search is checked like a typed SIRET
    company_forms = {}
    for mode in modes:
        if mode == posted_mode:
            company_forms[mode] = COMPANY_FORMS[mode](request.POST, prefix=mode)
        else:
            initial = {k: v for k, v in stored.items() if k != "mode"} if stored.get("mode") == mode else {}
            if mode == "website" and stored.get("host"):
                initial = {"address": stored["host"]}
            company_forms[mode] = COMPANY_FORMS[mode](prefix=mode, initial=initial)
    search = None
    if kind == CompanyKind.SIRET:
        search = forms.CompanySearchForm(request.GET if "q" in request.GET else None)
        if search.is_bound:
            search.is_valid()
    if posted_mode in modes:
        form = company_forms[posted_mode]
        if form.is_valid():
            draft.put("company", _company_from_form(posted_mode, form))
            return redirect(_next_url(draft, "entreprise"))
    context = {
        "draft": draft,
        "kind": kind,
        "forms": company_forms,
        "search": search,
        "stored": stored,
        "choose_error": posted_mode == "siret" and request.POST.get("mode") == "choose",
        "has_errors": posted_mode in modes,
        **_stepper(draft, "entreprise"),
    }
    status = 400 if posted_mode in modes else 200
    return render(request, "reports/company.html", context, status=status)


# --- Step 3: the details ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    draft = Draft(request.session)
    _remember_return(request, draft)
    if missing := _missing_step_redirect(request, draft, "details"):
        return missing
    questions = draft.category.questions_on_path()
    stored = draft.get("details")
    initial = {"occurred_on": stored.get("occurred_on"), "description": stored.get("description")}
    initial.update({f"q_{slug}": value for slug, value in stored.get("answers", {}).items()})
    form = forms.DetailsForm(posted(request), initial=initial, questions=questions)
    files_form = AttachmentsForm(posted(request), request.FILES or None)
    attachments = draft.attachments()
    if request.method == "POST":
        files_form.is_valid()  # never refused as a whole: each file is checked below
        added, refused = attachments_add(
            uploads=files_form.cleaned_data.get("files", []),
            origin=ActorKind.CONSUMER,
            already=draft.attachment_count(attachments),
        )
        draft.add_files(added)
        attachments += added
        for message in refused:
            files_form.add_error("files", message)
        if removed := _take_back_file(request, draft, attachments):
            attachments.remove(removed)
            # Keep what was typed, without judging it yet.
            form = forms.DetailsForm(initial={f.name: f.data for f in form}, questions=questions)
        elif form.is_valid() and not refused:
            draft.put(
                "details",
                {
                    "occurred_on": form.cleaned_data["occurred_on"].isoformat(),
                    "description": form.cleaned_data["description"],
                    "answers": form.answers(),
                },
            )
            return redirect(_next_url(draft, "details"))
    context = {
        "draft": draft,
        "form": form,
        "files_form": files_form,
        **attachments_context(attachments, counted=draft.attachment_count(attachments)),
        **_stepper(draft, "details"),
    }
    failed = (form.is_bound and form.errors) or files_form.errors
    return render(request, "reports/details.html", context, status=400 if failed else 200)


def _take_back_file(request: HttpRequest, draft: Draft, attachments: list):
    """The file whose "Retirer" button was pressed, discarded; or None."""
    uid = request.POST.get("remove")
    attachment = next((a for a in attachments if str(a.uid) == uid), None)
    if attachment is None or draft.take_back_file(uid) is None:
        return None
    attachment_discard(attachment=attachment)
    messages.success(request, _("« %(name)s » est retiré.") % {"name": attachment.name})
    return attachment


# --- Step 4: the consumer -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def consumer(request: HttpRequest) -> HttpResponse:
    draft = Draft(request.session)
    _remember_return(request, draft)
    if missing := _missing_step_redirect(request, draft, "coordonnees"):
        return missing
    form = forms.ConsumerForm(posted(request), initial=draft.get("consumer"), goes_to_company=draft.goes_to_company)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["verified"] = verification.is_verified(request.session, values["email"])
        draft.put("consumer", values)
        if values["verified"]:
            return redirect(_next_url(draft, "coordonnees"))
        _send_code(values["email"])
        return redirect("reports:verification")
    context = {"draft": draft, "form": form, **_stepper(draft, "coordonnees")}
    return render(request, "reports/consumer.html", context, status=400 if form.errors else 200)


@transaction.atomic
def _send_code(email: str) -> None:
    code = verification.issue_code(email)
    email_queue(
        "consumer_verification_code",
        to=email,
        data={"code": code},
        language=get_language() or "fr",
    )


def _too_many(request: HttpRequest, scope: str, limit: int, period: int) -> HttpResponse | None:
    if not is_rate_limited(scope=scope, key=client_ip(request), limit=limit, period=period):
        return None
    response = render(request, "reports/too_many.html", status=429)
    response["Retry-After"] = str(period)
    return response


@require_http_methods(["GET", "POST"])
def verification_step(request: HttpRequest) -> HttpResponse:
    """The code sent to the consumer's address, between their details and the confirmation."""
    draft = Draft(request.session)
    consumer_data = draft.get("consumer")
    if not consumer_data.get("email"):
        return redirect("reports:consumer")
    if consumer_data.get("verified"):
        return redirect("reports:confirmation")
    email = consumer_data["email"]
    form = forms.CodeForm(request.POST if request.POST.get("action") == "check" else None)
    if request.method == "POST":
        limited = _too_many(request, "report-code", settings.REPORT_CODE_RATE_LIMIT, settings.REPORT_CODE_RATE_PERIOD)
        if limited:
            return limited
        if request.POST.get("action") == "resend":
            wait = verification.seconds_before_resend(email)
            if wait:
                messages.warning(
                    request,
                    _("Patientez encore %(seconds)s secondes avant de demander un nouveau code.") % {"seconds": wait},
                )
            else:
                _send_code(email)
                messages.success(request, _("Un nouveau code vient de partir à %(email)s.") % {"email": email})
            return redirect("reports:verification")
        if form.is_valid():
            try:
                verification.check_code(email, form.cleaned_data["code"])
            except verification.CodeRefused as refusal:
                form.add_error("code", refusal.message)
            else:
                verification.mark_verified(request.session, email)
                consumer_data["verified"] = True
                draft.put("consumer", consumer_data)
                return redirect("reports:confirmation")
    context = {"draft": draft, "form": form, "email": email, **_stepper(draft, "coordonnees")}
    return render(request, "reports/verification.html", context, status=400 if form.errors else 200)


# --- Step 5: confirmation, then the acknowledgement -------------------------------------


@require_http_methods(["GET", "POST"])
def confirmation(request: HttpRequest) -> HttpResponse:
    draft = Draft(request.session)
    if missing := _missing_step_redirect(request, draft, "confirmation"):
        return missing
    if request.method == "POST":
        limited = _too_many(
            request, "report-submit", settings.REPORT_SUBMIT_RATE_LIMIT, settings.REPORT_SUBMIT_RATE_PERIOD
        )
        if limited:
            return limited
        goes_to_company = draft.goes_to_company
        try:
            report = report_submit(submission=submission_from_draft(draft), language=get_language() or "fr")
        except ReportRefused as refusal:
            messages.error(request, refusal.message)
            target = next((s for s in STEPS if s.slug == refusal.field), None)
            return redirect(target.url_name if target else "reports:confirmation")
        except Blocked:
            # Looks like success, and nothing is kept.
            reference, deadline, token = new_reference(timezone.localdate()), None, ""
        except Exception:
            # A fault (the database, the storage…): the report is one
            # transaction, so nothing of it was written; the draft stays.
            logger.exception("a report could not be filed")
            messages.error(
                request,
                _(
                    "Une panne nous empêche d’enregistrer votre signalement. Rien de ce que vous avez saisi "
                    "n’est perdu : réessayez dans quelques minutes."
                ),
            )
            return redirect("reports:confirmation")
        else:
            reference, goes_to_company = report.reference, report.status != ReportStatus.NOT_SENT
            deadline = report.expires_at.isoformat() if report.expires_at else None
            token = follow_up_token(report)
        request.session[LAST_REPORT_KEY] = {
            "token": token,
            "reference": reference,
            "goes_to_company": goes_to_company,
            "deadline": deadline,
            "email": draft.get("consumer").get("email"),
        }
        draft.clear()
        return redirect("reports:done")
    questions = {q.slug: q for q in draft.category.questions_on_path()}
    answers = [
        (questions[slug].label, display_answer(questions[slug], value))
        for slug, value in draft.get("details").get("answers", {}).items()
        if slug in questions
    ]
    details_data = draft.get("details")
    context = {
        "draft": draft,
        "company_data": draft.get("company"),
        "details_data": details_data,
        "occurred_on": _date_or_none(details_data.get("occurred_on")),
        "consumer_data": draft.get("consumer"),
        "answers": answers,
        "attachments": draft.attachments(),
        **_stepper(draft, "confirmation"),
    }
    return render(request, "reports/confirmation.html", context)


def _date_or_none(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@require_safe
def done(request: HttpRequest) -> HttpResponse:
    last = request.session.get(LAST_REPORT_KEY)
    if not last:
        return redirect("reports:problem")
    deadline = None
    if last.get("deadline"):
        deadline = datetime.fromisoformat(last["deadline"])
    return render(request, "reports/done.html", {"last": last, "deadline": deadline})


# --- After sending: the follow-up page and the receipt ---------------------------------


# --- Files ------------------------------------------------------------------------------
