import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_has_labelled_fields(client):
    response = client.get(reverse("accounts:login"))
    assertContains(response, '<label class="fr-label" for="id_username">')
    assertContains(response, '<label class="fr-label" for="id_password">')
    assertContains(response, "<title>Connexion — SignalConso</title>", html=False)


def test_login_with_the_address_in_any_case(client, pro_user, password):
    response = client.post(reverse("accounts:login"), {"username": pro_user.email.upper(), "password": password})
    assertRedirects(response, reverse("pro:reports"))
    response = client.get(reverse("accounts:account"))
    assertContains(response, pro_user.email)
    assertContains(response, "Professionnel")


def test_wrong_password_says_so_in_french_and_keeps_the_address(client, pro_user):
    response = client.post(reverse("accounts:login"), {"username": pro_user.email, "password": "pas-le-bon"})
    assert response.status_code == 200
    assertContains(response, "Adresse électronique ou mot de passe incorrect")
    assertContains(response, f'value="{pro_user.email}"')
    assert "_auth_user_id" not in client.session


def test_a_malformed_address_gets_a_message_tied_to_its_field(client):
    response = client.post(reverse("accounts:login"), {"username": "pas-une-adresse", "password": "x"})
    html = response.content.decode()
    assert 'aria-describedby="id_username-error"' in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'id="id_username-error"[^>]*>\s*<p class="fr-message fr-message--error">', html)
    assert "Saisissez une adresse de courriel valide" in html


def test_deactivated_account_cannot_log_in(client, password):
    user = UserFactory(is_active=False, password=password)
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_anonymous_is_sent_to_login_from_the_account_page(client):
    url = reverse("accounts:account")
    response = client.get(url)
    assertRedirects(response, f"{reverse('accounts:login')}?next={url}")


def test_account_page_refuses_other_methods_and_saves_names(client, pro_user):
    client.force_login(pro_user)
    assert client.put(reverse("accounts:account")).status_code == 405
    response = client.post(reverse("accounts:account_names"), {"first_name": "Léa", "last_name": "Roux"})
    assertRedirects(response, reverse("accounts:account"))
    pro_user.refresh_from_db()
    assert pro_user.get_full_name() == "Léa Roux"


