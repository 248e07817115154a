"""The forms of the agents' space: the search, and the actions on a report."""

import re

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from companies.identifiers import digits_only, is_department_code, normalize_host, normalize_phone
from notifications.models import Frequency
from reports.models import Authority, Category, Rating, ReportStatus, Tag
from reports.search import UNRATED, Order, ReportFilters
from signalconso.forms import DateInput, LongSelect


def category_choices():
    """Every active node, indented by depth, in tree order."""
    # Only the columns the select shows: the rows also hold the information
    # pages' long texts, and this runs on every search.
    nodes = list(
        Category.objects.active().order_by("position", "title_fr").only("parent", "slug", "title_fr", "title_en")
    )
    children: dict = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    choices = [("", _("Toutes les catégories"))]

    def walk(parent, depth):
        for node in children.get(parent, []):
            choices.append((node.slug, "\u2003" * depth + node.title))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return choices


class ReportSearchForm(forms.Form):
    texte = forms.CharField(
        label=_("Mots"),
        required=False,
        max_length=200,
        help_text=_(
            "Dans la description, la réponse et le nom de l’entreprise. "
            "Des guillemets pour une expression, un tiret pour exclure un mot."
        ),
    )
    departements = forms.CharField(
        label=_("Départements"),
        required=False,
        max_length=300,
        help_text=_("Séparés par des virgules. Exemple : 13, 83, 2A"),
    )
    depuis = forms.DateField(label=_("Déposés depuis le"), required=False, widget=DateInput)
    jusqua = forms.DateField(label=_("Jusqu’au"), required=False, widget=DateInput)
    categorie = forms.ChoiceField(label=_("Catégorie (et ses sous-catégories)"), required=False, widget=LongSelect)
    statuts = forms.MultipleChoiceField(
        label=_("Statuts"), required=False, choices=ReportStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    avec_tags = forms.MultipleChoiceField(
        label=_("Avec les mots-clés"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sans_tags = forms.MultipleChoiceField(
        label=_("Sans les mots-clés"), required=False, widget=forms.CheckboxSelectMultiple
    )
    siret = forms.CharField(label=_("SIRET ou SIREN"), required=False, max_length=20)
    entreprise = forms.CharField(label=_("Nom de l’entreprise"), required=False, max_length=100)
    site = forms.CharField(label=_("Site internet"), required=False, max_length=200)
    telephone = forms.CharField(label=_("Téléphone signalé"), required=False, max_length=30)
    pays = forms.CharField(label=_("Pays de l’entreprise (étrangère)"), required=False, max_length=100)
    fichiers = forms.ChoiceField(
        label=_("Pièces jointes"),
        required=False,
        choices=[("", _("Indifférent")), ("oui", _("Avec")), ("non", _("Sans"))],
    )
    avis = forms.ChoiceField(
        label=_("Avis du consommateur sur la réponse"),
        required=False,
        choices=[("", _("Indifférent")), *Rating.choices, ("aucun", _("Pas d’avis"))],
    )
    identite = forms.ChoiceField(
        label=_("Identité transmise à l’entreprise"),
        required=False,
        choices=[("", _("Indifférent")), ("oui", _("Oui")), ("non", _("Non"))],
    )
    tri = forms.ChoiceField(
        label=_("Ordre"),
        required=False,
        choices=[
            ("", _("Les plus récents d’abord")),
            ("ancien", _("Les plus anciens d’abord")),
            ("echeance", _("L’échéance la plus proche d’abord")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = category_choices()
        tags = [(tag.slug, tag.label) for tag in Tag.objects.order_by("slug")]
        self.fields["avec_tags"].choices = tags
        self.fields["sans_tags"].choices = tags

    def clean_departements(self):
        raw = self.cleaned_data["departements"]
        codes = [part.strip().upper() for part in re.split(r"[,\s;]+", raw) if part.strip()]
        wrong = [code for code in codes if not is_department_code(code)]
        if wrong:
            raise forms.ValidationError(
                _("Département inconnu : %(codes)s. Exemples : 13, 2A, 971.") % {"codes": ", ".join(wrong)}
            )
        return [code.zfill(2) for code in codes]

    def clean_siret(self):
        digits = digits_only(self.cleaned_data["siret"])
        if digits and len(digits) not in (9, 14):
            raise forms.ValidationError(_("Un SIRET compte 14 chiffres, un SIREN 9."))
        return digits

    def clean_site(self):
        site = self.cleaned_data["site"]
        return normalize_host(site) if site.strip() else ""

    def clean_telephone(self):
        phone = self.cleaned_data["telephone"]
        return normalize_phone(phone) if phone.strip() else ""

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("depuis"), cleaned.get("jusqua")
        if since and until and since > until:
            self.add_error("jusqua", _("Cette date doit suivre la première."))
        return cleaned

    def filters(self) -> ReportFilters:
        """The search the valid form describes."""
        data = self.cleaned_data
        yes_no = {"oui": True, "non": False}
        return ReportFilters(
            text=data["texte"],
            departments=tuple(data["departements"]),
            since=data["depuis"],
            until=data["jusqua"],
            category=data["categorie"],
            statuses=tuple(data["statuts"]),
            with_tags=tuple(data["avec_tags"]),
            without_tags=tuple(data["sans_tags"]),
            siret=data["siret"],
            company_name=data["entreprise"],
            website=data["site"],
            phone=data["telephone"],
            country=data["pays"],
            with_files=yes_no.get(data["fichiers"]),
            rating=UNRATED if data["avis"] == "aucun" else data["avis"],
            identity_shared=yes_no.get(data["identite"]),
            order=ORDERS[data["tri"]],
        )


# The order's value in the address, and what it means.
ORDERS = {"": Order.NEWEST, "ancien": Order.OLDEST, "echeance": Order.DEADLINE}


def search_filters(query) -> ReportFilters:
    """The filters of a search kept as its address's query (a saved export or
    a subscription). Raises InvalidFilters when they no longer hold: never
    "everything" for filters that went wrong."""
    form = ReportSearchForm(query)
    if not form.is_valid():
        raise InvalidFilters(form.errors.as_json())
    return form.filters()


def search_query(raw: str) -> QueryDict:
    """The filters of a search as the agent is about to keep them (to save, to
    subscribe to, to export): only what the search form knows, and only when it
    holds. Raises InvalidFilters otherwise: what is kept is always searchable."""
    query = QueryDict(raw[:2000])
    search_filters(query)
    kept = QueryDict(mutable=True)
    for key in ReportSearchForm.base_fields:
        if key in query:
            kept.setlist(key, query.getlist(key))
    return kept


class InvalidFilters(ValueError):
    """Stored search filters that the search form now refuses."""


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Votre commentaire"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lu par l’administration seulement."),
    )


class TagsForm(forms.Form):
    tags = forms.MultipleChoiceField(label=_("Mots-clés"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = [(t.slug, t.label) for t in Tag.objects.order_by("slug")]


class ForwardForm(forms.Form):
    authority = forms.ModelChoiceField(label=_("Transmettre à"), queryset=Authority.objects.filter(is_active=True))
    note = forms.CharField(
        label=_("Pourquoi, et comment (formulaire, courriel…)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Nom de la recherche"), max_length=100)


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Nom de l’abonnement"), max_length=100)
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=[(Frequency.DAILY, _("Chaque jour")), (Frequency.WEEKLY, _("Chaque lundi"))],
        widget=forms.RadioSelect,
        initial=Frequency.DAILY,
    )
    email = forms.EmailField(
        label=_("Boîte de service (facultatif)"),
        required=False,
        validators=[lambda value: _administration_address(value)],
        help_text=_("Pour l’envoyer à une boîte départementale plutôt qu’à vous."),
    )


def _administration_address(email: str) -> None:
    if email and email.rpartition("@")[2].lower() not in settings.ADMINISTRATION_EMAIL_DOMAINS:
        raise forms.ValidationError(
            _("Seules les adresses de l’administration sont acceptées (%(domains)s).")
            % {"domains": ", ".join(settings.ADMINISTRATION_EMAIL_DOMAINS)}
        )


class AgentInviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique de l’agent"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        widget=forms.RadioSelect,
        choices=[
            (Role.AGENT, _("Agent DGCCRF")),
            (Role.FOOD_SAFETY_AGENT, _("Agent de la sécurité sanitaire des aliments")),
            (Role.READONLY_ADMIN, _("Administrateur en lecture seule")),
            (Role.ADMIN, _("Administrateur")),
        ],
        initial=Role.AGENT,
    )


class WebsiteCountryForm(forms.Form):
    """The country of a foreign website (left empty when unknown)."""

    country = forms.CharField(label=_("Pays"), required=False, max_length=100)
