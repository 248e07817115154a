import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import lockout
from accounts.models import User
from companies.identifiers import is_department_code
from signalconso.background import start_task
from signalconso.ratelimit import client_ip, is_rate_limited


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie ; "
            "si vous avez oublié votre mot de passe, vous pouvez en choisir un nouveau."
        ),
        "inactive": _("Ce compte est désactivé. Contactez l’administrateur de votre entreprise."),
        "throttled": _(
            "Trop d’essais pour ce compte depuis votre connexion : réessayez dans "
            "15 minutes, ou choisissez un nouveau mot de passe, ce qui lève le blocage."
        ),
    }

    def clean(self):
        """Refuses at once a client that failed too often on this account, or
        on many accounts (accounts/lockout.py); counts each failure."""
        email = self.cleaned_data.get("username")
        if not lockout.login_allowed(self.request, email):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            lockout.login_failed(self.request, email)
            raise
        lockout.login_succeeded(self.request, email)
        return cleaned


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres de votre application"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
        help_text=_("Il change toutes les 30 secondes."),
    )
    recovery = forms.CharField(
        label=_("Ou un code de secours"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Si vous n’avez plus votre application : un des codes reçus à l’activation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One of the two is needed: neither is marked optional.
        for field in self.fields.values():
            field.one_of_group = True

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code") and not cleaned.get("recovery"):
            self.add_error("code", _("Saisissez le code affiché par votre application."))
        return cleaned


class ResetRequestForm(forms.Form):
    """Asks for a reset link. Whether the address has an account or not, the
    request does the same work, answers the same and as fast: a background
    task looks the address up and queues the email (accounts.services).
    Requests are limited per client and per address."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("L’adresse avec laquelle vous vous connectez."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        limits = [
            ("password-reset-client", client_ip(self.request), settings.PASSWORD_RESET_RATE_LIMIT),
            ("password-reset-address", email, 3),
        ]
        if any(is_rate_limited(scope=scope, key=key, limit=limit, period=3600) for scope, key, limit in limits):
            raise forms.ValidationError(_("Trop de demandes de nouveau mot de passe : réessayez dans une heure."))
        return email

    def save(self, **kwargs) -> None:
        start_task("accounts.tasks.send_password_reset", self.cleaned_data["email"], get_language() or "fr")


class NamesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Nouvelle adresse électronique"),
        help_text=_("Nous y enverrons un lien : votre adresse change quand vous l’ouvrez."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email == self.user.email:
            raise forms.ValidationError(_("C’est déjà votre adresse."))
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("Cette adresse est déjà celle d’un autre compte."))
        domain = email.rpartition("@")[2]
        if self.user.is_administration_staff and domain not in settings.ADMINISTRATION_EMAIL_DOMAINS:
            raise forms.ValidationError(
                _("Seules les adresses de l’administration sont acceptées (%(domains)s).")
                % {"domains": ", ".join(settings.ADMINISTRATION_EMAIL_DOMAINS)}
            )
        return email


class DepartmentsForm(forms.Form):
    departments = forms.CharField(
        label=_("Vos départements"),
        required=False,
        max_length=300,
        help_text=_(
            "Séparés par des virgules (exemple : 13, 83, 2A). Votre page d’accueil part de "
            "leurs signalements ; vide, toute la France."
        ),
    )

    def clean_departments(self):
        codes = [c.strip().upper() for c in re.split(r"[,\s;]+", self.cleaned_data["departments"]) if c.strip()]
        wrong = [c for c in codes if not is_department_code(c)]
        if wrong:
            raise forms.ValidationError(
                _("Département inconnu : %(codes)s. Exemples : 13, 2A, 971.") % {"codes": ", ".join(wrong)}
            )
        return sorted(set(codes))


class PasswordChoiceForm(forms.Form):
    """Names and a password twice, checked by Django's validators (12 characters at least)."""

    first_name = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("12 caractères au moins ; évitez un mot de passe trop courant."),
    )
    password2 = forms.CharField(
        label=_("Le même mot de passe, de nouveau"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        validate_password(password, User(email=self.email))
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") != cleaned["password1"]:
            self.add_error("password2", ValidationError(_("Les deux mots de passe diffèrent.")))
        return cleaned
