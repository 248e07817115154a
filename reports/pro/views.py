"""The companies' space: their reports, one report, the answer, engagements
and their own figures. Every query goes through Report.objects.visible_to:
a report of another company is a 404."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import pro_required
from accounts.services import company_alerts_set
from companies.models import CompanyAccess
from reports import lifecycle
from reports.files.forms import AttachmentsForm
from reports.files.services import attachment_discard, attachments_add
from reports.files.views import attachments_context
from reports.models import Attachment, Rating, Report, ReportStatus, Response, ResponseKind, Review, ReviewAbout
from reports.pro.forms import TABS, AnswerForm, ReportFilterForm
from reports.selectors import median_answer_delay, report_figures
from reports.services.reviews import engagement_mark_honoured
from signalconso.audit import ActorKind
from signalconso.forms import ids_from
from signalconso.pagination import Key, paginate

PAGE_SIZE = 20
ONGOING = (ReportStatus.SENT, ReportStatus.READ)


def _reports(request) -> "Report.objects":
    return Report.objects.visible_to(request.user)


@pro_required
@require_safe
def reports_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("onglet", "en-cours")
    if tab not in TABS:
        tab = "en-cours"
    accesses = _companies(request.user)
    form = ReportFilterForm(request.GET or None, accesses=accesses)
    reports = _reports(request).select_related("company")
    if tab == "en-cours":
        reports = reports.filter(status__in=ONGOING)
    elif tab == "clos":
        reports = reports.exclude(status__in=ONGOING)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            reports = reports.filter(Q(reference__iexact=data["q"].strip()) | Q(description__icontains=data["q"]))
        if data["statut"]:
            reports = reports.filter(status=data["statut"])
        if data["depuis"]:
            reports = reports.filter(created_at__date__gte=data["depuis"])
        if data["jusqua"]:
            reports = reports.filter(created_at__date__lte=data["jusqua"])
        chosen = next((a.company for a in accesses if a.company.siret == data.get("entreprise")), None)
        if chosen is not None:
            # A head office stands for every establishment of its SIREN.
            if chosen.is_head_office:
                reports = reports.filter(company__siren=chosen.siren)
            else:
                reports = reports.filter(company=chosen)
        if data["siret"]:
            reports = reports.filter(company_siret=data["siret"])
    page = paginate(request, reports, size=PAGE_SIZE)
    context = {
        "form": form,
        "tab": tab,
        "tabs": TABS,
        "reports": page.rows,
        "page": page,
        "companies": accesses,
        "now": timezone.now(),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "pro/reports.html", context, status=status)


def _companies(user) -> list[CompanyAccess]:
    return list(
        CompanyAccess.objects.filter(user=user)
        .select_related("company")
        .order_by("company__legal_name", "company__siret")
    )


def _report_or_404(request, reference: str) -> Report:
    return get_object_or_404(_reports(request).select_related("company"), reference=reference)


DRAFT_KEY = "answer:{}"


@pro_required
@require_safe
def report_detail(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    if lifecycle.report_mark_read(report=report, user=request.user):
        messages.info(request, _("Le consommateur est prévenu que vous avez lu son signalement."))
    return _render_detail(request, report)


def _render_detail(request, report, form=None, files_form=None, status=200):
    response = Response.objects.filter(report=report).first()
    draft = request.session.get(DRAFT_KEY.format(report.pk), {})
    can_answer = response is None and report.status == ReportStatus.READ
    if can_answer and form is None:
        form = AnswerForm(initial=AnswerForm.initial_from(draft))
        files_form = AttachmentsForm()
    draft_files = _draft_files(draft)
    context = {
        "report": report,
        "response": response,
        # The rating only: the consumer's comment is for the administration.
        "rating_label": dict(Rating.choices).get(
            Review.objects.filter(report=report, about=ReviewAbout.ANSWER).values_list("rating", flat=True).first()
        ),
        "consumer_files": report.attachments.servable().filter(origin=ActorKind.CONSUMER),
        "answer_files": report.attachments.servable().filter(origin=ActorKind.PRO),
        "can_answer": can_answer,
        "form": form,
        "files_form": files_form,
        **attachments_context(draft_files, counted=len(draft_files)),
    }
    return render(request, "pro/report.html", context, status=status)


def _draft_files(draft: dict) -> list[Attachment]:
    uids = draft.get("files") or []
    found = {str(a.uid): a for a in Attachment.objects.filter(uid__in=uids, report__isnull=True, origin=ActorKind.PRO)}
    return [found[uid] for uid in uids if uid in found]


@pro_required
@require_POST
def answer_prepare(request: HttpRequest, reference: str) -> HttpResponse:
    """The answer's form: kept in the session, then previewed before sending."""
    report = _report_or_404(request, reference)
    key = DRAFT_KEY.format(report.pk)
    draft = request.session.get(key, {})
    files = _draft_files(draft)
    form = AnswerForm(request.POST)
    files_form = AttachmentsForm(request.POST, request.FILES)
    files_form.is_valid()
    added, refused = attachments_add(
        uploads=files_form.cleaned_data.get("files", []), origin=ActorKind.PRO, already=len(files), user=request.user
    )
    files += added
    for message in refused:
        files_form.add_error("files", message)
    uid = request.POST.get("remove")
    if uid and (removed := next((a for a in files if str(a.uid) == uid), None)):
        files.remove(removed)
        attachment_discard(attachment=removed)
        messages.success(request, _("« %(name)s » est retiré.") % {"name": removed.name})
    draft["files"] = [str(a.uid) for a in files]
    request.session[key] = draft
    if uid or refused or not form.is_valid():
        if uid:
            form = AnswerForm(initial={f.name: f.data for f in form})
        return _render_detail(request, report, form, files_form, status=400 if form.errors or refused else 200)
    draft.update({k: form.cleaned_data[k] for k in ("kind", "reason", "message", "private_note")})
    request.session[key] = draft
    return redirect("pro:answer_preview", report.reference)


