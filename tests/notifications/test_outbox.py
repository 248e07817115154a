"""The outbox: an email exists exactly when its action does, leaves after
commit, survives a broker or SMTP outage, and is never sent twice."""

import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools

from notifications import services
from notifications.emails import REGISTRY
from notifications.models import EmailStatus, OutgoingEmail
from signalconso.celery import app as celery_app

from ..companies.factories import CompanyFactory
from ..reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def queue_code(email="paule@example.fr", code="123456"):
    return services.email_queue("consumer_verification_code", to=email, data={"code": code}, language="fr")


def test_the_email_is_written_with_its_action_and_vanishes_with_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_code()
        raise RuntimeError("the action fails")
    assert not OutgoingEmail.objects.exists()


def test_it_leaves_after_commit_is_recorded_and_its_secret_wiped(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = queue_code()
    assert not mail.outbox  # nothing before commit
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.subject == "Votre code SignalConso : 123456"
    assert "123456" in message.body and "123456" in message.alternatives[0][0]
    assert message.extra_headers["Message-ID"] == f"<outbox-{row.pk}@{urlsplit(settings.SITE_URL).hostname}>"
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT and row.sent_at and row.data == {}
    assert row.attempts == 1


def test_a_row_is_never_sent_twice():
    row = queue_code()
    assert services.email_send(email_id=row.pk) == EmailStatus.SENT
    assert services.email_send(email_id=row.pk) is None
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.emails_sweep() == 0
    assert len(mail.outbox) == 1


def test_a_row_being_sent_by_another_worker_is_left_alone():
    row = queue_code()
    OutgoingEmail.objects.filter(pk=row.pk).update(status=EmailStatus.SENDING, claimed_at=timezone.now())
    assert services.email_send(email_id=row.pk) is None
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert services.emails_sweep() == 0
    # A sender that died holding it: after 30 minutes the sweeper takes over.
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert services.emails_sweep() == 1
    assert len(mail.outbox) == 1


class SmtpDown:
    def __init__(self):
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        raise smtplib.SMTPServerDisconnected("SMTP is down")


def test_smtp_failures_are_retried_with_back_off_for_two_days(monkeypatch):
    down = SmtpDown()
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    start = timezone.now()
    row = queue_code()
    assert services.email_send(email_id=row.pk) == EmailStatus.PENDING
    row.refresh_from_db()
    assert row.attempts == 1 and "SMTP is down" in row.last_error
    assert row.next_attempt_at - start >= timedelta(minutes=1)
    # The sweeper keeps trying, further and further apart, for at least 24 hours.
    moments = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(60):
            row.refresh_from_db()
            if row.status != EmailStatus.PENDING:
                break
            clock.move_to(row.next_attempt_at + timedelta(seconds=1))
            services.emails_sweep()
            moments.append(timezone.now())
    row.refresh_from_db()
    assert row.status == EmailStatus.FAILED
    assert moments[-1] - start >= timedelta(hours=24)
    gaps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
    assert gaps == sorted(gaps) and max(gaps) <= timedelta(hours=2, seconds=2)
    assert not mail.outbox


def test_once_smtp_is_back_the_sweeper_sends_what_failed(monkeypatch):
    down = SmtpDown()
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    row = queue_code()
    services.email_send(email_id=row.pk)
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert services.emails_sweep() == 1
    assert len(mail.outbox) == 1


@pytest.fixture
def broker_down(monkeypatch, settings):
    """Tasks go to a broker that does not answer, failing at once."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setitem(celery_app.conf, "broker_connection_retry", False)
    monkeypatch.setitem(celery_app.conf, "broker_connection_max_retries", 0)
    monkeypatch.setitem(celery_app.conf, "task_publish_retry", False)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {"max_retries": 0})
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _fresh_connections()
    yield
    monkeypatch.undo()
    _fresh_connections()


def _fresh_connections():
    """Drops the app's connection pools, so that the next task connects to
    the broker configured now."""
    celery_app.pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.mark.usefixtures("categories", "verified_addresses")
def test_a_report_sent_while_the_broker_is_down_is_kept_and_its_email_sent_later(
    client, broker_down, django_capture_on_commit_callbacks
):
    from reports.models import Report

    from ..reports.test_wizard import file_report

    company = CompanyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = file_report(client, siret=company.siret)
    assert response.status_code == 302
    report = Report.objects.get()
    row = OutgoingEmail.objects.get(kind="consumer_acknowledgement")
    assert row.report == report and row.status == EmailStatus.PENDING
    assert not mail.outbox
    # Later, the broker is back and beat runs the sweeper.
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert services.emails_sweep() == 1
    (message,) = mail.outbox
    assert report.reference in message.subject


def test_an_email_about_a_deleted_report_is_cancelled():
    report = ReportFactory()
    row = services.email_queue("consumer_report_read", to="a@example.fr", data={"report": report.pk}, report=report)
    report.delete()
    assert services.email_send(email_id=row.pk) == EmailStatus.CANCELLED
    assert not mail.outbox


def test_a_dedupe_key_queues_one_email():
    first = services.email_queue(
        "consumer_verification_code", to="a@example.fr", data={"code": "1"}, dedupe_key="once"
    )
    second = services.email_queue(
        "consumer_verification_code", to="a@example.fr", data={"code": "1"}, dedupe_key="once"
    )
    assert first is not None and second is None
    assert OutgoingEmail.objects.count() == 1


def test_a_report_filed_in_english_gets_its_emails_in_english():
    report = ReportFactory(in_english=True)
    row = services.email_queue(
        "consumer_report_read", to=report.email, data={"report": report.pk}, language="en", report=report
    )
    services.email_send(email_id=row.pk)
    (message,) = mail.outbox
    assert message.subject == f"Your report {report.reference} has been read by the company"
    assert "/en/signaler/suivi/" in message.body


@pytest.mark.parametrize("kind", sorted(REGISTRY))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_email_draws_in_both_languages(kind, language):
    from django.utils import translation

    email = REGISTRY[kind]
    with translation.override(language):
        message = email.render(email.sample(), to=["x@example.fr"], language=language)
    html = message.alternatives[0][0]
    assert message.subject and message.body.strip()
    assert f'<html lang="{language}">' in html
    assert "L’équipe SignalConso" in message.body if language == "fr" else "The SignalConso team" in message.body


def test_the_admin_previews_every_email(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:notifications_previews"))
    assert page.status_code == 200
    for kind in REGISTRY:
        for language in ("fr", "en"):
            for part in ("html", "texte"):
                url = reverse("admin:notifications_preview", args=[kind, language, part])
                assert url in page.content.decode()
                assert client.get(url).status_code == 200


def test_only_administrators_see_the_previews(client, agent_user):
    url = reverse("admin:notifications_preview", args=["pro_new_report", "fr", "html"])
    assert client.get(url).status_code == 302  # to the admin's login
    client.force_login(agent_user)
    assert client.get(url).status_code == 302
