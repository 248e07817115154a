from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from accounts.tasks import clear_expired_sessions
from reports.management.commands.load_demo_data import DEMO_ACCOUNTS

from .factories import UserFactory

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


def test_idle_staff_are_warned_at_nine_and_eleven_months_then_closed(django_capture_on_commit_callbacks):
    from datetime import timedelta

    import time_machine
    from django.core import mail
    from django.utils import timezone

    from accounts.services import inactive_staff_deactivate

    agent = UserFactory(agent=True)
    busy = UserFactory(agent=True)
    pro = UserFactory(pro=True)
    start = timezone.now()
    User.objects.filter(pk__in=[agent.pk, busy.pk, pro.pk]).update(last_login=start)
    runs = {}
    for days in (100, 271, 272, 336, 366):
        if days == 272:
            User.objects.filter(pk=busy.pk).update(last_login=start + timedelta(days=days))
        with time_machine.travel(start + timedelta(days=days)), django_capture_on_commit_callbacks(execute=True):
            runs[days] = inactive_staff_deactivate()
    assert runs == {100: (0, 0), 271: (2, 0), 272: (0, 0), 336: (1, 0), 366: (0, 1)}
    assert [message.to for message in mail.outbox].count([agent.email]) == 2
    agent.refresh_from_db(), busy.refresh_from_db(), pro.refresh_from_db()
    assert (agent.is_active, busy.is_active, pro.is_active) == (False, True, True)
