"""Websites reported but not identified: link one to its company, or mark it."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import ACTING_ROLES, MODERATORS, staff_required
from companies.forms import SiretForm
from companies.models import Website, WebsiteState
from reports.services.websites import website_identify, website_mark


@staff_required(roles=MODERATORS)
@require_http_methods(["GET", "POST"])
def websites(request: HttpRequest) -> HttpResponse:
    """Hosts reported but not identified: link one to its company, or mark it."""
    if request.method == "POST":
        website = get_object_or_404(Website, pk=request.POST.get("website"))
        action = request.POST.get("action")
        if action == "identify":
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
        elif action in (WebsiteState.FOREIGN, WebsiteState.MARKETPLACE):
            website_mark(website=website, state=action, country=request.POST.get("country", ""), user=request.user)
            messages.success(
                request,
                _("%(host)s est noté : %(state)s.") % {"host": website.host, "state": WebsiteState(action).label},
            )
        return redirect("agents:websites")
    hosts = (
        Website.objects.filter(state=WebsiteState.NOT_IDENTIFIED)
        .annotate(reports_count=Count("reports"))
        .order_by("-reports_count", "host")[:100]
    )
    return render(
        request,
        "agents/websites.html",
        {"websites": hosts, "may_act": request.user.role in ACTING_ROLES},
    )
