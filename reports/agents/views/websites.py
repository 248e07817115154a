"""Websites reported but not identified: link one to its company, or mark it
foreign or a marketplace. One view per action."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import ACTING_ROLES, MODERATORS, staff_required
from companies.forms import SiretForm
from companies.models import Website, WebsiteState
from reports.agents.forms import WebsiteCountryForm
from reports.services.websites import website_identify, website_mark


@staff_required(roles=MODERATORS)
@require_safe
def websites(request: HttpRequest) -> HttpResponse:
    hosts = (
        Website.objects.filter(state=WebsiteState.NOT_IDENTIFIED)
        .annotate(reports_count=Count("reports"))
        .order_by("-reports_count", "host")[:100]
    )
    return render(request, "agents/websites.html", {"websites": hosts, "may_act": request.user.role in ACTING_ROLES})


@staff_required(roles=MODERATORS)
@require_POST
def website_identify_view(request: HttpRequest, pk: int) -> HttpResponse:
    website = get_object_or_404(Website, pk=pk)
    form = SiretForm(request.POST, prefix=f"site{website.pk}")
    if form.is_valid():
        sent = website_identify(website=website, company=form.company, user=request.user)
        messages.success(
            request,
            _("%(host)s est rattaché à %(company)s ; %(count)s signalements lui sont envoyés.")
            % {"host": website.host, "company": form.company.name, "count": sent},
        )
    else:
        messages.error(request, " ".join(form.errors.get("siret", [])))
    return redirect("agents:websites")


def _mark(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    website = get_object_or_404(Website, pk=pk)
    form = WebsiteCountryForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["country"]))
        return redirect("agents:websites")
    website_mark(website=website, state=state, country=form.cleaned_data["country"], user=request.user)
    messages.success(request, _("%(host)s est noté : %(state)s.") % {"host": website.host, "state": state.label})
    return redirect("agents:websites")


@staff_required(roles=MODERATORS)
@require_POST
def website_mark_foreign(request: HttpRequest, pk: int) -> HttpResponse:
    return _mark(request, pk, WebsiteState.FOREIGN)


@staff_required(roles=MODERATORS)
@require_POST
def website_mark_marketplace(request: HttpRequest, pk: int) -> HttpResponse:
    return _mark(request, pk, WebsiteState.MARKETPLACE)
