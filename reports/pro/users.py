"""The company's users: its administrators invite colleagues, change their
level and revoke their access."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import pro_required
from accounts.models import Invitation
from accounts.services import AccessRefused, company_access_change, company_access_give
from companies.models import AccessLevel, CompanyAccess
from reports.pro.forms import AccessInviteForm


def _my_access_or_404(request, siret: str) -> CompanyAccess:
    return get_object_or_404(CompanyAccess.objects.select_related("company"), user=request.user, company__siret=siret)


@pro_required
@require_http_methods(["GET", "POST"])
def accesses(request: HttpRequest, siret: str) -> HttpResponse:
    """The company's users; its administrators invite, change and revoke."""
    mine = _my_access_or_404(request, siret)
    company = mine.company
    is_admin = mine.level == AccessLevel.ADMIN
    form = AccessInviteForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                company_access_give(
                    company=company,
                    email=form.cleaned_data["email"],
                    level=form.cleaned_data["level"],
                    by=request.user,
                )
            except AccessRefused as refusal:
                form.add_error("email", refusal.message)
            else:
                messages.success(
                    request, _("Une invitation est envoyée à %(email)s.") % {"email": form.cleaned_data["email"]}
                )
                return redirect("pro:accesses", siret)
    context = {
        "company": company,
        "is_admin": is_admin,
        "accesses": CompanyAccess.objects.filter(company=company).select_related("user").order_by("user__email"),
        "invitations": Invitation.objects.filter(company=company, accepted_at__isnull=True).order_by("-created_at"),
        "form": form,
        "levels": AccessLevel.choices,
    }
    return render(request, "pro/accesses.html", context, status=400 if form.errors else 200)


@pro_required
@require_POST
def access_change(request: HttpRequest, siret: str, pk: int) -> HttpResponse:
    mine = _my_access_or_404(request, siret)
    if mine.level != AccessLevel.ADMIN:
        return HttpResponse(status=403)
    access = get_object_or_404(CompanyAccess, pk=pk, company=mine.company)
    level = request.POST.get("level")
    if level not in (AccessLevel.ADMIN, AccessLevel.MEMBER, "revoke"):
        return HttpResponse(status=400)
    try:
        company_access_change(access=access, level=None if level == "revoke" else level, by=request.user)
    except AccessRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("L’accès de %(email)s est modifié.") % {"email": access.user.email})
    return redirect("pro:accesses", siret)
