"""Codes hashed with one key still work once the key changes, as long as the
old one stays in SECRET_KEY_FALLBACKS; without it they stop."""

import pytest

from accounts import second_factor
from companies.activation import ActivationRefused, activation_check, activation_code_issue
from reports.wizard import verification
from signalconso.keys import keyed_hash, keyed_hash_matches

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory

pytestmark = pytest.mark.django_db

OLD, NEW = "an-old-key-" + "o" * 40, "a-new-key-" + "n" * 40


def test_a_hash_is_bound_to_its_salt(settings):
    settings.SECRET_KEY = OLD
    assert keyed_hash("one-use", "123456") != keyed_hash("another-use", "123456")
    assert not keyed_hash_matches("another-use", "123456", keyed_hash("one-use", "123456"))


@pytest.mark.parametrize("fallbacks", [[OLD], []])
def test_an_activation_code_survives_a_rotation_with_its_old_key_kept(settings, fallbacks):
    company = CompanyFactory()
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    _row, code = activation_code_issue(company=company)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, fallbacks
    if fallbacks:
        assert activation_check(siret=company.siret, code=code)
    else:
        with pytest.raises(ActivationRefused):
            activation_check(siret=company.siret, code=code)


@pytest.mark.parametrize("fallbacks", [[OLD], []])
def test_a_recovery_code_survives_a_rotation_with_its_old_key_kept(settings, fallbacks):
    user = UserFactory(agent=True)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    codes = second_factor.recovery_codes_renew(user)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, fallbacks
    assert second_factor.recovery_code_use(user, codes[0]) is bool(fallbacks)


@pytest.mark.parametrize("fallbacks", [[OLD], []])
def test_an_email_code_survives_a_rotation_with_its_old_key_kept(settings, fallbacks):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    code = verification.issue_code("lea@example.fr")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, fallbacks
    if fallbacks:
        verification.check_code("lea@example.fr", code)
    else:
        with pytest.raises(verification.CodeRefused):
            verification.check_code("lea@example.fr", code)
