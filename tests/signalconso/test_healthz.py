import pytest
from django.db import connection

from signalconso.celery import app as celery_app

pytestmark = pytest.mark.django_db

# A port where nothing listens, to stand for a service that is down.
CLOSED = "redis://127.0.0.1:1/0"


def test_all_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    expected_broker = "ok" if celery_app.conf.broker_url else "not configured"
    assert body["checks"]["broker"] == expected_broker
    assert "no-cache" in response["Cache-Control"]


def test_database_down_gives_503(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"
    assert response.json()["status"] == "down"


def test_cache_down_gives_503(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "down",
        "broker": response.json()["checks"]["broker"],
    }


def point_broker_at(monkeypatch, url):
    # Celery reads CELERY_BROKER_URL from the environment before its own settings.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)


def test_broker_down_gives_503(client, monkeypatch):
    point_broker_at(monkeypatch, CLOSED)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "down"


def test_the_cause_of_a_failure_is_not_published(client, monkeypatch):
    point_broker_at(monkeypatch, "redis://secret-host.internal:1/0")
    response = client.get("/healthz")
    assert "secret-host" not in response.content.decode()


def test_post_is_refused(client):
    assert client.post("/healthz").status_code == 405
