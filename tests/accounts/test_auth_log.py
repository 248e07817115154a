"""The authentication log: every sign-in, failure, lockout, wrong code and
password change leaves a row with its time, address and account, and no
password; the administrators read it in the admin site, nobody else."""

import pyotp
import pytest
from django.db.models import CharField, TextField
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import AuthEvent, AuthEventKind, TOTPDevice

pytestmark = pytest.mark.django_db

WRONG = "pas-le-bon-mot-de-passe-7"


def _login(client, email, password, address="203.0.113.7", **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address, **extra
    )


def _row_text(event: AuthEvent) -> str:
    """Every text value of the row, to look for a password in."""
    fields = [f.attname for f in AuthEvent._meta.concrete_fields]
    return " ".join(str(value) for value in AuthEvent.objects.filter(pk=event.pk).values_list(*fields).get())


def _assert_no_secret(*secrets):
    for event in AuthEvent.objects.all():
        text = _row_text(event)
        for secret in secrets:
            assert secret not in text, f"{secret!r} in {text!r}"


def test_a_sign_in_is_logged_with_time_address_and_account(client, pro_user, password):
    before = timezone.now()
    assertRedirects(_login(client, pro_user.email, password), reverse("pro:reports"))
    event = AuthEvent.objects.get()
    assert event.kind == AuthEventKind.LOGIN
    assert event.user == pro_user and event.login == pro_user.email
    assert event.ip == "203.0.113.7"
    assert event.created_at >= before
    _assert_no_secret(password)


def test_a_failure_is_logged_with_the_login_typed_never_the_password(client, pro_user):
    _login(client, pro_user.email.upper(), WRONG)
    _login(client, "personne@example.fr", WRONG)
    first, second = AuthEvent.objects.order_by("pk")
    assert first.kind == second.kind == AuthEventKind.LOGIN_FAILED
    assert (first.user, first.login) == (pro_user, pro_user.email)
    assert (second.user, second.login) == (None, "personne@example.fr")
    _assert_no_secret(WRONG)
    # Nothing else of the model could hold it either: its only texts are these.
    texts = {f.name for f in AuthEvent._meta.concrete_fields if isinstance(f, CharField | TextField)}
    assert texts == {"kind", "login"}