@pro_required
@require_http_methods(["GET", "POST"])
def answer_preview(request: HttpRequest, reference: str) -> HttpResponse:
    """The answer as the consumer will read it; sending it is final."""
    report = _report_or_404(request, reference)
    key = DRAFT_KEY.format(report.pk)
    draft = request.session.get(key)
    if not draft or not draft.get("kind"):
        return redirect("pro:report", report.reference)
    files = _draft_files(draft)
    if request.method == "POST":
        try:
            lifecycle.report_answer(
                report=report,
                user=request.user,
                kind=draft["kind"],
                reason=draft["reason"],
                message=draft["message"],
                private_note=draft.get("private_note", ""),
                attachments=files,
            )
        except lifecycle.IllegalTransition as refusal:
            messages.error(request, refusal.message)
            return redirect("pro:report", report.reference)
        request.session.pop(key, None)
        messages.success(request, _("Votre réponse est envoyée au consommateur."))
        return redirect("pro:report", report.reference)
    preview = Response(
        report=report,
        kind=draft["kind"],
        reason=draft["reason"],
        message=draft["message"],
        private_note=draft.get("private_note", ""),
    )
    return render(request, "pro/answer_preview.html", {"report": report, "preview": preview, "files": files})


# Engagements still to keep first, the nearest due first; then those kept, the latest first.
ENGAGEMENTS_ORDER = (
    Key("engagement_honoured_at", descending=True, nulls_first=True),
    Key("engagement_due_at", nulls_last=True),
    Key("pk"),
)


@pro_required
@require_safe
def engagements(request: HttpRequest) -> HttpResponse:
    responses = Response.objects.filter(kind=ResponseKind.ACCEPTED, report__in=_reports(request)).select_related(
        "report"
    )
    page = paginate(request, responses, size=PAGE_SIZE, keys=ENGAGEMENTS_ORDER)
    return render(
        request,
        "pro/engagements.html",
        {
            "responses": page.rows,
            "page": page,
            "now": timezone.now(),
        },
    )


@pro_required
@require_POST
def engagement_honoured(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    response = get_object_or_404(Response, report=report, kind=ResponseKind.ACCEPTED)
    if engagement_mark_honoured(response=response, user=request.user):
        messages.success(request, _("L’engagement est noté comme tenu. Merci."))
    return redirect("pro:engagements")


@pro_required
@require_safe
def figures(request: HttpRequest) -> HttpResponse:
    """The company's own figures, over its reports older than 30 days."""
    settled = timezone.now() - timedelta(days=30)
    reports = _reports(request).filter(created_at__lte=settled)
    counts = report_figures(reports)
    ratings = dict(
        Review.objects.filter(report__in=_reports(request), about=ReviewAbout.ANSWER)
        .values_list("rating")
        .annotate(n=Count("pk"))
    )
    context = {
        "counts": counts,
        "read_rate": counts["read_rate"],
        "response_rate": counts["response_rate"],
        "median_delay": median_answer_delay(reports),
        "ratings": [(label, ratings.get(value, 0)) for value, label in Rating.choices],
        "rated": sum(ratings.values()),
    }
    return render(request, "pro/figures.html", context)


@pro_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    """Which companies' new reports this user is emailed about."""
    accesses = _companies(request.user)
    if request.method == "POST":
        chosen = ids_from(request.POST.getlist("alerts"))
        company_alerts_set(user=request.user, access_ids=chosen)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("pro:settings")
    return render(request, "pro/settings.html", {"accesses": accesses})
