"""What every test shares: the cast of users, a cache emptied between tests,
tasks run eagerly, and templates that fail on an undefined variable."""

import os
import shutil
import subprocess
import time

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from reports.categories import load_categories
from reports.models import EmailVerification
from reports.wizard.verification import mark_verified
from signalconso.celery import app as celery_app

from .accounts.factories import UserFactory

IN_CI = bool(os.environ.get("CI"))


def skip_or_fail(reason: str) -> None:
    """In CI a missing browser or service is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture
def postgresql():
    """For what only PostgreSQL does (word search, COPY, advisory locks)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("this needs PostgreSQL (set DATABASE_URL)")


class UndefinedTemplateVariable(str):
    """Set as string_if_invalid: `{{ typo }}` raises instead of printing nothing."""

    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, variable):
        raise AssertionError(f"Undefined template variable: {variable!r}")


@pytest.fixture(autouse=True)
def _primary_only(request, settings):
    """The read replica (DATABASE_REPLICA_URL) is a second, empty database in
    the tests: only the tests marked `replica` read from it."""
    if not request.node.get_closest_marker("replica"):
        settings.READ_REPLICA_ENABLED = False


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    templates = [dict(engine, OPTIONS=dict(engine["OPTIONS"])) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"]["string_if_invalid"] = UndefinedTemplateVariable("%s")
    settings.TEMPLATES = templates


@pytest.fixture(autouse=True)
def _french():
    # A request in English leaves English active in the thread; start each test in French.
    translation.activate("fr")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_tasks(monkeypatch, settings):
    # Tests run tasks in-process; the tests marked `worker` use a real one.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.ANTIVIRUS_URL = ""


@pytest.fixture
def password():
    return "un-mot-de-passe-solide-42"


@pytest.fixture
def pro_user(password):
    return UserFactory(pro=True, password=password)


@pytest.fixture
def agent_user(password):
    return UserFactory(agent=True, password=password)


@pytest.fixture
def admin_user(password):
    return UserFactory(admin=True, password=password)


@pytest.fixture
def readonly_admin_user(password):
    return UserFactory(readonly_admin=True, password=password)


@pytest.fixture(scope="session")
def clamd_url(tmp_path_factory):
    """ClamAV's daemon, started for the tests with a signature database of
    one line that recognises the EICAR test file (no download needed)."""
    binary = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)
    if binary is None:
        skip_or_fail("clamd is not installed (Debian package clamav-daemon)")
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "eicar.hdb").write_text("44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n")
    socket_path = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {folder / 'db'}\nForeground yes\n"
        f"LogFile {folder / 'clamd.log'}\nPidFile {folder / 'clamd.pid'}\n"
    )
    process = subprocess.Popen(
        [binary, "-c", str(folder / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"unix://{socket_path}"
    from reports.files.antivirus import ping

    deadline = time.monotonic() + 60
    while not ping(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
            pytest.fail(f"clamd did not start:\n{log}")
        time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Runs an action and what it left for after its commit (its emails)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def categories():
    """The category tree the service ships."""
    load_categories()


@pytest.fixture
def verified_addresses(client):
    """Addresses whose code was typed in the test client's session;
    test_verification.py walks the code step itself."""
    session = client.session
    for email in ("paule@example.fr", "autre@example.fr", "spam@example.fr"):
        EmailVerification.objects.create(
            email=email, code_hash="-", sent_at=timezone.now(), verified_at=timezone.now()
        )
        mark_verified(session, email)
    session.save()


# --- A real Celery worker (tests/worker.py) ------------------------------------------


@pytest.fixture
def broker_url():
    import redis

    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not reachable at {url}")
    return url


@pytest.fixture
def smtp_sink():
    import threading

    from .worker import SmtpSink

    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.shutdown()
    sink.server_close()


@pytest.fixture
def worker_env():
    """More of the worker's environment; a test module may override this."""
    return {}


@pytest.fixture
def worker(broker_url, tmp_path, smtp_sink, worker_env):
    """A worker process on its own queue, reading the test database; yields the queue."""
    from django.db import connection

    from .worker import worker_process

    if connection.vendor != "postgresql":
        skip_or_fail("the worker needs a database it can share: set DATABASE_URL to PostgreSQL")
    with worker_process(
        broker_url=broker_url, folder=tmp_path, smtp_port=smtp_sink.server_address[1], extra_env=worker_env
    ) as queue:
        yield queue
