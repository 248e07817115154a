"""Errors to Sentry or to the ADMINS, logs as JSON lines, and /metrics for
Prometheus only."""

import io
import json
import logging
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from notifications.models import EmailStatus, OutgoingEmail
from signalconso import metrics as metrics_module
from signalconso import urls as site_urls
from signalconso.errors import FILTERED, before_send, parse_admins

from .test_settings import PRODUCTION, read_settings, run

pytestmark = pytest.mark.django_db


@csrf_exempt
def broken_view(request):
    raise RuntimeError("la base a disparu")


# The site's own, for the 500 page's links, and one that breaks.
urlpatterns = [path("casse/", broken_view), *site_urls.urlpatterns]


# --- Sentry ------------------------------------------------------------------------------------------

SENTRY_PROBE = (
    "import django, json; django.setup(); import sentry_sdk; client = sentry_sdk.get_client(); "
    "o = client.options; print(json.dumps({'active': client.is_active(), "
    "'pii': o.get('send_default_pii'), 'locals': o.get('include_local_variables'), "
    "'before_send': getattr(o.get('before_send'), '__module__', None), "
    "'integrations': sorted(client.integrations)}))"
)


def _sentry_state(env, tmp_path):
    result = run(["-c", SENTRY_PROBE], {"DJANGO_SETTINGS_MODULE": "signalconso.settings", **env}, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sentry_is_started_only_with_a_dsn(tmp_path):
    assert _sentry_state({}, tmp_path)["active"] is False
    state = _sentry_state({"SENTRY_DSN": "https://clef@sentry.example.invalid/42"}, tmp_path)
    assert state["active"] is True
    assert state["pii"] is False and state["locals"] is False
    assert state["before_send"] == "signalconso.errors"
    assert {"django", "celery"} <= set(state["integrations"])


def test_before_send_strips_personal_data():
    event = {
        "message": "échec pour marie.dupont@example.fr",
        "logentry": {"message": "courriel à %s", "params": ["marie.dupont@example.fr"]},
        "user": {"id": "7", "email": "marie.dupont@example.fr", "ip_address": "198.51.100.2", "username": "marie"},
        "server_name": "web-3",
        "request": {
            "url": "https://signal.conso.gouv.fr/signaler/",
            "method": "POST",
            "data": {"email": "marie.dupont@example.fr", "password": "secret-123"},
            "cookies": {"sessionid": "abc"},
            "query_string": "email=marie.dupont%40example.fr",
            "env": {"REMOTE_ADDR": "198.51.100.2"},
            "headers": {
                "Cookie": "sessionid=abc",
                "Authorization": "Bearer jeton",
                "X-Forwarded-For": "198.51.100.2",
                "User-Agent": "Firefox",
            },
        },
        "exception": {"values": [{"type": "ValueError", "value": "adresse marie.dupont@example.fr refusée"}]},
        "breadcrumbs": {"values": [{"message": "envoi à marie.dupont@example.fr", "data": {"to": "x@y.fr"}}]},
    }
    cleaned = before_send(event, {})
    text = json.dumps(cleaned)
    for secret in ("marie.dupont", "secret-123", "abc", "jeton", "198.51.100.2", "x@y.fr", "web-3"):
        assert secret not in text, secret
    assert cleaned["user"] == {"id": "7"}
    assert "data" not in cleaned["request"] and "cookies" not in cleaned["request"]
    assert cleaned["request"]["headers"]["User-Agent"] == "Firefox"
    assert cleaned["request"]["headers"]["Cookie"] == FILTERED
    assert cleaned["request"]["url"] == "https://signal.conso.gouv.fr/signaler/"
    assert cleaned["exception"]["values"][0]["type"] == "ValueError"


def test_before_send_takes_an_event_without_a_request():
    assert before_send({"message": "rien de personnel"}, None) == {"message": "rien de personnel"}


# --- ADMINS by email ----------------------------------------------------------------------------------


def test_admins_are_read_from_one_variable():
    assert parse_admins("Équipe technique <tech@example.fr>, astreinte@example.fr") == [
        ("Équipe technique", "tech@example.fr"),
        ("astreinte@example.fr", "astreinte@example.fr"),
    ]
    assert parse_admins("") == []
    with pytest.raises(ImproperlyConfigured):
        parse_admins("Équipe technique")


def test_a_malformed_admins_stops_start_up(tmp_path):
    result = run(["manage.py", "check"], {"ADMINS": "Personne sans adresse"}, tmp_path)
    assert result.returncode != 0 and "ADMINS must be" in result.stderr


@pytest.mark.urls(__name__)
def test_a_500_is_emailed_to_the_admins(settings):
    settings.DEBUG = False
    settings.ADMINS = [("Équipe technique", "tech@example.fr")]
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "cookie-de-session-123"
    response = client.post("/casse/", {"email": "marie.dupont@example.fr", "description": "mon voisin"})
    assert response.status_code == 500
    assert "L’équipe technique est prévenue" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tech@example.fr"]
    assert "/casse/" in message.subject and "la base a disparu" in message.body
    # The form's fields and the cookies by name only.
    assert "email" in message.body and "sessionid" in message.body
    for secret in ("marie.dupont", "mon voisin", "cookie-de-session-123"):
        assert secret not in message.body


@pytest.mark.urls(__name__)
def test_nobody_is_emailed_without_admins(settings):
    settings.ADMINS = []
    assert Client(raise_request_exception=False).get("/casse/").status_code == 500
    assert mail.outbox == []


def test_with_sentry_errors_are_not_emailed_too(tmp_path):
    env = {"SENTRY_DSN": "https://clef@sentry.example.invalid/42", "ADMINS": "Tech <tech@example.fr>"}
    with_sentry = read_settings(env, tmp_path, "LOGGING")["LOGGING"]
    without = read_settings({"ADMINS": "Tech <tech@example.fr>"}, tmp_path, "LOGGING")["LOGGING"]
    assert "'django.request': {'handlers': []" in with_sentry
    assert "'django.request': {'handlers': ['mail_admins']" in without


def test_the_deploy_check_wants_somebody_told_of_errors(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "ADMINS"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0 and "signalconso.W003" in result.stderr
    env["SENTRY_DSN"] = "https://clef@sentry.example.invalid/42"
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stderr


# --- JSON logs ---------------------------------------------------------------------------------------


def _json_formatter(settings):
    config = dict(settings.LOGGING["formatters"]["json"])
    return import_string(config.pop("()"))(**config)


def test_json_logs_are_one_object_per_line(settings):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_json_formatter(settings))
    logger = logging.getLogger("signalconso.test_json")
    logger.addHandler(handler)
    try:
        logger.warning("premier message %s", "é")
        try:
            raise ValueError("sur\nplusieurs lignes")
        except ValueError:
            logger.exception("second message", extra={"request": object()})
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "WARNING" and first["message"] == "premier message é"
    assert first["logger"] == "signalconso.test_json"
    assert datetime.fromisoformat(first["time"]).utcoffset() == timedelta(0)
    assert second["level"] == "ERROR" and "sur\nplusieurs lignes" in second["exc_info"]


def test_logs_are_json_unless_debug_or_said(tmp_path):
    def console(env):
        return read_settings(env, tmp_path, "LOG_FORMAT")["LOG_FORMAT"]

    assert console({}) == "'json'"
    assert console({"DEBUG": "true"}) == "'plain'"
    assert console({"DEBUG": "true", "LOG_FORMAT": "json"}) == "'json'"
    result = run(["manage.py", "check"], {"LOG_FORMAT": "xml"}, tmp_path)
    assert result.returncode != 0 and "LOG_FORMAT must be" in result.stderr


# --- /metrics ----------------------------------------------------------------------------------------

TOKEN = "jeton-de-prometheus-" + "x" * 20


@pytest.fixture
def scrape(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    settings.CELERY_BROKER_URL = ""

    def get(client, **headers):
        return client.get(reverse("metrics"), **headers)

    return get


def test_metrics_are_a_404_without_the_token(client, scrape):
    assert scrape(client).status_code == 404
    assert scrape(client, HTTP_AUTHORIZATION="Bearer pas-le-bon").status_code == 404
    assert scrape(client, HTTP_AUTHORIZATION=TOKEN).status_code == 404
    assert client.post(reverse("metrics"), HTTP_AUTHORIZATION="Bearer pas-le-bon").status_code == 404


def test_no_token_set_means_no_token_accepted(client, scrape, settings):
    settings.METRICS_TOKEN = ""
    assert scrape(client, HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_with_the_token_count_requests_and_the_outbox(client, scrape):
    now = timezone.now()
    for status, count in ((EmailStatus.PENDING, 3), (EmailStatus.FAILED, 2), (EmailStatus.SENT, 4)):
        for _ in range(count):
            OutgoingEmail.objects.create(kind="essai", to=["a@example.fr"], status=status, next_attempt_at=now)
    client.get(reverse("home"))
    response = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert 'signalconso_outbox_emails{status="pending"} 3.0' in body
    assert 'signalconso_outbox_emails{status="failed"} 2.0' in body
    assert 'signalconso_outbox_emails{status="sending"} 0.0' in body
    assert 'status="sent"' not in body
    assert 'signalconso_http_requests_total{method="GET",status="200",view="home"}' in body
    assert "signalconso_http_request_duration_seconds_bucket" in body
    # No broker: no queue figures, and no error.
    assert "signalconso_celery_queue_length" not in body
    assert scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert client.post(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_metrics_from_the_internal_network_only(client, scrape, settings):
    from ipaddress import ip_network

    settings.METRICS_ALLOWED_NETWORKS = [ip_network("10.0.0.0/8")]
    assert scrape(client, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert scrape(client, REMOTE_ADDR="203.0.113.5").status_code == 404
    # Behind the load balancer, the client's own address counts, not the balancer's.
    settings.TRUSTED_PROXY_COUNT = 1
    assert scrape(client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 404
    assert scrape(client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 200


class FakeRedis:
    lengths = {"urgent": 2, "default": 5, "default\x06\x169": 1, "bulk": 40, "celery": 0}

    def pipeline(self, transaction=True):
        self.asked = []
        return self

    def llen(self, key):
        self.asked.append(key)

    def execute(self):
        return [self.lengths.get(key, 0) for key in self.asked]


def test_metrics_give_the_length_of_each_celery_queue_in_redis(client, scrape, settings, monkeypatch):
    import redis

    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/1"
    monkeypatch.setattr(redis.Redis, "from_url", classmethod(lambda cls, url, **kw: FakeRedis()))
    body = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'signalconso_celery_queue_length{queue="urgent"} 2.0' in body
    assert 'signalconso_celery_queue_length{queue="default"} 6.0' in body
    assert 'signalconso_celery_queue_length{queue="bulk"} 40.0' in body
    assert 'signalconso_celery_queue_length{queue="celery"} 0.0' in body


def test_metrics_leave_the_queues_out_when_redis_is_down(client, scrape, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "signalconso_celery_queue_length" not in body and "signalconso_outbox_emails" in body


def test_queue_lengths_only_for_a_redis_broker():
    assert metrics_module.celery_queue_lengths("") is None
    assert metrics_module.celery_queue_lengths("amqp://guest@rabbit//") is None


def test_requests_are_counted_by_view_never_by_url(client, scrape):
    client.get("/une-page-qui-n-existe-pas-123/")
    body = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'status="404",view="unmatched"' in body
    assert "qui-n-existe-pas" not in body
