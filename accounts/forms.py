from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from notifications.services import email_queue

from .models import User


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
    }


class ResetRequestForm(PasswordResetForm):
    """Queues the reset link in the outbox (notifications), like every email."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("L’adresse avec laquelle vous vous connectez."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        # The link is built from SITE_URL when sent, never from the request's Host.
        email_queue(
            "password_reset",
            to=to_email,
            data={"uid": context["uid"], "token": context["token"]},
            language=get_language() or "fr",
            user=context["user"],
        )


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
        return email
