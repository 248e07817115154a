"""The forms of the report wizard. Every message is French first and shows at
its field; nothing already entered is lost when a form is refused."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from companies.identifiers import normalize_phone
from companies.selectors import search_companies_leniently
from companies.services import website_for_report
from reports.models import DetailQuestion, QuestionKind, Rating
from signalconso.forms import DateInput

DESCRIPTION_MAX_LENGTH = 5000

TIME_SLOTS = [
    ("0-6", _("Entre minuit et 6 h")),
    ("6-9", _("Entre 6 h et 9 h")),
    ("9-12", _("Entre 9 h et midi")),
    ("12-14", _("Entre midi et 14 h")),
    ("14-18", _("Entre 14 h et 18 h")),
    ("18-21", _("Entre 18 h et 21 h")),
    ("21-24", _("Entre 21 h et minuit")),
]


class PurposeForm(forms.Form):
    """For a problem where the consumer may simply ask a question."""

    purpose = forms.ChoiceField(
        label=_("Que souhaitez-vous ?"),
        widget=forms.RadioSelect,
        choices=[
            ("company", _("Signaler le problème à l’entreprise pour qu’elle y réponde")),
            (
                "question",
                _("Seulement poser une question à l’administration (l’entreprise n’est pas prévenue)"),
            ),
        ],
    )


# --- The company ----------------------------------------------------------------


class CompanySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom de l’entreprise, ou son numéro SIRET ou SIREN"),
        max_length=200,
        help_text=_("Le nom figure sur le ticket de caisse, la facture ou le contrat."),
    )
    code_postal = forms.CharField(
        label=_("Code postal de l’établissement"),
        max_length=5,
        required=False,
        help_text=_("Il aide à trouver le bon établissement. Exemple : 75011"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["results"], cleaned["left_out"] = search_companies_leniently(
                query=cleaned["q"], postal_code=cleaned.get("code_postal", "")
            )
        except ValidationError as error:
            field = "code_postal" if error.code == "postal_code" else "q"
            self.add_error(field, error)
        return cleaned


class WebsiteForm(forms.Form):
    address = forms.CharField(
        label=_("Adresse du site internet"),
        max_length=300,
        help_text=_("Exemple : www.exemple.fr"),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )

    def clean_address(self):
        self.website = website_for_report(address=self.cleaned_data["address"])
        return self.website.host


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Numéro de téléphone de l’entreprise"),
        max_length=30,
        help_text=_("Le numéro qui vous a appelé ou que vous avez appelé. Exemple : 01 23 45 67 89"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class ForeignCompanyForm(forms.Form):
    name = forms.CharField(label=_("Nom de l’entreprise"), max_length=255)
    country = forms.CharField(label=_("Pays de l’entreprise"), max_length=100)


class PostalCodeForm(forms.Form):
    postal_code = forms.RegexField(
        label=_("Code postal"),
        regex=r"^\d{5}$",
        max_length=5,
        error_messages={"invalid": _("Le code postal compte 5 chiffres, par exemple 75011.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    name = forms.CharField(label=_("Nom de l’entreprise, si vous le connaissez"), max_length=255, required=False)


# --- The details ----------------------------------------------------------------


def _not_in_the_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("La date ne peut pas être dans le futur."), code="future")


def choice_label(choice: dict) -> str:
    english = (get_language() or "fr").startswith("en")
    return (english and choice.get("label_en")) or choice["label_fr"]


def question_field(question: DetailQuestion) -> forms.Field:
    common = {"label": question.label, "required": question.required, "help_text": question.help}
    choices = [(choice["value"], choice_label(choice)) for choice in question.choices]
    match question.kind:
        case QuestionKind.LONG_TEXT:
            return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), **common)
        case QuestionKind.DATE:
            return forms.DateField(widget=DateInput, **common)
        case QuestionKind.PAST_DATE:
            return forms.DateField(widget=DateInput, validators=[_not_in_the_future], **common)
        case QuestionKind.TIME_SLOT:
            return forms.ChoiceField(choices=TIME_SLOTS, widget=forms.RadioSelect, **common)
        case QuestionKind.SINGLE_CHOICE:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        case QuestionKind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        case _:
            return forms.CharField(max_length=300, **common)


# Questions about what came before the problem: their date cannot follow it.
BEFORE_THE_PROBLEM = ("date-achat", "date-commande")


class DetailsForm(forms.Form):
    occurred_on = forms.DateField(
        label=_("Date du problème"),
        widget=DateInput,
        validators=[_not_in_the_future],
        help_text=_("Si vous ne savez plus exactement, indiquez une date approchée."),
    )
    description = forms.CharField(
        label=_("Décrivez le problème"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "data-counter": DESCRIPTION_MAX_LENGTH}),
        help_text=_("%(max)s caractères au plus. Ne donnez pas ici vos coordonnées bancaires.")
        % {"max": DESCRIPTION_MAX_LENGTH},
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q_{question.slug}"] = question_field(question)

    def clean(self):
        cleaned = super().clean()
        occurred_on = cleaned.get("occurred_on")
        for slug in BEFORE_THE_PROBLEM:
            before = cleaned.get(f"q_{slug}")
            if occurred_on and before and before > occurred_on:
                self.add_error(
                    f"q_{slug}",
                    _("Cette date suit celle du problème (%(date)s) : vérifiez l’une ou l’autre.")
                    % {"date": formats.date_format(occurred_on)},
                )
        return cleaned

    def answers(self) -> dict:
        """The answers as stored in the draft: strings and lists of strings."""
        stored = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.slug}")
            if value in (None, "", []):
                continue
            stored[question.slug] = value.isoformat() if hasattr(value, "isoformat") else value
        return stored


# --- Attachments (the wizard, companies' answers and agents' comments) ----------------


# --- The consumer ----------------------------------------------------------------


class ConsumerForm(forms.Form):
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_(
            "Pour vous tenir informé. Vue par l’administration ; par l’entreprise seulement si vous l’acceptez plus bas."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=30,
        help_text=_("Vu par l’administration seulement, jamais par l’entreprise."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    reference = forms.CharField(
        label=_("Votre numéro de client, de commande ou de contrat"),
        required=False,
        max_length=100,
        help_text=_("Aide l’entreprise à retrouver votre dossier si vous acceptez de lui transmettre votre identité."),
    )
    share_identity = forms.ChoiceField(
        label=_("L’entreprise peut-elle connaître votre identité ?"),
        widget=forms.RadioSelect,
        choices=[
            (
                "yes",
                _(
                    "Oui : elle verra mes nom, prénom, adresse électronique et numéro de client, pour pouvoir me répondre"
                ),
            ),
            ("no", _("Non : elle lira le signalement sans savoir qui je suis")),
        ],
        help_text=_("Votre téléphone ne lui est jamais transmis."),
    )
    survey_consent = forms.BooleanField(
        label=_("J’accepte d’être recontacté pour donner mon avis sur ce service"),
        required=False,
    )

    def __init__(self, *args, goes_to_company: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not goes_to_company:
            del self.fields["share_identity"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return normalize_phone(phone) if phone else ""

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code reçu par courriel"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        help_text=_("6 chiffres"),
        error_messages={"invalid": _("Le code compte 6 chiffres.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


# --- After the answer -------------------------------------------------------------


REVIEW_COMMENT_MAX_LENGTH = 1000


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(label=_("Votre avis"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Un commentaire"),
        required=False,
        max_length=REVIEW_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "data-counter": REVIEW_COMMENT_MAX_LENGTH}),
        help_text=_("Lu par les agents de la DGCCRF, jamais par l’entreprise. %(max)s caractères au plus.")
        % {"max": REVIEW_COMMENT_MAX_LENGTH},
    )
