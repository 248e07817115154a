"""Login (with a second factor for the administration's staff), logout,
password reset and change, the account page (names, email change) and
invitations."""

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import lockout, second_factor
from accounts.auth_log import auth_event_record
from accounts.forms import (
    DepartmentsForm,
    EmailChangeForm,
    LoginForm,
    NamesForm,
    PasswordChoiceForm,
    ResetRequestForm,
    SecondFactorForm,
)
from accounts.models import AuthEventKind, User
from accounts.services import (
    AccessRefused,
    account_departments_set,
    account_email_change,
    account_email_change_address,
    account_email_change_request,
    invitation_accept,
    invitation_from_token,
    second_factor_setup_link_send,
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not second_factor.needs_second_factor(user):
            return super().form_valid(form)
        # The administration's staff are logged in only after their code.
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "at": time.time(),
            "next": self.get_redirect_url(),
            "tries": 0,
        }
        if second_factor.has_device(user):
            return redirect("accounts:otp")
        return redirect("accounts:otp_setup")

    def get_default_redirect_url(self):
        # Professionals land on their reports, agents on their home page.
        if self.request.user.is_pro:
            return reverse("pro:reports")
        if self.request.user.is_administration_staff:
            return reverse("agents:home")
        return super().get_default_redirect_url()


