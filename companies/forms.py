from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class ActivationForm(forms.Form):
    siret = forms.CharField(
        label=_("Numéro SIRET de l’établissement"),
        max_length=20,
        help_text=_("Il figure sur le courrier reçu. 14 chiffres."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Code d’activation"),
        max_length=20,
        help_text=_("8 caractères, sur le courrier reçu. Exemple : K7PM-3QXT"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        help_text=_("Nous y enverrons le lien pour choisir votre mot de passe."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


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
