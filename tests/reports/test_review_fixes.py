"""What a review of the agents' and companies' spaces found, each now a test."""

import io
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import TOTPDevice
from companies import activation
from companies.models import LetterBatch
from notifications.models import OutgoingEmail
from reports import lifecycle
from reports.agents import subscriptions
from reports.models import Export, ReportStatus, Response

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory
from .factories import ReportFactory, company_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


def test_wrong_codes_count_across_fresh_logins(client, agent_user, password, settings):
    settings.LOGIN_FAILURES = 10
    TOTPDevice.objects.create(user=agent_user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    moment = timezone.now().replace(minute=1, second=0)
    with time_machine.travel(moment, tick=False):
        for _ in range(10):
            client.post(reverse("accounts:login"), {"username": agent_user.email, "password": password})
            client.post(reverse("accounts:otp"), {"code": "000000"})
        client.post(reverse("accounts:login"), {"username": agent_user.email, "password": password})
        right = pyotp.TOTP(TOTPDevice.objects.get().secret).now()
        response = client.post(reverse("accounts:otp"), {"code": right})
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_a_read_only_admin_keeps_personal_tools_and_nothing_else(client, readonly_admin_user):
    report = ReportFactory()
    client.force_login(readonly_admin_user)
    assert client.post(reverse("agents:bookmark", args=[report.reference])).status_code == 302
    assert client.post(reverse("agents:export_create"), {"kind": "xlsx"}).status_code == 302
    assert client.post(reverse("agents:tags", args=[report.reference]), {"tags": []}).status_code == 403
    batch = LetterBatch.objects.create(pdf="letters/x.pdf")
    assert client.get(reverse("agents:letter_batch_pdf", args=[batch.pk])).status_code == 404


def test_a_food_safety_agent_does_not_moderate_websites_or_letters(client):
    client.force_login(UserFactory(food_safety_agent=True))
    for url in (reverse("agents:websites"), reverse("agents:companies_to_activate")):
        assert client.get(url).status_code == 404


def test_subscriptions_go_to_the_administration_only(client, agent_user):
    from notifications.models import Subscription

    client.force_login(agent_user)
    client.post(
        reverse("agents:subscriptions"), {"name": "Fuite", "frequency": "daily", "email": "moi@gmail.com", "query": ""}
    )
    assert not Subscription.objects.exists()


def test_changing_the_company_sends_the_report_afresh(admin_user, django_capture_on_commit_callbacks):
    from reports.services.agents import report_change_company

    with time_machine.travel(timezone.now() - timedelta(days=24)):
        report = ReportFactory(read=True)
    new = CompanyFactory()
    pro = company_user(new)
    with django_capture_on_commit_callbacks(execute=True):
        report_change_company(report=report, user=admin_user, company=new)
    report.refresh_from_db()
    assert report.company == new and report.status == ReportStatus.SENT
    assert report.read_at is None and report.expires_at > timezone.now() + timedelta(days=24)
    assert [m.to for m in mail.outbox] == [[pro.email]]


def test_an_anonymised_report_kept_from_the_company_stays_hidden(client):
    report = ReportFactory(status=ReportStatus.NOT_SENT, expires_at=None)  # company set, not sent
    pro = company_user(report.company)
    lifecycle.report_anonymise(report=report)
    client.force_login(pro)
    assert client.get(reverse("pro:report", args=[report.reference])).status_code == 404


def test_anonymisation_forgets_the_address_in_the_outbox_and_the_history(
    django_capture_on_commit_callbacks,
):
    report = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.report_filed(report=report)
    lifecycle.report_anonymise(report=report)
    assert all(row.to == [] for row in OutgoingEmail.objects.filter(kind="consumer_acknowledgement"))
    assert all(e.details["to"] == [] for e in report.events.filter(action="email_sent"))


def test_exports_never_hold_formulas_or_illegal_characters(client, agent_user, django_capture_on_commit_callbacks):
    ReportFactory(description='=HYPERLINK("http://evil")\x0b ligne')
    client.force_login(agent_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agents:export_create"), {"kind": "xlsx"})
    export = Export.objects.get()
    sheet = load_workbook(io.BytesIO(export.file.open("rb").read())).active
    description = list(sheet.iter_rows(values_only=True))[1][10]
    assert description == '\'=HYPERLINK("http://evil") ligne'


def test_no_answer_after_the_deadline():
    report = ReportFactory(read=True, expires_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.report_answer(
            report=report, user=company_user(report.company), kind="accepted", reason="geste", message="Trop tard"
        )
    assert not Response.objects.exists()


def test_an_existing_account_signs_in_to_take_a_letters_code(client, password, django_capture_on_commit_callbacks):
    import re

    company = CompanyFactory()
    owner = company_user(CompanyFactory())
    _row, code = activation.activation_code_issue(company=company)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pro:activate"), {"siret": company.siret, "code": code, "email": owner.email})
    link = re.search(r"https?://[^/\s]+(/pro/activer/[^\s]+/)", mail.outbox[-1].body).group(1)
    response = client.post(
        link,
        {
            "first_name": "X",
            "last_name": "Y",
            "password1": "un autre mot de passe",
            "password2": "un autre mot de passe",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    owner.refresh_from_db()
    assert owner.check_password(password) and not owner.company_accesses.filter(company=company).exists()
    client.force_login(owner)
    client.post(link)
    assert owner.company_accesses.filter(company=company, level="admin").exists()


def test_a_second_digest_the_same_day_sends_the_reports_filed_since(
    client, agent_user, django_capture_on_commit_callbacks
):
    from notifications.models import Subscription

    morning = timezone.localtime().replace(hour=7, minute=0, second=0, microsecond=0)
    if morning.weekday() == 0:
        morning += timedelta(days=1)
    Subscription.objects.create(
        user=agent_user, name="Var", filters={"departements": ["83"]}, last_sent_until=morning - timedelta(days=1)
    )
    with time_machine.travel(morning - timedelta(hours=2), tick=False):
        first = ReportFactory(department="83")
    with time_machine.travel(morning, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.send_subscription_digests() == 1
    with time_machine.travel(morning + timedelta(hours=1), tick=False):
        second = ReportFactory(department="83")
    with (
        time_machine.travel(morning + timedelta(hours=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert subscriptions.send_subscription_digests() == 1
    assert first.reference in mail.outbox[0].body and second.reference in mail.outbox[1].body
    assert first.reference not in mail.outbox[1].body


def test_an_email_first_tried_late_still_gets_two_days_of_retries(monkeypatch):
    import smtplib

    from notifications import services
    from notifications.models import EmailStatus

    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("SMTP is down")

    with time_machine.travel(timezone.now() - timedelta(days=3)):
        row = services.email_queue("consumer_verification_code", to="a@example.fr", data={"code": "1"})
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    assert services.email_send(email_id=row.pk) == EmailStatus.PENDING  # workers were down
    row.refresh_from_db()
    with time_machine.travel(row.first_failed_at + timedelta(days=2, minutes=1)):
        OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert services.email_send(email_id=row.pk) == EmailStatus.FAILED


def test_an_export_is_built_once_and_never_from_broken_filters(agent_user):
    from reports.agents import exports
    from reports.models import ExportStatus

    ReportFactory()
    good = Export.objects.create(user=agent_user, kind="xlsx", query="")
    exports.export_build(export_id=good.pk)
    name = Export.objects.get(pk=good.pk).file.name
    exports.export_build(export_id=good.pk)  # delivered twice
    assert Export.objects.get(pk=good.pk).file.name == name
    broken = Export.objects.create(user=agent_user, kind="xlsx", query="departements=1000")
    exports.export_build(export_id=broken.pk)  # an expected failure: told, not raised
    broken.refresh_from_db()
    assert (broken.status, broken.error, broken.file.name) == (ExportStatus.FAILED, exports.INVALID_FILTERS, "")
