"""The agents' space: home, search, one report and its actions, saved
searches, subscriptions, invitations. Every report is reached through
Report.objects.visible_to (a food-safety agent gets 404 outside food and
hygiene); a read-only administrator reads everything and acts on nothing."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import ACTING_ROLES, staff_required
from accounts.models import STAFF_ROLES, Role
from companies.forms import SiretForm
from reports import lifecycle
from reports.agents.forms import CommentForm, ForwardForm, TagsForm
from reports.files.forms import AttachmentsForm
from reports.files.services import attachments_add
from reports.files.views import attachments_context
from reports.models import Bookmark, Report, Response
from reports.selectors import timeline_lines
from reports.services.agents import (
    bookmark_toggle,
    comment_add,
    report_change_company,
    report_delete_spam,
    report_forward,
    report_tags_set,
)
from signalconso.audit import ActorKind
from signalconso.refusals import Refused


def _report_or_404(request, reference: str) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related("company", "website"),
        reference=reference,
    )


@staff_required
@require_safe
def report_detail(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    return _render_report(request, report)


def _render_report(request, report, **forms_) -> HttpResponse:
    user = request.user
    context = {
        "report": report,
        "timeline": timeline_lines(report),
        "response": Response.objects.filter(report=report).first(),
        "reviews": list(report.reviews.all()),
        "report_files": report.attachments.servable().select_related("comment"),
        "comments": report.comments.select_related("user").prefetch_related("attachments"),
        # The old per-report records (read only) and the inspections linking the report.
        "inspections": report.inspections.select_related("user"),
        "linked_inspections": report.linked_inspections.select_related("company").order_by("planned_on"),
        "bookmarked": Bookmark.objects.filter(report=report, user=user).exists(),
        "may_act": user.role in ACTING_ROLES,
        "is_admin": user.role == Role.ADMIN,
        "comment_form": forms_.get("comment_form") or CommentForm(),
        "files_form": forms_.get("files_form") or AttachmentsForm(),
        "tags_form": TagsForm(initial={"tags": list(report.tags.values_list("slug", flat=True))}),
        "forward_form": forms_.get("forward_form") or ForwardForm(),
        "company_form": forms_.get("company_form") or SiretForm(prefix="entreprise"),
        **attachments_context([], counted=0),
    }
    status = 400 if any(f.errors for f in forms_.values()) else 200
    return render(request, "agents/report.html", context, status=status)


def _acted(request, report, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("agents:report", report.reference)


@staff_required
@require_POST
def report_comment(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    form = CommentForm(request.POST)
    files_form = AttachmentsForm(request.POST, request.FILES)
    files_form.is_valid()
    if not form.is_valid():
        return _render_report(request, report, comment_form=form, files_form=files_form)
    with transaction.atomic():
        added, refused = attachments_add(
            uploads=files_form.cleaned_data.get("files", []), origin=ActorKind.AGENT, already=0, user=request.user
        )
        if refused:
            transaction.set_rollback(True)  # the files kept are not kept either: the agent sends again
        else:
            comment_add(report=report, user=request.user, text=form.cleaned_data["text"], attachments=added)
    if refused:
        for message in refused:
            files_form.add_error("files", message)
        return _render_report(request, report, comment_form=form, files_form=files_form)
    return _acted(request, report, _("Le commentaire est ajouté."))


@staff_required(act=STAFF_ROLES)
@require_POST
def report_bookmark(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    on = bookmark_toggle(report=report, user=request.user)
    return _acted(request, report, _("Signalement suivi.") if on else _("Signalement plus suivi."))


@staff_required
@require_POST
def report_tags(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    form = TagsForm(request.POST)
    if form.is_valid():
        report_tags_set(report=report, user=request.user, slugs=form.cleaned_data["tags"])
    return _acted(request, report, _("Les mots-clés sont enregistrés."))


@staff_required
@require_POST
def report_forward_view(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, forward_form=form)
    report_forward(report=report, user=request.user, **form.cleaned_data)
    return _acted(request, report, _("La transmission est consignée dans l’historique."))


# --- An administrator's actions -----------------------------------------------------


def _refused(request, report, refusal: Refused) -> HttpResponse:
    messages.error(request, refusal.message)
    return redirect("agents:report", report.reference)


@staff_required(admin_only=True)
@require_POST
def report_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    try:
        lifecycle.report_reopen(report=report, user=request.user)
    except Refused as refusal:
        return _refused(request, report, refusal)
    return _acted(request, report, _("Le signalement est rouvert pour 3 jours."))


@staff_required(admin_only=True)
@require_POST
def report_anonymise(request: HttpRequest, reference: str) -> HttpResponse:
    """At the consumer's request: their data is erased and they are told."""
    report = _report_or_404(request, reference)
    try:
        lifecycle.report_anonymise(report=report, user=request.user, at_consumer_request=True)
    except Refused as refusal:
        return _refused(request, report, refusal)
    return _acted(request, report, _("Les données du consommateur sont effacées ; il en est prévenu."))


@staff_required(admin_only=True)
@require_POST
def report_change_company_view(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    form = SiretForm(request.POST, prefix="entreprise")
    if not form.is_valid():
        return _render_report(request, report, company_form=form)
    try:
        report_change_company(report=report, user=request.user, company=form.company)
    except Refused as refusal:
        return _refused(request, report, refusal)
    return _acted(request, report, _("L’entreprise du signalement est changée."))


@staff_required(admin_only=True)
@require_POST
def report_delete(request: HttpRequest, reference: str) -> HttpResponse:
    """Spam or abuse: the reference typed again confirms."""
    report = _report_or_404(request, reference)
    if request.POST.get("confirm") != report.reference:
        messages.error(request, _("Recopiez la référence du signalement pour confirmer."))
        return redirect("agents:report", report.reference)
    report_delete_spam(report=report, user=request.user)
    messages.success(request, _("Le signalement %(reference)s est supprimé.") % {"reference": report.reference})
    return redirect("agents:search")