PENDING_KEY = "second_factor_pending"
PENDING_MAX_AGE = 10 * 60
MAX_CODE_TRIES = 5


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_MAX_AGE:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _finish_login(request, user) -> HttpResponse:
    pending = request.session.pop(PENDING_KEY, {})
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    target = pending.get("next") or (
        reverse("agents:home") if user.is_administration_staff else reverse("accounts:account")
    )
    return redirect(target)


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of an agent's or administrator's login."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Reconnectez-vous : la vérification a pris trop de temps."))
        return redirect("accounts:login")
    if not second_factor.has_device(user):
        return redirect("accounts:otp_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Wrong codes count with wrong passwords, per account and per client,
        # in the shared cache: parallel guesses and fresh logins do not reset them.
        if not lockout.second_factor_allowed(request, user):
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Trop d’essais : réessayez dans 15 minutes."))
            return redirect("accounts:login")
        code, recovery = form.cleaned_data["code"], form.cleaned_data["recovery"]
        if code:
            check = second_factor.totp_check(user.totp, code)
            ok = check == second_factor.CodeCheck.RIGHT
        else:
            check, ok = None, second_factor.recovery_code_use(user, recovery)
        if ok:
            return _finish_login(request, user)
        if check == second_factor.CodeCheck.USED:
            # The right code, already used for a login: not a guess.
            form.add_error(
                "code",
                _("Ce code vient de servir : attendez que l’application en affiche un nouveau (30 secondes au plus)."),
            )
            return render(request, "accounts/otp.html", {"form": form}, status=400)
        lockout.second_factor_failed(request, user)
        pending = request.session[PENDING_KEY]
        pending["tries"] += 1
        request.session[PENDING_KEY] = pending
        if pending["tries"] >= MAX_CODE_TRIES:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Trop de codes erronés : reconnectez-vous."))
            return redirect("accounts:login")
        form.add_error(
            "recovery" if recovery and not code else "code",
            _("Ce code n’est pas le bon. Vérifiez l’heure de votre téléphone."),
        )
    return render(request, "accounts/otp.html", {"form": form}, status=400 if form.errors else 200)


# Somebody with a staff account's password alone must not set up their own
# authenticator: the first setup needs a link sent to the account's mailbox,
# opened in the browser that logs in (or an invitation just accepted in it).
SETUP_LINK_SALT = "accounts.second-factor-setup"
SETUP_LINK_MAX_AGE = 30 * 60
MAILBOX_PROVED_KEY = "mailbox_proved"


def _mailbox_proved(request, user) -> bool:
    pending = request.session.get(PENDING_KEY) or {}
    return pending.get("mailbox_proved") is True or request.session.get(MAILBOX_PROVED_KEY) == user.pk


def _send_setup_link(request, user) -> None:
    pending = request.session[PENDING_KEY]
    pending["setup_nonce"] = secrets.token_urlsafe(16)
    pending["link_sent_at"] = time.time()
    request.session[PENDING_KEY] = pending
    token = signing.dumps({"user": user.pk, "nonce": pending["setup_nonce"]}, salt=SETUP_LINK_SALT)
    # The address comes from SITE_URL, never from the request's Host.
    second_factor_setup_link_send(user=user, url=settings.SITE_URL + reverse("accounts:otp_setup_link", args=[token]))


@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """The first login of an agent: prove the mailbox, then set up the authenticator app."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if second_factor.has_device(user):
        return redirect("accounts:otp")
    if not _mailbox_proved(request, user):
        return _otp_setup_link_page(request, user)
    device = second_factor.device_for_setup(user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and not lockout.second_factor_allowed(request, user):
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("Trop d’essais : réessayez dans 15 minutes."))
        return redirect("accounts:login")
    if request.method == "POST" and form.is_valid():
        codes = second_factor.device_confirm(device, form.cleaned_data["code"])
        if codes is None:
            lockout.second_factor_failed(request, user)
        if codes is not None:
            pending = request.session.get(PENDING_KEY, {})
            request.session.pop(MAILBOX_PROVED_KEY, None)
            response = _finish_login(request, user)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": response["Location"] or pending.get("next")},
            )
        form.add_error("code", _("Ce code n’est pas le bon. Vérifiez l’heure de votre téléphone."))
    uri = second_factor.provisioning_uri(device)
    context = {"form": form, "secret": device.secret, "qr": second_factor.qr_svg(uri)}
    return render(request, "accounts/otp_setup.html", context, status=400 if form.errors else 200)


def _otp_setup_link_page(request, user) -> HttpResponse:
    """Before the authenticator: the link to the mailbox, sent once, again on request."""
    pending = request.session[PENDING_KEY]
    if "link_sent_at" not in pending:
        _send_setup_link(request, user)
    elif request.method == "POST":
        if time.time() - pending["link_sent_at"] < 60:
            messages.warning(request, _("Patientez une minute avant de demander un nouveau lien."))
        else:
            _send_setup_link(request, user)
            messages.success(request, _("Un nouveau lien vient de partir."))
        return redirect("accounts:otp_setup")
    return render(request, "accounts/otp_setup_link.html", {"email": user.email})


@require_safe
def otp_setup_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the mailbox: in the browser that logs in, it opens the setup."""
    user = _pending_user(request)
    try:
        data = signing.loads(token, salt=SETUP_LINK_SALT, max_age=SETUP_LINK_MAX_AGE)
    except signing.BadSignature:
        data = {}
    pending = request.session.get(PENDING_KEY) or {}
    if user is None or data.get("user") != user.pk or data.get("nonce") != pending.get("setup_nonce"):
        messages.error(
            request,
            _(
                "Ce lien ne vaut que dans le navigateur où vous vous êtes connecté, pendant 30 minutes : "
                "connectez-vous de nouveau, puis ouvrez le lien reçu dans ce même navigateur."
            ),
        )
        return redirect("accounts:login")
    pending["mailbox_proved"] = True
    request.session[PENDING_KEY] = pending
    return redirect("accounts:otp_setup")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        form.save()
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # Whoever kept failing on this account, its owner has just proved
        # they read its mailbox: the counters start again.
        lockout.lockout_clear(self.user.email)
        response = super().form_valid(form)
        auth_event_record(kind=AuthEventKind.PASSWORD_RESET, request=self.request, user=self.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        auth_event_record(kind=AuthEventKind.PASSWORD_CHANGED, request=self.request, user=self.request.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _account_page(request, *, names=None, departments=None, email_form=None) -> HttpResponse:
    """The account page; a form given is the one that was just refused."""
    user = request.user
    context = {
        "names": names or NamesForm(instance=user),
        "departments": departments or DepartmentsForm(initial={"departments": ", ".join(user.departments)}),
        "email_form": email_form or EmailChangeForm(user=user),
    }
    failed = any(form is not None for form in (names, departments, email_form))
    return render(request, "accounts/account.html", context, status=400 if failed else 200)


@require_safe
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's names, departments (agents) and email address."""
    return _account_page(request)


@require_POST
@login_required
def account_names(request: HttpRequest) -> HttpResponse:
    form = NamesForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _account_page(request, names=form)
    form.save()
    messages.success(request, _("Votre nom est enregistré."))
    return redirect("accounts:account")


@require_POST
@login_required
def account_departments(request: HttpRequest) -> HttpResponse:
    form = DepartmentsForm(request.POST)
    if not form.is_valid():
        return _account_page(request, departments=form)
    try:
        account_departments_set(user=request.user, departments=form.cleaned_data["departments"])
    except AccessRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Vos départements sont enregistrés."))
    return redirect("accounts:account")


@require_POST
@login_required
def account_email(request: HttpRequest) -> HttpResponse:
    """A change of address, proved by a link sent to the new one."""
    form = EmailChangeForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, email_form=form)
    email = form.cleaned_data["email"]
    account_email_change_request(user=request.user, email=email, language=get_language() or "fr")
    messages.success(
        request,
        _("Un lien de confirmation est envoyé à %(email)s : votre adresse changera quand vous l’ouvrirez.")
        % {"email": email},
    )
    return redirect("accounts:account")


@require_http_methods(["GET", "POST"])
@login_required
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to the new address: a button confirms the change. The
    link names the address it replaces, so it works once."""
    email = account_email_change_address(user=request.user, token=token)
    if email is None:
        messages.error(request, _("Ce lien n’est plus valable : demandez de nouveau le changement."))
        return redirect("accounts:account")
    if request.method == "GET":
        return render(request, "accounts/email_confirm.html", {"email": email})
    try:
        account_email_change(user=request.user, token=token)
    except AccessRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Votre adresse est maintenant %(email)s.") % {"email": email})
    return redirect("accounts:account")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's link: the addressee signs in to accept it, or creates
    an account with a password."""
    found = invitation_from_token(token)
    if found is None:
        return render(request, "accounts/invitation_expired.html", status=404)
    existing = User.objects.filter(email=found.email).exists()
    form = PasswordChoiceForm(request.POST or None, email=found.email)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                user = invitation_accept(invitation=found, user=request.user)
            elif existing:
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            elif form.is_valid():
                user = invitation_accept(
                    invitation=found,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
                if user.is_administration_staff:
                    # Their first login sets up the second factor; this
                    # browser has just proved the mailbox.
                    request.session[MAILBOX_PROVED_KEY] = user.pk
                    messages.success(
                        request,
                        _("Votre compte est créé : connectez-vous pour activer votre application d’authentification."),
                    )
                    return redirect("accounts:login")
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                user = None
        except AccessRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("accounts:account" if request.user.is_authenticated else "home")
        if user is not None:
            messages.success(
                request,
                _("Bienvenue : vous avez accès à %(company)s.")
                % {"company": found.company.name if found.company else "SignalConso"},
            )
            return redirect("pro:reports" if user.is_pro else "accounts:account")
    context = {"invitation": found, "form": form, "existing": existing}
    return render(request, "accounts/invitation.html", context, status=400 if form.errors else 200)
