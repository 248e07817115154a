"""Identifiers of companies and how to read them from what people type:
SIRET and SIREN (with their checksum), postal codes and departments, activity
codes, website hosts and phone numbers. Pure functions, no database."""

import re
import unicodedata
from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share one SIREN and do not follow the Luhn rule:
# the digits of their SIRET add up to a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"

_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS = re.compile(r"[0-9]+")
_NOT_DIGIT = re.compile(r"[^0-9]+")


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_checksum_is_valid(siret: str) -> bool:
    if luhn_is_valid(siret):
        return True
    return siret.startswith(LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0


def is_digits(text: str) -> bool:
    """Only the ten digits 0 to 9 (str.isdigit() also takes "²" or "٣", which int() refuses)."""
    return bool(_DIGITS.fullmatch(text))


def digits_only(text: str) -> str:
    """The digits 0 to 9 of a text, in order: "123 456-789" gives "123456789"."""
    return "".join(_NOT_DIGIT.split(text or ""))


def _digits(value: str, length: int, label: str) -> str:
    cleaned = _SEPARATORS.sub("", value or "")
    if not is_digits(cleaned):
        raise ValidationError(
            _("Le numéro %(label)s ne contient que des chiffres (vous pouvez mettre des espaces)."),
            code="not_digits",
            params={"label": label},
        )
    if len(cleaned) != length:
        raise ValidationError(
            _("Le numéro %(label)s compte %(length)s chiffres ; vous en avez saisi %(count)s."),
            code="length",
            params={"label": label, "length": length, "count": len(cleaned)},
        )
    return cleaned


_WRONG_CHECKSUM = _(
    "Ce numéro %(label)s n’existe pas : un chiffre est sans doute mal recopié. "
    "Vérifiez-le sur une facture ou un ticket de l’entreprise."
)


def clean_siret(value: str) -> str:
    """The 14 digits of a SIRET typed with or without spaces, or a ValidationError."""
    siret = _digits(value, 14, "SIRET")
    if not siret_checksum_is_valid(siret):
        raise ValidationError(_WRONG_CHECKSUM, code="checksum", params={"label": "SIRET"})
    return siret


def clean_siren(value: str) -> str:
    """The 9 digits of a SIREN typed with or without spaces, or a ValidationError."""
    siren = _digits(value, 9, "SIREN")
    if not luhn_is_valid(siren):
        raise ValidationError(_WRONG_CHECKSUM, code="checksum", params={"label": "SIREN"})
    return siren


def clean_siret_or_siren(value: str) -> str:
    """A SIRET (14 digits) or a SIREN (9 digits), told apart by length."""
    cleaned = _SEPARATORS.sub("", value or "")
    if is_digits(cleaned) and len(cleaned) == 9:
        return clean_siren(cleaned)
    if is_digits(cleaned) and len(cleaned) not in (9, 14):
        raise ValidationError(
            _("Un numéro SIRET compte 14 chiffres et un numéro SIREN 9 ; vous en avez saisi %(count)s."),
            code="length",
            params={"count": len(cleaned)},
        )
    return clean_siret(cleaned)


# --- Departments -------------------------------------------------------------

# Overseas communities whose postal codes sit inside Guadeloupe's range.
_OVERSEAS_EXCEPTIONS = {"97133": "977", "97150": "978"}


_DEPARTMENT_CODE = re.compile(r"\d{2}|2[AB]|9[78]\d")


def is_department_code(code: str) -> bool:
    """A department as people write it: "13", "2A", "971" (upper case)."""
    return bool(_DEPARTMENT_CODE.fullmatch(code))


def department_from_postal_code(postal_code: str) -> str:
    """The department of a French postal code: "75", "2A", "971"…; "" if unknown."""
    code = (postal_code or "").strip()
    if not re.fullmatch(r"\d{5}", code) or code.startswith("00"):
        return ""
    if code in _OVERSEAS_EXCEPTIONS:
        return _OVERSEAS_EXCEPTIONS[code]
    if code.startswith(("97", "98")):
        return code[:3]
    if code.startswith("20"):
        # Corse-du-Sud has the codes 20000 to 20199, Haute-Corse the rest.
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


def department_from_commune_code(commune_code: str) -> str:
    """The department of an INSEE commune code ("75056", "2A004", "97411")."""
    code = (commune_code or "").strip().upper()
    if not re.fullmatch(r"(\d{5}|2[AB]\d{3})", code):
        return ""
    return code[:3] if code.startswith(("97", "98")) else code[:2]


# --- Activity ----------------------------------------------------------------


def is_public_administration(activity_code: str) -> bool:
    """Public administrations (NAF 84.xx) are not reported here, except 84.30B:
    complementary pension funds, which deal with the public as a service."""
    code = (activity_code or "").replace(".", "").upper()
    return code.startswith("84") and code != "8430B"


# --- Websites ------------------------------------------------------------------

_GOVERNMENT_SUFFIXES = (".gouv.fr",)
_GOVERNMENT_HOSTS = {"gouv.fr", "service-public.fr", "impots.gouv.fr"}


def normalize_host(value: str) -> str:
    """The host of an address as typed: lower case, no scheme, port, path or
    `www.`, internationalised names in their IDNA (punycode) form.

    Raises ValidationError when nothing like a host can be read.
    """
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("Indiquez l’adresse du site."), code="empty")
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        host = ""
    host = host.strip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    labels = host.split(".")
    if len(labels) < 2 or not all(re.fullmatch(r"[a-z0-9-]{1,63}", label) for label in labels):
        raise ValidationError(
            _("Cette adresse de site n’est pas valide. Exemple : www.exemple.fr"),
            code="invalid",
        )
    return host


def is_government_host(host: str) -> bool:
    return host in _GOVERNMENT_HOSTS or host.endswith(_GOVERNMENT_SUFFIXES)


# --- Phone numbers ---------------------------------------------------------------


def normalize_phone(value: str, region: str = "FR") -> str:
    """A phone number in E.164 form ("+33123456789"), French by default."""
    try:
        number = phonenumbers.parse(value or "", region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _("Ce numéro de téléphone n’est pas valide. Exemple : 01 23 45 67 89"),
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- Names -----------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
