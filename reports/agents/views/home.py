"""The agents' home page, and an administrator's invitation of an agent."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import MODERATORS, staff_required
from accounts.services import AccessRefused, agent_invite
from companies.models import Website, WebsiteState
from reports import lifecycle
from reports.agents.forms import AgentInviteForm
from reports.models import Report
from reports.services.letters import companies_to_activate


@staff_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What waits for action, and the latest reports of the agent's departments."""
    visible = Report.objects.visible_to(request.user)
    mine = visible.filter(department__in=request.user.departments) if request.user.departments else visible
    dangerous = (
        mine.filter(tags__slug=lifecycle.DANGEROUS_PRODUCT_TAG)
        .filter(created_at__gte=timezone.now() - timedelta(days=30))
        .select_related("company")
        .order_by("-created_at")[:10]
    )
    context = {
        "dangerous": list(dangerous),
        "websites_to_identify": Website.objects.filter(state=WebsiteState.NOT_IDENTIFIED).count()
        if request.user.role in MODERATORS
        else 0,
        # Capped: the count of a long list only says "many".
        "companies_to_activate": len(companies_to_activate().values_list("pk", flat=True)[:1000])
        if request.user.role in MODERATORS
        else 0,
        "latest": list(mine.select_related("company").order_by("-created_at")[:10]),
        "moderator": request.user.role in MODERATORS,
        "departments": request.user.departments,
    }
    return render(request, "agents/home.html", context)


@staff_required(admin_only=True)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """An administrator invites an agent."""
    form = AgentInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agent_invite(by=request.user, **form.cleaned_data)
        except AccessRefused as refusal:
            form.add_error("email", refusal.message)
        else:
            messages.success(request, _("L’invitation est envoyée à %(email)s.") % form.cleaned_data)
            return redirect("agents:invite")
    return render(request, "agents/invite.html", {"form": form}, status=400 if form.errors else 200)
