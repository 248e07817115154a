"""The agents' forms about inspections. Each turns what was posted into plain
values for the lifecycle or the list's selector."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.decorators import ACTING_ROLES
from accounts.models import User
from companies.identifiers import is_department_code
from inspections.models import BreachKind, InspectionOutcome, InspectionStatus
from signalconso.forms import DateInput

MAX_DATE_YEARS = 20


def _staff():
    return User.objects.filter(role__in=ACTING_ROLES, is_active=True).order_by("last_name", "first_name", "pk")


def _clean_department(value: str) -> str:
    value = value.strip().upper()
    if value and not is_department_code(value):
        raise forms.ValidationError(_("Un numéro de département : 13, 2A, 974…"))
    return value


def _reasonable(day):
    """A date within 20 years of today: beyond is a typing slip (or a fuzz)."""
    if day is not None and abs((day - timezone.localdate()).days) > 365 * MAX_DATE_YEARS:
        raise forms.ValidationError(_("Cette date est trop loin d’aujourd’hui."))
    return day


def _refuse_non_ids(values) -> None:
    """A pk the database can hold, or the field's own error: a number beyond
    64 bits would reach the query and fail there."""
    if any(value not in (None, "") and not re.fullmatch(r"\d{1,18}", str(value)) for value in values):
        raise forms.ValidationError(_("Choisissez un agent de la liste."), code="invalid_choice")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email

    def to_python(self, value):
        _refuse_non_ids([value])
        return super().to_python(value)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email

    def clean(self, value):
        _refuse_non_ids(value if isinstance(value, list | tuple) else [value])
        return super().clean(value)


class LaunchForm(forms.Form):
    """A new inspection of one company. `reports`: the company's reports the
    agent may link (those they may read)."""

    reports = forms.MultipleChoiceField(
        label=_("Signalements liés"), required=False, widget=forms.CheckboxSelectMultiple
    )
    whole_siren = forms.BooleanField(
        label=_("Contrôler toute l’entreprise (tous les établissements du SIREN)"), required=False
    )
    planned_on = forms.DateField(label=_("Date prévue"), widget=DateInput, initial=timezone.localdate)
    department = forms.CharField(
        label=_("Département"), max_length=3, required=False, help_text=_("Celui de l’établissement s’il est vide.")
    )
    agent = StaffChoiceField(label=_("Agent chargé du contrôle"), queryset=User.objects.none(), required=False,
                             help_text=_("Vous-même s’il est vide."))  # fmt: skip
    others = StaffMultipleChoiceField(
        label=_("Autres agents"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, report_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = list(report_choices)
        self.fields["agent"].queryset = _staff()
        self.fields["others"].queryset = _staff()

    def clean_department(self):
        return _clean_department(self.cleaned_data["department"])

    def clean_planned_on(self):
        return _reasonable(self.cleaned_data["planned_on"])


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Suite donnée"), choices=InspectionOutcome.choices)
    breach = forms.ChoiceField(
        label=_("Manquement constaté"),
        required=False,
        choices=[("", _("— aucun —")), *BreachKind.choices],
        help_text=_("Obligatoire quand une suite autre que « pas de manquement » est donnée."),
    )
    concluded_on = forms.DateField(label=_("Date du contrôle"), widget=DateInput, initial=timezone.localdate)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_concluded_on(self):
        return _reasonable(self.cleaned_data["concluded_on"])

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome and outcome != InspectionOutcome.NO_BREACH and not data.get("breach"):
            self.add_error("breach", _("Dites quel manquement a été constaté."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Pourquoi l’annuler ?"), required=False, max_length=1000)


SORTS = {"date": ("planned_on", "pk"), "-date": ("-planned_on", "-pk")}


class InspectionFiltersForm(forms.Form):
    mine = forms.BooleanField(label=_("Mes contrôles seulement"), required=False)
    my_departments = forms.BooleanField(label=_("Ceux de mes départements"), required=False)
    departement = forms.CharField(label=_("Département"), required=False, max_length=3)
    etat = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *InspectionStatus.choices])
    suite = forms.ChoiceField(
        label=_("Suite"), required=False, choices=[("", _("Toutes")), *InspectionOutcome.choices]
    )
    agent = StaffChoiceField(label=_("Agent chargé"), queryset=User.objects.none(), required=False)
    depuis = forms.DateField(label=_("Prévus depuis le"), required=False, widget=DateInput)
    jusqua = forms.DateField(label=_("Jusqu’au"), required=False, widget=DateInput)
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("date", _("Date prévue, la plus proche d’abord")),
            ("-date", _("Date prévue, la plus lointaine d’abord")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = _staff()

    def clean_departement(self):
        return _clean_department(self.cleaned_data["departement"])

    def clean_depuis(self):
        return _reasonable(self.cleaned_data["depuis"])

    def clean_jusqua(self):
        return _reasonable(self.cleaned_data["jusqua"])
