"""The agents' pages about inspections, under /agents/controles/.

Every inspection is reached through Inspection.objects.visible_to and every
report through Report.objects.visible_to (a food-safety agent: food reports
only). Any agent may act (there is no departmental scope for agents: each is
national); a read-only administrator reads and gets 403 on every action;
anybody else gets 404."""

import re

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import ACTING_ROLES, staff_required
from companies.models import Company
from inspections import lifecycle
from inspections.exports import inspections_xlsx
from inspections.forms import SORTS, CancelForm, ConcludeForm, InspectionFiltersForm, LaunchForm
from inspections.models import Inspection, InspectionStatus
from inspections.selectors import inspection_candidates, inspection_figures, inspection_history, inspections_list
from reports.models import Report
from signalconso.converters import ReferenceConverter
from signalconso.pagination import Key, paginate

PAGE_SIZE = 25
# The company's latest reports offered to link on the launch form.
REPORTS_OFFERED = 50
KEYS = {
    "date": (Key("planned_on"), Key("pk")),
    "-date": (Key("planned_on", descending=True), Key("pk", descending=True)),
}
assert set(KEYS) == set(SORTS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _inspection_or_404(request, pk: int) -> Inspection:
    return get_object_or_404(Inspection.objects.visible_to(request.user).select_related("company", "agent"), pk=pk)


def _filtered(request):
    form = InspectionFiltersForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, Inspection.objects.none(), "date"
    data = form.cleaned_data if form.is_bound else {}
    return form, inspections_list(request.user, data), data.get("tri") or "date"


@staff_required
@require_safe
def inspection_list(request: HttpRequest) -> HttpResponse:
    form, rows, sort = _filtered(request)
    page = paginate(request, rows, size=PAGE_SIZE, keys=KEYS[sort])
    context = {"form": form, "page": page, "inspections": page.rows, "query": request.GET.urlencode()}
    return render(request, "inspections/list.html", context, status=400 if form.errors else 200)


@staff_required
@require_safe
def inspection_export(request: HttpRequest) -> HttpResponse:
    form, rows, sort = _filtered(request)
    if form.errors:
        return render(request, "inspections/list.html", {"form": form, "page": None, "inspections": []}, status=400)
    ordered = rows.order_by(*SORTS[sort])
    response = HttpResponse(inspections_xlsx(ordered), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="controles-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


def _launch_context(request, company, selected, form=None):
    offered = list(
        Report.objects.visible_to(request.user)
        .filter(company=company)
        .order_by("-created_at", "-pk")[:REPORTS_OFFERED]
    )
    offered += [report for report in selected if report not in offered]
    choices = [(r.reference, f"{r.reference} — {r.created_at:%d/%m/%Y}") for r in offered]
    if form is None:
        form = LaunchForm(
            report_choices=choices,
            initial={
                "reports": [r.reference for r in selected],
                "whole_siren": any(r.company_id != company.pk for r in selected),
                "department": company.department,
            },
        )
    return {"company": company, "form": form, "report_choices": choices}


def _company_of(request, references) -> tuple[Company | None, list[Report]]:
    """The company the selected reports are about: one establishment, or the
    head office (or first establishment) of the one SIREN they share."""
    reports = [r for r in lifecycle.reports_for_inspection(request.user, references) if r.company is not None]
    sirets = {r.company.siret for r in reports}
    sirens = {r.company.siren for r in reports}
    if len(sirens) != 1:
        return None, reports
    if len(sirets) == 1:
        return reports[0].company, reports
    siren = sirens.pop()
    company = Company.objects.filter(siren=siren, is_head_office=True).first() or min(
        (r.company for r in reports), key=lambda c: c.siret
    )
    return company, reports


@staff_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    """The launch form. Reached from a company's page (?entreprise=SIRET),
    from a report (?signalement=REF) or from the search's ticked reports
    (POSTed with `preparer`); sent back with the inspection's details."""
    source = request.POST if request.method == "POST" else request.GET
    # Only well-formed values reach the database (a NUL would be refused by PostgreSQL).
    references = [
        ref
        for ref in source.getlist("signalement") or source.getlist("reference")
        if re.fullmatch(ReferenceConverter.regex, ref)
    ]
    siret = source.get("entreprise", "")
    if siret:
        if not re.fullmatch(r"\d{14}", siret):
            raise Http404
        company = get_object_or_404(Company, siret=siret)
        selected = [r for r in lifecycle.reports_for_inspection(request.user, references) if r.company is not None]
    else:
        company, selected = _company_of(request, references[:1000])
        if company is None:
            if selected:
                messages.error(request, _("Cochez des signalements d’une même entreprise (un même SIREN)."))
            else:
                messages.error(request, _("Cochez au moins un signalement sur une entreprise identifiée."))
            return redirect("agents:search")
    if request.method == "GET" or "preparer" in request.POST:
        return render(request, "inspections/new.html", _launch_context(request, company, selected))
    context = _launch_context(request, company, selected)
    form = LaunchForm(request.POST, report_choices=context["report_choices"])
    if not form.is_valid():
        context["form"] = form
        return render(request, "inspections/new.html", context, status=400)
    data = form.cleaned_data
    chosen = lifecycle.reports_for_inspection(request.user, data["reports"])
    try:
        inspection = lifecycle.inspection_launch(
            company=company,
            user=request.user,
            planned_on=data["planned_on"],
            reports=chosen,
            whole_siren=data["whole_siren"],
            department=data["department"],
            agent=data["agent"],
            others=data["others"],
            notes=data["notes"],
        )
    except lifecycle.LaunchRefused as refusal:
        form.add_error(refusal.field or "reports", refusal.message)
        context["form"] = form
        return render(request, "inspections/new.html", context, status=400)
    messages.success(request, _("Le contrôle est lancé."))
    return redirect("inspections:detail", inspection.pk)


def _render_detail(request, inspection, status=200, **forms_):
    context = {
        "inspection": inspection,
        "reports": Report.objects.visible_to(request.user)
        .filter(linked_inspections=inspection)
        .order_by("created_at"),
        "others": inspection.others.all(),
        "history": inspection_history(inspection),
        "may_act": request.user.role in ACTING_ROLES,
        "may_start": bool(lifecycle.allowed("start", inspection.status)),
        "may_conclude": bool(lifecycle.allowed("conclude", inspection.status)),
        "may_cancel": bool(lifecycle.allowed("cancel", inspection.status)),
        "conclude_form": forms_.get("conclude_form") or ConcludeForm(),
        "cancel_form": forms_.get("cancel_form") or CancelForm(),
    }
    return render(request, "inspections/detail.html", context, status=status)


@staff_required
@require_safe
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _inspection_or_404(request, pk))


def _refused(request, inspection, refusal) -> HttpResponse:
    messages.error(request, refusal.message)
    return redirect("inspections:detail", inspection.pk)


@staff_required
@require_POST
def inspection_start(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_or_404(request, pk)
    try:
        lifecycle.inspection_start(inspection=inspection, user=request.user)
    except lifecycle.IllegalTransition as refusal:
        return _refused(request, inspection, refusal)
    messages.success(request, _("Le contrôle est commencé."))
    return redirect("inspections:detail", inspection.pk)


@staff_required
@require_POST
def inspection_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_or_404(request, pk)
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, inspection, status=400, conclude_form=form)
    try:
        lifecycle.inspection_conclude(inspection=inspection, user=request.user, **form.cleaned_data)
    except lifecycle.IllegalTransition as refusal:
        if refusal.field:
            form.add_error(refusal.field, refusal.message)
            return _render_detail(request, inspection, status=400, conclude_form=form)
        return _refused(request, inspection, refusal)
    messages.success(request, _("Le contrôle est terminé et sa suite consignée."))
    return redirect("inspections:detail", inspection.pk)


@staff_required
@require_POST
def inspection_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_or_404(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, inspection, status=400, cancel_form=form)
    try:
        lifecycle.inspection_cancel(inspection=inspection, user=request.user, reason=form.cleaned_data["reason"])
    except lifecycle.IllegalTransition as refusal:
        return _refused(request, inspection, refusal)
    messages.success(request, _("Le contrôle est annulé."))
    return redirect("inspections:detail", inspection.pk)


@staff_required
@require_safe
def inspection_candidates_view(request: HttpRequest) -> HttpResponse:
    candidates = inspection_candidates(request.user)
    context = {"candidates": candidates, "days": settings.INSPECTION_SCORE_DAYS}
    return render(request, "inspections/candidates.html", context)


@staff_required
@require_safe
def inspection_figures_view(request: HttpRequest) -> HttpResponse:
    figures = inspection_figures(request.user)
    statuses = dict(InspectionStatus.choices)
    by_status = [(statuses[value], figures["by_status"].get(value, 0)) for value in statuses]
    return render(request, "inspections/figures.html", {"figures": figures, "by_status": by_status})
