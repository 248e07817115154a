from django import forms
from django.utils.translation import gettext_lazy as _


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
