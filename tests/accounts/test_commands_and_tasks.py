from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from accounts.tasks import clear_expired_sessions
from reports.management.commands.load_demo_data import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_demo_data_creates_the_accounts_it_prints_and_can_run_twice(settings, capsys):
    settings.DEMO_DATA_ALLOWED = True
    call_command("load_demo_data")
    call_command("load_demo_data")
    out = capsys.readouterr().out
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    for email, password, *_rest in DEMO_ACCOUNTS:
        assert email in out and password in out
        assert User.objects.get(email=email).check_password(password)


def test_the_demo_professional_administers_the_sample_head_office(settings):
    from companies.models import CompanyAccess

    from ..companies.factories import CompanyFactory

    settings.DEMO_DATA_ALLOWED = True
    CompanyFactory(siret="81230002800014", siren="812300028")
    call_command("load_demo_data")
    call_command("load_demo_data")
    (access,) = CompanyAccess.objects.all()
    assert access.user.email == "pro@demo.signalconso.test" and access.level == "admin"


def test_the_demo_staff_log_in_with_the_printed_authenticator_key(settings, client, capsys):
    import pyotp

    from accounts.demo import DEMO_TOTP_SECRET

    settings.DEMO_DATA_ALLOWED = True
    call_command("load_demo_data")
    assert DEMO_TOTP_SECRET in capsys.readouterr().out
    client.post(
        "/compte/connexion/", {"username": "agent@dgccrf.finances.gouv.fr", "password": "demo-agent-mot-de-passe"}
    )
    response = client.post("/compte/connexion/code/", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert response.status_code == 302 and response["Location"] == "/agents/"


def test_demo_data_is_refused_where_it_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("load_demo_data")
    assert not User.objects.exists()


def _session(expiry) -> str:
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(expiry)
    store.create()
    return store.session_key


def test_clear_expired_sessions_keeps_live_ones():
    expired = _session(timezone.now() - timedelta(minutes=1))
    live = _session(timezone.now() + timedelta(hours=1))
    assert clear_expired_sessions.delay().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert expired != live
    assert clear_expired_sessions.delay().get() == 0


def test_demo_reports_fill_two_years_once(settings, categories):
    from reports.demo import demo_reports
    from reports.models import Report

    from ..companies.factories import CompanyFactory

    for _ in range(5):
        CompanyFactory()
    assert demo_reports(count=40) == 40
    assert demo_reports(count=40) == 0
    statuses = set(Report.objects.values_list("status", flat=True))
    assert {"PromesseAction", "NonConsulte"} <= statuses
