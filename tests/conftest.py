"""What every test shares: the cast of users, a cache emptied between tests,
tasks run eagerly, and templates that fail on an undefined variable."""

import os

import pytest
from django.core.cache import cache
from django.utils import translation

from signalconso.celery import app as celery_app

from .accounts.factories import UserFactory

IN_CI = bool(os.environ.get("CI"))


def skip_or_fail(reason: str) -> None:
    """In CI a missing browser or service is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


class UndefinedTemplateVariable(str):
    """Set as string_if_invalid: `{{ typo }}` raises instead of printing nothing."""

    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, variable):
        raise AssertionError(f"Undefined template variable: {variable!r}")


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
