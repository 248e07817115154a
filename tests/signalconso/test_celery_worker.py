"""A real Celery worker, started as its own process on Redis, runs tasks sent
through the broker against the test database: one of them sends an email
from the outbox to an SMTP server (the fixtures: tests/worker.py)."""

import email
import email.policy
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from signalconso.celery import app as celery_app


def _session(expiry) -> str:
    store = SessionStore()
    store.set_expiry(expiry)
    store.create()
    return store.session_key


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_redis(worker, broker_url, monkeypatch, tmp_path):
    expired = _session(timezone.now() - timedelta(minutes=5))
    live = _session(timezone.now() + timedelta(hours=1))

    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    with celery_app.connection_for_write(broker_url) as conn:
        clear_expired_sessions.apply_async(connection=conn, queue=worker)

    deadline = time.monotonic() + 60
    while Session.objects.filter(session_key=expired).exists():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not run the task:\n" + (tmp_path / "worker.log").read_text())
        time.sleep(0.2)
    assert Session.objects.filter(session_key=live).exists()
    assert "accounts.tasks.clear_expired_sessions" in (tmp_path / "worker.log").read_text()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_an_email_of_the_outbox_over_smtp(worker, broker_url, smtp_sink, monkeypatch, tmp_path):
    from notifications.models import EmailStatus, OutgoingEmail
    from notifications.services import email_queue
    from notifications.tasks import send_email

    from ..reports.factories import ReportFactory

    report = ReportFactory()
    # The task is sent below, through Redis, to the worker's own queue.
    monkeypatch.setattr("notifications.services.start_task", lambda name, *args: None)
    row = email_queue("consumer_acknowledgement", to=report.email, data={"report": report.pk}, report=report)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    with celery_app.connection_for_write(broker_url) as conn:
        send_email.apply_async(args=[row.pk], connection=conn, queue=worker)

    deadline = time.monotonic() + 60
    while not smtp_sink.messages:
        if time.monotonic() > deadline:
            pytest.fail("no email reached SMTP:\n" + (tmp_path / "worker.log").read_text())
        time.sleep(0.2)
    (raw,) = smtp_sink.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == f"Votre signalement {report.reference} est enregistré"
    assert message["To"] == report.email
    attached = [part.get_content_type() for part in message.iter_attachments()]
    assert attached == ["application/pdf"]  # the receipt
    # The worker records the row as sent once the SMTP server has answered.
    while not OutgoingEmail.objects.filter(pk=row.pk, status=EmailStatus.SENT).exists():
        if time.monotonic() > deadline:
            pytest.fail("the row was never marked sent:\n" + (tmp_path / "worker.log").read_text())
        time.sleep(0.2)
    assert report.events.filter(action="email_sent").exists()
