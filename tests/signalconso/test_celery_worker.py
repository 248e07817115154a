"""A real Celery worker, started as its own process on Redis, runs a task sent
through the broker against the test database."""

import os
import subprocess
import sys
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


@pytest.fixture
def worker(broker_url, tmp_path):
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
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "signalconso", "worker", "--pool=solo",
         "--queues", queue, "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
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
            pytest.fail(
                "the worker did not run the task:\n" + (tmp_path / "worker.log").read_text()
            )
        time.sleep(0.2)
    assert Session.objects.filter(session_key=live).exists()
    assert "accounts.tasks.clear_expired_sessions" in (tmp_path / "worker.log").read_text()
