"""The settings module read in a fresh process, as a deployment would start it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

# What docs/configuration.md documents for production.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "z7Qp9vLm2Xw8Rt5Yb1Nc4Hd6Jf0Gs3Ke" * 2,
    "SITE_URL": "https://signal.conso.gouv.fr",
    "DATABASE_URL": "postgres://signalconso:secret@db:5432/signalconso",
    "REDIS_URL": "redis://redis:6379/0",
    "CELERY_BROKER_URL": "redis://redis:6379/1",
    "EMAIL_URL": "smtp+tls://user:pass@smtp.example.fr:587",
    "AWS_STORAGE_BUCKET_NAME": "signalconso",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.fr",
    "AWS_ACCESS_KEY_ID": "id",
    "AWS_SECRET_ACCESS_KEY": "secret",
    "ANTIVIRUS_URL": "tcp://clamav:3310",
    "TRUSTED_PROXY_COUNT": "1",
    "ADMINS": "Équipe technique <tech@signal.conso.gouv.fr>",
}

# Variables of the test run that must not leak into the process under test.
PROJECT_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "SITE_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "ALLOWED_HOSTS",
    "DEMO_DATA_ALLOWED",
    "STATIC_MANIFEST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ANTIVIRUS_URL",
    "TRUSTED_PROXY_COUNT",
    "SECRET_KEY_FALLBACKS",
    "ADMINS",
    "SENTRY_DSN",
    "LOG_FORMAT",
    "METRICS_TOKEN",
    "METRICS_ALLOWED_NETWORKS",
]


def run(args, env_vars, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    env.update(env_vars, VAR_DIR=str(tmp_path))
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def read_settings(env_vars, tmp_path, *names):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: repr(getattr(s, n)) for n in {list(names)!r}}}))"
    )
    result = run(["-c", code], {"DJANGO_SETTINGS_MODULE": "signalconso.settings", **env_vars}, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_values_pass_the_deploy_check(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_deploy_check_refuses_the_defaults(tmp_path):
    result = run(["manage.py", "check", "--deploy"], {}, tmp_path)
    assert result.returncode != 0
    assert "signalconso.E001" in result.stderr
    assert "signalconso.E002" in result.stderr
    assert "signalconso.E003" in result.stderr


@pytest.mark.parametrize(
    ("proxies", "warning"),
    [(None, "signalconso.W001"), ("0", "signalconso.W002")],
)
def test_the_deploy_check_wants_the_proxies_said(tmp_path, proxies, warning):
    """Behind a load balancer, 0 would give every client its address."""
    env = {k: v for k, v in PRODUCTION.items() if k != "TRUSTED_PROXY_COUNT"}
    if proxies is not None:
        env["TRUSTED_PROXY_COUNT"] = proxies
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0 and warning in result.stderr


def test_an_https_site_refuses_to_start_with_the_development_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run(["manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_site_url_fails_loudly(tmp_path):
    result = run(["manage.py", "check"], {"SITE_URL": "signal.conso.gouv.fr"}, tmp_path)
    assert result.returncode != 0
    assert "SITE_URL must be an http(s) address" in result.stderr


def test_defaults_serve_make_run(tmp_path):
    values = read_settings(
        {}, tmp_path, "DATABASES", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_BACKEND", "STORAGES", "CACHES"
    )
    assert "django.db.backends.sqlite3" in values["DATABASES"]
    assert str(tmp_path / "signalconso.sqlite3") in values["DATABASES"]
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "True"
    assert values["EMAIL_BACKEND"] == "'django.core.mail.backends.console.EmailBackend'"
    assert "FileSystemStorage" in values["STORAGES"]
    assert "LocMemCache" in values["CACHES"]


def test_production_variables_switch_every_service(tmp_path):
    values = read_settings(
        PRODUCTION,
        tmp_path,
        "DATABASES",
        "CELERY_TASK_ALWAYS_EAGER",
        "CELERY_BROKER_URL",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_USE_TLS",
        "STORAGES",
        "CACHES",
        "SESSION_COOKIE_SECURE",
        "ALLOWED_HOSTS",
    )
    assert "postgresql" in values["DATABASES"] and "'HOST': 'db'" in values["DATABASES"]
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "False"
    assert values["CELERY_BROKER_URL"] == "'redis://redis:6379/1'"
    assert values["EMAIL_BACKEND"] == "'django.core.mail.backends.smtp.EmailBackend'"
    assert values["EMAIL_HOST"] == "'smtp.example.fr'"
    assert values["EMAIL_USE_TLS"] == "True"
    assert "signalconso.storage.SignedLinkS3Storage" in values["STORAGES"]
    assert "RedisCache" in values["CACHES"]
    assert values["SESSION_COOKIE_SECURE"] == "True"
    assert "signal.conso.gouv.fr" in values["ALLOWED_HOSTS"]


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_bad_boolean_fails_loudly(tmp_path, value):
    result = run(["manage.py", "check"], {"DEBUG": value}, tmp_path)
    assert result.returncode != 0
