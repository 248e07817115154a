"""A real Celery worker for the tests that need one: started as its own
process on Redis, on a queue of its own, reading the test database, sending
its emails to an SMTP sink the test reads (tests/conftest.py makes these
fixtures: broker_url, smtp_sink, worker, worker_env)."""

import email
import email.policy
import os
import socketserver
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import redis
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[1]


def database_url() -> str:
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

    def emails(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in list(self.messages)]

    def wait_for(self, subject_contains: str, *, to: str | None = None, log: Path | None = None, timeout=60):
        """The first email received whose subject holds these words (and sent to `to`)."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.emails():
                if subject_contains in message["Subject"] and (to is None or message["To"] == to):
                    return message
            if time.monotonic() > deadline:
                subjects = [m["Subject"] for m in self.emails()]
                worker_log = log.read_text() if log and log.exists() else ""
                raise AssertionError(f"no email « {subject_contains} » in {subjects}\n{worker_log}")
            time.sleep(0.2)


def text_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


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
                    # RFC 5321 dot-stuffing: a line starting with a dot was sent with two.
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(data)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@contextmanager
def worker_process(*, broker_url: str, folder: Path, smtp_port: int, extra_env: dict):
    """Yields the name of the queue the worker reads; its log is folder/worker.log.

    A queue of its own rather than urgent, default and bulk: several test runs may
    share one Redis, and a worker must never take another run's tasks. The tests
    send their tasks to it by name (queue=…), which wins over CELERY_TASK_ROUTES
    (tests/signalconso/test_queues.py)."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(folder),
        "CONN_MAX_AGE": "0",
        # The worker reads the tests' primary database only (tests/signalconso/test_replica.py).
        "READ_REPLICA_ENABLED": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        **extra_env,
    }
    log = (folder / "worker.log").open("w")
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
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        # Leave no message behind for another run.
        redis.Redis.from_url(broker_url).delete(queue)
