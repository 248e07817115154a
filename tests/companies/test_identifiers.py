import pytest
from django.core.exceptions import ValidationError

from companies.identifiers import (
    clean_siren,
    clean_siret,
    clean_siret_or_siren,
    department_from_commune_code,
    department_from_postal_code,
    digits_only,
    fold,
    is_department_code,
    is_digits,
    is_government_host,
    is_public_administration,
    luhn_is_valid,
    normalize_host,
    normalize_phone,
    siret_checksum_is_valid,
)


def messages(callable_, value):
    with pytest.raises(ValidationError) as caught:
        callable_(value)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize("number", ["732829320", "73282932000074", "552100554", "44306184100047"])
def test_real_numbers_pass_luhn(number):
    assert luhn_is_valid(number)


def test_spaces_dots_and_dashes_are_accepted():
    assert clean_siret("732 829 320 00074") == "73282932000074"
    assert clean_siren("732.829.320") == "732829320"
    assert clean_siret_or_siren(" 732-829-320 ") == "732829320"


def test_wrong_length_says_how_many_digits_are_expected():
    assert "14 chiffres" in messages(clean_siret, "7328293200007")
    assert "vous en avez saisi 13" in messages(clean_siret, "7328293200007")
    assert "9 chiffres" in messages(clean_siren, "73282932")
    assert "vous en avez saisi 11" in messages(clean_siret_or_siren, "73282932000")


def test_letters_are_refused():
    assert "ne contient que des chiffres" in messages(clean_siret, "7328293200007A")


@pytest.mark.parametrize("other_digits", ["²" * 14, "٣" * 14, "７３２８２９３２０００７４"])
def test_digits_of_other_scripts_are_refused_as_letters(other_digits):
    # str.isdigit() takes them, int() does not: they once reached the checksum and crashed it.
    assert "ne contient que des chiffres" in messages(clean_siret, other_digits)
    assert "ne contient que des chiffres" in messages(clean_siret_or_siren, other_digits[:9])


def test_digits_only_keeps_the_ten_digits():
    assert digits_only("732 829-320 ²٣") == "732829320"
    assert is_digits("0123456789") and not is_digits("12²") and not is_digits("")


def test_wrong_checksum_says_a_digit_is_wrong():
    assert "un chiffre est sans doute mal recopié" in messages(clean_siret, "73282932000075")
    assert "un chiffre est sans doute mal recopié" in messages(clean_siren, "732829321")


def test_la_poste_establishments_add_up_to_a_multiple_of_five():
    # Not valid by Luhn, but La Poste's rule holds: 3+5+6+1+0 = 15.
    la_poste = "35600000000010"
    assert not luhn_is_valid(la_poste)
    assert siret_checksum_is_valid(la_poste)
    assert clean_siret(la_poste) == la_poste
    # The same rule does not rescue another company.
    assert not siret_checksum_is_valid("35600000100019")
    # Its head office passes Luhn anyway.
    assert clean_siret("35600000000048") == "35600000000048"


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [
        ("75011", "75"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20190", "2A"),
        ("20200", "2B"),
        ("20620", "2B"),
        ("97100", "971"),
        ("97200", "972"),
        ("97300", "973"),
        ("97400", "974"),
        ("97500", "975"),
        ("97600", "976"),
        ("97133", "977"),
        ("97150", "978"),
        ("98800", "988"),
        ("", ""),
        ("7501", ""),
        ("00100", ""),
        ("ABCDE", ""),
    ],
)
def test_department_from_postal_code(postal_code, department):
    assert department_from_postal_code(postal_code) == department


@pytest.mark.parametrize(
    ("commune", "department"),
    [("75056", "75"), ("2A004", "2A"), ("2b033", "2B"), ("97411", "974"), ("", ""), ("123", "")],
)
def test_department_from_commune_code(commune, department):
    assert department_from_commune_code(commune) == department


@pytest.mark.parametrize(
    ("code", "public"),
    [
        ("84.11Z", True),
        ("84.23Z", True),
        ("8411Z", True),
        ("84.30A", True),
        ("84.30B", False),
        ("47.11F", False),
        ("", False),
    ],
)
def test_public_administrations_are_naf_84_but_84_30b(code, public):
    assert is_public_administration(code) is public


@pytest.mark.parametrize(
    ("typed", "host"),
    [
        ("https://www.Example.FR/panier?id=3", "example.fr"),
        ("WWW.boutique.example.com", "boutique.example.com"),
        ("example.fr:8443", "example.fr"),
        ("http://user@shop.example.fr/", "shop.example.fr"),
        ("café.fr", "xn--caf-dma.fr"),
        ("  https://www.bücher.de  ", "xn--bcher-kva.de"),
    ],
)
def test_hosts_are_normalised(typed, host):
    assert normalize_host(typed) == host


@pytest.mark.parametrize("typed", ["", "localhost", "pas une adresse", "http://", "exa mple.fr"])
def test_unreadable_hosts_are_refused(typed):
    with pytest.raises(ValidationError):
        normalize_host(typed)


def test_government_hosts():
    assert is_government_host("impots.gouv.fr")
    assert is_government_host("www.service-public.fr".removeprefix("www."))
    assert is_government_host("ants.gouv.fr")
    assert not is_government_host("gouv.fr.example.com")
    assert not is_government_host("example.fr")


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("01 23 45 67 89", "+33123456789"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_become_e164(typed, e164):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("typed", ["", "12", "abcdef"])
def test_unreadable_phone_numbers_are_refused(typed):
    assert "n’est pas valide" in messages(normalize_phone, typed)


def test_fold_removes_case_and_accents():
    assert fold("Énergie Verte FRANÇAISE") == "energie verte francaise"


@pytest.mark.parametrize("code", ["13", "2A", "2B", "971", "976"])
def test_department_codes(code):
    assert is_department_code(code)


@pytest.mark.parametrize("code", ["", "1", "2C", "100", "13\x00", "Paris", "2a"])
def test_not_department_codes(code):
    assert not is_department_code(code)
