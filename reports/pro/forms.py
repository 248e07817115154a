"""The forms of the companies' space: filtering reports, answering."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.identifiers import digits_only
from companies.models import AccessLevel
from reports.lifecycle import MESSAGE_MAX_LENGTH
from reports.models import RESPONSE_REASONS, ReportStatus, ResponseKind
from signalconso.forms import DateInput

TABS = {
    "en-cours": _("En cours"),
    "clos": _("Clos"),
    "tous": _("Tous"),
}
PRO_STATUSES = [(value, label) for value, label in ReportStatus.choices if value != ReportStatus.NOT_SENT]


class ReportFilterForm(forms.Form):
    entreprise = forms.ChoiceField(label=_("Entreprise"), required=False)
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Une référence, ou un mot de la description."),
    )
    statut = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous les statuts")), *PRO_STATUSES])
    depuis = forms.DateField(label=_("Déposés depuis le"), required=False, widget=DateInput)
    jusqua = forms.DateField(label=_("Jusqu’au"), required=False, widget=DateInput)
    siret = forms.CharField(
        label=_("Établissement (SIRET)"),
        required=False,
        max_length=20,
        help_text=_("Pour ne voir qu’un établissement."),
    )

    def __init__(self, *args, accesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A user of several companies switches between them here.
        if len(accesses) > 1:
            self.fields["entreprise"].choices = [("", _("Toutes mes entreprises"))] + [
                (a.company.siret, f"{a.company.name} — {a.company.siret}") for a in accesses
            ]
        else:
            del self.fields["entreprise"]

    def clean_siret(self):
        return digits_only(self.cleaned_data["siret"])

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("depuis"), cleaned.get("jusqua")
        if since and until and since > until:
            self.add_error("jusqua", _("Cette date doit suivre la première."))
        return cleaned


def _reason_choices():
    return [
        (str(label), [(f"{kind}:{value}", text) for value, text in RESPONSE_REASONS[kind]])
        for kind, label in ResponseKind.choices
    ]


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Votre réponse"), choices=ResponseKind.choices, widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label=_("Le motif"),
        choices=[("", _("Choisissez un motif")), *_reason_choices()],
        help_text=_("Choisissez un motif de la réponse cochée ci-dessus."),
    )
    message = forms.CharField(
        label=_("Votre message au consommateur"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "data-counter": MESSAGE_MAX_LENGTH}),
        help_text=_(
            "Le consommateur le recevra tel quel, et les agents de la DGCCRF le liront. %(max)s caractères au plus."
        )
        % {"max": MESSAGE_MAX_LENGTH},
    )
    private_note = forms.CharField(
        label=_("Une note pour l’administration"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lue par les agents de la DGCCRF seulement, jamais par le consommateur."),
    )

    def clean(self):
        cleaned = super().clean()
        kind, reason = cleaned.get("kind"), cleaned.get("reason")
        if kind and reason:
            reason_kind, _sep, value = reason.partition(":")
            if reason_kind != kind:
                self.add_error("reason", _("Ce motif ne va pas avec la réponse choisie."))
            else:
                cleaned["reason"] = value
        return cleaned

    @staticmethod
    def initial_from(draft: dict) -> dict:
        initial = dict(draft)
        if draft.get("kind") and draft.get("reason"):
            initial["reason"] = f"{draft['kind']}:{draft['reason']}"
        return initial


class AccessInviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique de la personne"))
    level = forms.ChoiceField(
        label=_("Niveau d’accès"),
        choices=[
            (AccessLevel.MEMBER, _("Membre : lit les signalements et y répond")),
            (AccessLevel.ADMIN, _("Administrateur : gère aussi les accès")),
        ],
        widget=forms.RadioSelect,
        initial=AccessLevel.MEMBER,
    )