def test_the_address_is_the_clients_behind_the_trusted_proxies(client, pro_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _login(client, pro_user.email, WRONG, address="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert AuthEvent.objects.get().ip == "198.51.100.9"


def test_a_forged_address_is_left_out_rather_than_failing(client, pro_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _login(client, pro_user.email, WRONG, address="10.0.0.2", HTTP_X_FORWARDED_FOR="inconnue")
    event = AuthEvent.objects.get()
    assert event.kind == AuthEventKind.LOGIN_FAILED and event.ip is None


def test_the_lockout_is_logged_once_when_it_starts(client, pro_user, password, settings):
    settings.LOGIN_FAILURES = 3
    for _ in range(5):
        _login(client, pro_user.email, WRONG)
    lockouts = AuthEvent.objects.filter(kind=AuthEventKind.LOCKOUT)
    assert [(e.user, e.login, e.ip) for e in lockouts] == [(pro_user, pro_user.email, "203.0.113.7")]
    # The attempts refused while it lasts are not tried against the password, so not failures.
    assert AuthEvent.objects.filter(kind=AuthEventKind.LOGIN_FAILED).count() == 3
    _assert_no_secret(WRONG, password)


def test_a_wrong_second_factor_code_is_logged(client, agent_user, password):
    device = TOTPDevice.objects.create(user=agent_user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    assertRedirects(_login(client, agent_user.email, password), reverse("accounts:otp"))
    wrong = "000000" if pyotp.TOTP(device.secret).now() != "000000" else "111111"
    client.post(reverse("accounts:otp"), {"code": wrong}, REMOTE_ADDR="203.0.113.7")
    event = AuthEvent.objects.get(kind=AuthEventKind.SECOND_FACTOR_FAILED)
    assert (event.user, event.login, event.ip) == (agent_user, agent_user.email, "203.0.113.7")
    # The password alone is no sign-in for the staff.
    assert not AuthEvent.objects.filter(kind=AuthEventKind.LOGIN).exists()
    _assert_no_secret(password, wrong)


def test_wrong_codes_up_to_the_lockout_are_logged(client, agent_user, password, settings):
    settings.LOGIN_FAILURES = 3
    device = TOTPDevice.objects.create(user=agent_user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    _login(client, agent_user.email, password)
    wrong = "000000" if pyotp.TOTP(device.secret).now() != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("accounts:otp"), {"code": wrong}, REMOTE_ADDR="203.0.113.7")
    kinds = list(AuthEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [AuthEventKind.SECOND_FACTOR_FAILED] * 3 + [AuthEventKind.LOCKOUT]
    assert AuthEvent.objects.get(kind=AuthEventKind.LOCKOUT).user == agent_user


def test_a_password_change_is_logged(client, pro_user, password):
    client.force_login(pro_user)
    AuthEvent.objects.all().delete()
    new = "un-tout-nouveau-mot-de-passe-9"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
        REMOTE_ADDR="198.51.100.3",
    )
    assertRedirects(response, reverse("accounts:password_change_done"))
    event = AuthEvent.objects.get()
    assert (event.kind, event.user, event.ip) == (AuthEventKind.PASSWORD_CHANGED, pro_user, "198.51.100.3")
    _assert_no_secret(password, new)


def test_a_password_set_by_an_administrator_is_logged(client, pro_user, admin_user, settings):
    # Django's admin templates read variables they may not be given: not ours to make strict.
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": ""}} for engine in settings.TEMPLATES
    ]
    client.force_login(admin_user)
    AuthEvent.objects.all().delete()
    url = reverse("admin:auth_user_password_change", args=[pro_user.pk])
    new = "un-tout-nouveau-mot-de-passe-9"
    client.post(url, {"password1": new, "password2": "pas-pareil-du-tout-9"})
    assert not AuthEvent.objects.exists()
    response = client.post(
        url, {"password1": new, "password2": new, "usable_password": "true"}, REMOTE_ADDR="10.0.0.8"
    )
    assertRedirects(response, reverse("admin:accounts_user_change", args=[pro_user.pk]))
    event = AuthEvent.objects.get()
    assert (event.kind, event.user, event.ip) == (AuthEventKind.PASSWORD_CHANGED, pro_user, "10.0.0.8")
    _assert_no_secret(new)


def test_a_refused_password_change_is_not_logged(client, pro_user):
    client.force_login(pro_user)
    AuthEvent.objects.all().delete()
    client.post(
        reverse("accounts:password_change"), {"old_password": WRONG, "new_password1": "x", "new_password2": "x"}
    )
    assert not AuthEvent.objects.exists()


def test_a_password_reset_is_logged(client, pro_user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(pro_user.pk))
    token = default_token_generator.make_token(pro_user)
    page = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    new = "un-tout-nouveau-mot-de-passe-9"
    client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    event = AuthEvent.objects.get()
    assert (event.kind, event.user) == (AuthEventKind.PASSWORD_RESET, pro_user)
    _assert_no_secret(new)


def test_administrators_read_the_log_and_search_it(client, pro_user, admin_user, readonly_admin_user):
    _login(client, pro_user.email, WRONG, address="192.0.2.44")
    _login(client, "quelquun@example.fr", WRONG, address="192.0.2.45")
    url = reverse("admin:accounts_authevent_changelist")
    for reader in (admin_user, readonly_admin_user):
        client.force_login(reader)
        page = client.get(url)
        assertContains(page, "192.0.2.44")
        assertContains(page, "quelquun@example.fr")
        found = client.get(url, {"q": "192.0.2.45"})
        assertContains(found, "quelquun@example.fr")
        assert pro_user.email not in found.content.decode()
        assertContains(client.get(url, {"kind__exact": "login_failed"}), "192.0.2.44")


def test_nobody_changes_or_deletes_an_entry(client, pro_user, admin_user):
    _login(client, pro_user.email, WRONG)
    event = AuthEvent.objects.get()
    client.force_login(admin_user)
    assert client.get(reverse("admin:accounts_authevent_add")).status_code == 403
    assert client.post(reverse("admin:accounts_authevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    page = client.get(reverse("admin:accounts_authevent_change", args=[event.pk]))
    assert page.status_code == 200 and '<input type="submit"' not in page.content.decode()
    assert AuthEvent.objects.filter(pk=event.pk).exists()


def test_the_log_is_not_for_others(client, pro_user, agent_user):
    _login(client, pro_user.email, WRONG, address="192.0.2.44")
    url = reverse("admin:accounts_authevent_changelist")
    assert client.get(url).status_code == 302
    for user in (pro_user, agent_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (302, 404)
        assert "192.0.2.44" not in response.content.decode()


def test_old_entries_are_purged_daily(client, pro_user, settings):
    from datetime import timedelta

    from accounts.tasks import purge_auth_log

    settings.AUTH_LOG_DAYS = 30
    _login(client, pro_user.email, WRONG)
    _login(client, pro_user.email, WRONG)
    old, recent = AuthEvent.objects.order_by("pk")
    AuthEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert purge_auth_log() == 1
    assert list(AuthEvent.objects.all()) == [recent]
    assert purge_auth_log() == 0
