"""Activation of a company's first account, and its users' access."""

from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import PasswordChoiceForm
from accounts.models import User
from accounts.services import activation_complete
from companies.activation import ActivationRefused, activation_check
from companies.forms import ActivationForm
from companies.models import ActivationCode
from notifications.services import email_queue
from signalconso.ratelimit import client_ip, is_rate_limited

ACTIVATION_SALT = "companies.activation"
ACTIVATION_LINK_MAX_AGE = 24 * 3600


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """SIRET, code and email: the link to choose a password goes to the email."""
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_rate_limited(scope="activation-ip", key=client_ip(request), limit=60, period=3600):
            form.add_error("code", _("Trop d’essais depuis votre connexion : réessayez dans une heure."))
        else:
            try:
                code = activation_check(siret=form.cleaned_data["siret"], code=form.cleaned_data["code"])
            except ActivationRefused as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                email = form.cleaned_data["email"]
                token = signing.dumps({"code": code.pk, "email": email}, salt=ACTIVATION_SALT)
                email_queue(
                    "pro_activation_link",
                    to=email,
                    data={"company": code.company_id, "token": token},
                    company=code.company,
                )
                request.session["activation_email"] = email
                return redirect("pro:activate_sent")
    status = 400 if form.errors else 200
    return render(request, "pro/activate.html", {"form": form}, status=status)


def activate_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "pro/activate_sent.html", {"email": request.session.get("activation_email", "")})


@require_http_methods(["GET", "POST"])
def activate_finish(request: HttpRequest, token: str) -> HttpResponse:
    """From the emailed link: names and password, then the space."""
    try:
        data = signing.loads(token, salt=ACTIVATION_SALT, max_age=ACTIVATION_LINK_MAX_AGE)
    except signing.BadSignature:
        return render(request, "pro/activate_expired.html", status=404)
    code = ActivationCode.objects.select_related("company").filter(pk=data.get("code")).first()
    if code is None or code.used_at is not None:
        return render(request, "pro/activate_expired.html", status=404)
    existing = User.objects.filter(email=User.objects.normalize_email(data["email"])).first()
    if existing is not None:
        # An account exists: its owner signs in (with their password) to link it.
        if request.user != existing:
            messages.info(
                request, _("Un compte existe pour cette adresse : connectez-vous pour l’ajouter à l’entreprise.")
            )
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if request.method == "POST":
            try:
                activation_complete(code_id=code.pk, email=existing.email, first_name="", last_name="", password="")
            except ActivationRefused as refusal:
                messages.error(request, refusal.message)
                return redirect("pro:activate")
            messages.success(request, _("Vous avez maintenant accès à %(company)s.") % {"company": code.company.name})
            return redirect("pro:reports")
        return render(request, "pro/activate_link.html", {"company": code.company})
    form = PasswordChoiceForm(request.POST or None, email=data["email"])
    if request.method == "POST" and form.is_valid():
        try:
            user = activation_complete(
                code_id=code.pk,
                email=data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ActivationRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("pro:activate")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Votre compte est créé : voici les signalements de votre entreprise."))
        return redirect("pro:reports")
    context = {"form": form, "company": code.company, "email": data["email"]}
    return render(request, "pro/activate_finish.html", context, status=400 if form.errors else 200)
