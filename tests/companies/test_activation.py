"""A company reached by post activates its space with its SIRET and the
letter's code: strong codes, single use, and a lockout against guessing."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import User
from companies import activation
from companies.models import ActivationCode, CompanyAccess, LetterKind
from reports.services import letters

from ..reports.factories import ReportFactory, company_user
from .factories import CompanyFactory

pytestmark = pytest.mark.django_db
PASSWORD = "un mot de passe assez long"


@pytest.fixture
def company():
    return CompanyFactory()


def start(client, siret, code, email="gerant@example.fr"):
    return client.post(reverse("pro:activate"), {"siret": siret, "code": code, "email": email})


def emailed_link(path="pro/activer"):
    body = mail.outbox[-1].body
    return re.search(rf"https?://[^/\s]+(/{path}/[^\s/]+/)", body).group(1)


def test_codes_are_8_unambiguous_characters_stored_hashed(company):
    row, code = activation.activation_code_issue(company=company)
    assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}", code)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert timedelta(days=89) < row.expires_at - timezone.now() <= timedelta(days=90)
    codes = {activation.activation_code_issue(company=company)[1] for _ in range(50)}
    assert len(codes) == 50


def test_from_the_letter_code_to_the_companys_space(client, company, django_capture_on_commit_callbacks):
    ReportFactory(company=company)
    _row, code = activation.activation_code_issue(company=company)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, company.siret, activation.format_code(code).lower())
    assertRedirects(response, reverse("pro:activate_sent"))
    link = emailed_link()
    response = client.post(
        link, {"first_name": "Gérard", "last_name": "Lenoir", "password1": "court", "password2": "court"}
    )
    assertContains(response, "trop court", status_code=400)
    response = client.post(
        link, {"first_name": "Gérard", "last_name": "Lenoir", "password1": PASSWORD, "password2": PASSWORD}
    )
    assertRedirects(response, reverse("pro:reports"))
    user = User.objects.get(email="gerant@example.fr")
    assert CompanyAccess.objects.get(user=user, company=company).level == "admin"
    assert ActivationCode.objects.get().used_at is not None
    assertContains(client.get(reverse("pro:reports")), company.siret)
    # Single use: the link, and the code, are spent.
    client.logout()
    assert client.get(link).status_code == 404
    response = start(client, company.siret, code)
    assertContains(response, "a déjà un compte", status_code=400)


def test_a_wrong_code_or_siret_says_so_at_its_field(client, company):
    activation.activation_code_issue(company=company)
    assertContains(start(client, company.siret, "AAAA-BBBB"), "ne correspond pas à ce SIRET", status_code=400)
    assertContains(start(client, "732 829 320 00075", "AAAA-BBBB"), "chiffre", status_code=400)
    assertContains(start(client, CompanyFactory.build().siret, "AAAA-BBBB"), "Aucun établissement", status_code=400)


def test_twenty_wrong_tries_in_30_minutes_lock_the_siret(client, company):
    _row, code = activation.activation_code_issue(company=company)
    for _ in range(20):
        start(client, company.siret, "AAAA-BBBB")
    # Even the right code waits out the window.
    assertContains(start(client, company.siret, code), "Trop d’essais", status_code=400)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert start(client, company.siret, code).status_code == 302


def test_a_hundred_wrong_tries_kill_the_code_until_a_new_letter(company):
    _row, code = activation.activation_code_issue(company=company)
    now = timezone.now()
    for window in range(5):
        with time_machine.travel(now + timedelta(minutes=31 * window)):
            for _ in range(20):
                with pytest.raises(activation.ActivationRefused):
                    activation.activation_check(siret=company.siret, code="AAAABBBB")
    with time_machine.travel(now + timedelta(hours=3)):
        with pytest.raises(activation.ActivationRefused) as refused:
            activation.activation_check(siret=company.siret, code=code)
        assert "bloqué" in refused.value.message
        _row, fresh = activation.activation_code_issue(company=company)
        assert activation.activation_check(siret=company.siret, code=fresh)


def test_an_expired_code_is_refused(company):
    _row, code = activation.activation_code_issue(company=company)
    later = time_machine.travel(timezone.now() + timedelta(days=91))
    with later, pytest.raises(activation.ActivationRefused) as refused:
        activation.activation_check(siret=company.siret, code=code)
    assert "expiré" in refused.value.message


def test_the_code_is_emailed_when_the_companys_address_is_known(django_capture_on_commit_callbacks):
    company = CompanyFactory(email="contact@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        _row, code = activation.activation_code_issue(company=company)
    (message,) = mail.outbox
    assert message.to == ["contact@example.fr"] and activation.format_code(code) in message.body


@pytest.mark.parametrize("kind", LetterKind.values)
def test_letters_carry_a_fresh_code_for_a_window_envelope(company, kind):
    ReportFactory(company=company)
    ReportFactory(company=company)
    letter = letters.activation_letter_create(company=company, kind=kind)
    assert letter.pdf.read()[:5] == b"%PDF-"
    assert letter.reports_waiting == 2 and letter.code.company == company
    html = render_to_string(
        "companies/activation_letter.html",
        {
            "letters": [
                {
                    "company": company,
                    "kind": kind,
                    "code": "K7PM-3QXT",
                    "expires_at": timezone.now(),
                    "reports_waiting": 2,
                }
            ],
            "site_url": "https://signal.conso.gouv.fr",
            "today": timezone.localdate(),
            "fonts_dir": "file:///nowhere",
        },
    )
    assert "K7PM-3QXT" in html and "2 signalements" in html and company.siret in html
    assert "/pro/activer/" in html
    assert ("Dernier rappel" in html) == (kind == "last")
    second = letters.activation_letter_create(company=company, kind=kind)
    assert second.code != letter.code


def test_a_company_with_users_is_not_activated_again(client, company):
    company_user(company)
    activation.activation_code_issue(company=company)
    assertContains(start(client, company.siret, "AAAA-BBBB"), "a déjà un compte", status_code=400)