def test_logout_needs_a_post(client, pro_user):
    client.force_login(pro_user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assertRedirects(response, reverse("home"))
    assert "_auth_user_id" not in client.session


def test_logout_is_protected_against_cross_site_requests(pro_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(pro_user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert "Le formulaire a expiré" in response.content.decode()


def _reset_link(message) -> str:
    return re.search(r"https?://\S+/mot-de-passe/nouveau/\S+/", message.body).group(0)


def test_password_reset_end_to_end(client, pro_user, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://signal.conso.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": pro_user.email.upper()})
    assertRedirects(response, reverse("accounts:password_reset_done"))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [pro_user.email]
    assert message.subject == "SignalConso : choisissez un nouveau mot de passe"
    link = _reset_link(message)
    # The link is built from SITE_URL, never from the request's Host header.
    assert link.startswith("https://signal.conso.example/compte/mot-de-passe/nouveau/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link in html

    path = link.removeprefix("https://signal.conso.example")
    response = client.get(path, follow=True)
    new_password = "un-tout-nouveau-mot-de-passe"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assertRedirects(response, reverse("accounts:password_reset_complete"))
    pro_user.refresh_from_db()
    assert pro_user.check_password(new_password)

    # The link is single-use.
    response = client.get(path, follow=True)
    assertContains(response, "Ce lien n’est plus valable")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@example.fr"})
    assertRedirects(response, reverse("accounts:password_reset_done"))
    assert mail.outbox == []


def test_password_reset_refuses_a_short_password(client, pro_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": pro_user.email})
    path = re.sub(r"^https?://[^/]+", "", _reset_link(mail.outbox[0]))
    response = client.get(path, follow=True)
    response = client.post(response.redirect_chain[-1][0], {"new_password1": "court", "new_password2": "court"})
    assert response.status_code == 200
    assertContains(response, "Ce mot de passe est trop court")
    pro_user.refresh_from_db()
    assert not pro_user.check_password("court")


def test_password_change(client, pro_user, password):
    client.force_login(pro_user)
    new_password = "encore-un-autre-mot-de-passe"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assertRedirects(response, reverse("accounts:password_change_done"))
    pro_user.refresh_from_db()
    assert pro_user.check_password(new_password)


def test_password_change_needs_login(client):
    url = reverse("accounts:password_change")
    assertRedirects(client.get(url), f"{reverse('accounts:login')}?next={url}")


def test_admin_site_is_open_to_administrators_only(client, pro_user, admin_user, readonly_admin_user):
    url = reverse("admin:accounts_user_changelist")
    client.force_login(pro_user)
    assert client.get(url).status_code == 302
    client.force_login(readonly_admin_user)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200


# --- Lockout: the guesser is slowed down, the owner gets in ---------------------------------


def _login(client, email, password, address):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_failures_from_many_addresses_do_not_lock_the_owner_out(client, pro_user, password, settings):
    settings.LOGIN_FAILURES = 10
    for n in range(20):
        _login(client, pro_user.email, "pas-le-bon", f"203.0.113.{n}")
    assertRedirects(_login(client, pro_user.email, password, "198.51.100.7"), reverse("pro:reports"))


def test_an_address_that_keeps_failing_on_an_account_is_stopped_there_only(client, pro_user, password, settings):
    settings.LOGIN_FAILURES = 10
    for _ in range(10):
        _login(client, pro_user.email, "pas-le-bon", "203.0.113.9")
    assertContains(_login(client, pro_user.email, password, "203.0.113.9"), "Trop d’essais")
    assertRedirects(_login(client, pro_user.email, password, "198.51.100.7"), reverse("pro:reports"))


def test_an_address_trying_many_accounts_is_stopped(client, pro_user, password, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 30
    for n in range(30):
        _login(client, f"personne{n}@example.fr", "pas-le-bon", "203.0.113.9")
    assertContains(_login(client, pro_user.email, password, "203.0.113.9"), "Trop d’essais")


def test_a_password_reset_lifts_the_lockout(client, pro_user, settings, django_capture_on_commit_callbacks):
    settings.LOGIN_FAILURES = 10
    for _ in range(10):
        _login(client, pro_user.email, "pas-le-bon", "203.0.113.9")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": pro_user.email})
    link = re.search(r"(/compte/mot-de-passe/nouveau/[^\s]+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "un tout nouveau mot", "new_password2": "un tout nouveau mot"},
    )
    assertRedirects(_login(client, pro_user.email, "un tout nouveau mot", "203.0.113.9"), reverse("pro:reports"))


def test_an_administrator_lifts_the_lockout(client, pro_user, password, admin_user, settings):
    settings.LOGIN_FAILURES = 10
    for _ in range(10):
        _login(client, pro_user.email, "pas-le-bon", "203.0.113.9")
    client.force_login(admin_user)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "clear_login_lockout", "_selected_action": [pro_user.pk]},
    )
    client.logout()
    assertRedirects(_login(client, pro_user.email, password, "203.0.113.9"), reverse("pro:reports"))


def test_a_reset_request_does_the_same_work_with_or_without_an_account(client, pro_user, monkeypatch):
    """The lookup happens in a background task: the page cannot tell, even
    by its timing, whether an address has an account."""
    started = []
    monkeypatch.setattr("accounts.forms.start_task", lambda name, *args: started.append((name, args)))
    answers = []
    for email in (pro_user.email, "personne@example.fr"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("accounts:password_reset"), {"email": email})
        answers.append((response.status_code, response["Location"], len(queries)))
    assert answers[0] == answers[1]
    assert [name for name, _args in started] == ["accounts.tasks.send_password_reset"] * 2


def test_reset_requests_are_limited_per_address(client, pro_user, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": pro_user.email})
    refused = client.post(reverse("accounts:password_reset"), {"email": pro_user.email})
    assertContains(refused, "Trop de demandes", status_code=400)
    assert len(mail.outbox) == 3
