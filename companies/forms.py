from django import forms
from django.utils.translation import gettext_lazy as _

from companies.services import CompanyRefused, company_for_report


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


class SiretForm(forms.Form):
    siret = forms.CharField(
        label=_("Numéro SIRET de l’établissement"),
        max_length=20,
        help_text=_("14 chiffres, souvent en bas des factures. Exemple : 732 829 320 00074"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    suggestion = None

    def clean_siret(self):
        try:
            company = company_for_report(siret=self.cleaned_data["siret"])
        except CompanyRefused as refusal:
            # A closed establishment: its open head office may be chosen instead.
            self.suggestion = refusal.suggestion
            raise
        self.company = company
        return company.siret
