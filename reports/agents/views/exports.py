"""Exports: asked for from the search, built by a worker, then downloaded."""

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import staff_required
from accounts.models import STAFF_ROLES
from reports.agents.exports import export_downloaded, export_request
from reports.agents.forms import InvalidFilters, search_query
from reports.files.views import stored_file_response
from reports.models import Export, ExportStatus, Report
from signalconso.converters import ReferenceConverter

EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@staff_required(act=STAFF_ROLES)
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind")
    if kind not in EXPORT_TYPES:
        return HttpResponse(status=400)
    references = [ref for ref in request.POST.getlist("reference") if re.fullmatch(ReferenceConverter.regex, ref)]
    if kind == "pdf" and "reference" not in request.POST and "query" not in request.POST:
        messages.error(request, _("Cochez au moins un signalement."))
        return redirect("agents:search")
    try:
        query = search_query(request.POST.get("query", "")).urlencode()
    except InvalidFilters:
        messages.error(request, _("Ces filtres ne sont pas valides : corrigez la recherche avant de l’exporter."))
        return redirect("agents:search")
    if "reference" in request.POST:
        # A single report's PDF: only one the agent may read.
        visible = Report.objects.visible_to(request.user).filter(reference__in=references)
        references = list(visible.values_list("reference", flat=True))
        if not references:
            raise Http404
    export = export_request(user=request.user, kind=kind, query=query, references=references)
    return redirect("agents:export", export.pk)


@staff_required
@require_safe
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The waiting page. It never reloads itself: a script asks for the
    export's state and says when the file is ready, without JavaScript a link
    reloads the page."""
    export = get_object_or_404(Export, pk=pk, user=request.user)
    return render(request, "agents/export.html", {"export": export})


@staff_required
@require_safe
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    export = get_object_or_404(Export, pk=pk, user=request.user)
    return JsonResponse({"status": export.status})


@staff_required
@require_safe
def export_file(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(Export, pk=pk, user=request.user, status=ExportStatus.DONE)
    export_downloaded(export=export, user=request.user)
    name = f"signalements-{timezone.localtime(export.created_at):%Y-%m-%d-%H%M}.{export.kind}"
    return stored_file_response(export.file, name, EXPORT_TYPES[export.kind])
