"""A real Celery worker, started as its own process on Redis, runs tasks sent
through the broker against the test database: one of them sends an email
from the outbox to an SMTP server."""

import email
import email.policy
import os
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from signalconso.celery import app as celery_app

from ..conftest import skip_or_fail

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_url():
    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not reachable at {url}")
    return url


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough of an SMTP server to receive the worker's emails."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.messages: list[bytes] = []


class _SmtpSession(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 sink\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.messages.append(data)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.shutdown()
    sink.server_close()


@pytest.fixture
def worker(broker_url, tmp_path, smtp_sink):
    """A worker process on its own queue, reading the test database."""
    if connection.vendor != "postgresql":
        skip_or_fail("the worker needs a database it can share: set DATABASE_URL to PostgreSQL")
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(tmp_path),
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.server_address[1]}",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "signalconso",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    # Leave no message behind for another run.
    redis.Redis.from_url(broker_url).delete(queue)


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
