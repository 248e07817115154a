"""Faults injected where they happen in production: the database failing in
the middle of a submission, Redis down (cache and broker), SMTP down, clamd
down, the object storage down. Nothing a consumer typed is lost, no report
half-written, no email lost, no unscanned file served."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from notifications import services as outbox
from notifications.models import EmailStatus, OutgoingEmail
from reports.models import Attachment, Report
from signalconso.audit import Event

from .companies.factories import CompanyFactory
from .notifications.test_outbox import broker_down  # noqa: F401 (a fixture)
from .reports.test_wizard import choose, file_report, fill_consumer, fill_details

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "verified_addresses")]


def test_a_failure_in_the_middle_of_a_submission_writes_nothing_and_keeps_the_draft(client, monkeypatch):
    company = CompanyFactory()

    def broken(*args, **kwargs):
        raise RuntimeError("the search index is down")

    # After the report's row, its tags, files and first event are written.
    monkeypatch.setattr("reports.services.filing.report_index", broken)
    response = file_report(client, siret=company.siret)
    assertRedirects(response, reverse("reports:confirmation"), fetch_redirect_response=False)
    assert not Report.objects.exists() and not Event.objects.exists() and not OutgoingEmail.objects.exists()
    page = client.get(reverse("reports:confirmation"))
    assertContains(page, "Rien de ce que vous avez saisi n’est perdu")
    assertContains(page, "Le prix affiché")  # the description typed is still there
    monkeypatch.undo()
    file_report(client, siret=company.siret)
    assert Report.objects.count() == 1


@pytest.mark.usefixtures("broker_down")
def test_with_redis_down_the_report_is_saved_and_its_email_sent_later(
    client, settings, django_capture_on_commit_callbacks
):
    # The cache (rate limits) and the broker both on a Redis that does not answer.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    company = CompanyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = file_report(client, siret=company.siret)
    assertRedirects(response, reverse("reports:done"), fetch_redirect_response=False)
    report = Report.objects.get()
    row = OutgoingEmail.objects.get(kind="consumer_acknowledgement")
    assert row.status == EmailStatus.PENDING and not mail.outbox
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert outbox.emails_sweep() >= 1
    assert any(report.reference in message.subject for message in mail.outbox)


def test_with_smtp_down_an_email_waits_and_leaves_when_smtp_is_back(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    company = CompanyFactory()

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("smtp.example.fr:587")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    with django_capture_on_commit_callbacks(execute=True):
        file_report(client, siret=company.siret)
    row = OutgoingEmail.objects.get(kind="consumer_acknowledgement")
    assert row.status == EmailStatus.PENDING and row.attempts == 1 and "ConnectionRefusedError" in row.last_error
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox.emails_sweep() >= 1
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT and len(mail.outbox) == 1


def test_with_the_storage_down_a_file_is_refused_clearly_and_the_draft_kept(client, monkeypatch):
    from .reports import files

    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": CompanyFactory().siret})

    def down(*args, **kwargs):
        raise OSError("the object storage does not answer")

    monkeypatch.setattr("django.core.files.storage.FileSystemStorage._save", down)
    response = client.post(
        reverse("reports:details"),
        {
            "occurred_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "description": "Le prix affiché n’était pas celui payé.",
            "files": [files.upload("ticket.pdf", files.pdf())],
        },
    )
    assertContains(response, "n’a pas pu être enregistré à cause d’une panne", status_code=400)
    assertContains(response, "Le prix affiché n’était pas celui payé.", status_code=400)
    assert not Attachment.objects.exists()
    monkeypatch.undo()
    fill_details(client)
    fill_consumer(client, email="paule@example.fr", share_identity="no")
    assertRedirects(
        client.post(reverse("reports:confirmation")), reverse("reports:done"), fetch_redirect_response=False
    )


def test_with_clamd_down_an_upload_stays_pending_and_is_never_served(client, settings, agent_user):
    from reports.files import services as files_services
    from signalconso.audit import ActorKind

    from .reports import files

    settings.ANTIVIRUS_URL = "tcp://127.0.0.1:9"  # nothing listens there
    (stored,), _refused = files_services.attachments_add(
        uploads=[files.upload("ticket.pdf", files.pdf())], origin=ActorKind.CONSUMER, already=0
    )
    report = file_report_for(client)
    Attachment.objects.filter(pk=stored.pk).update(report=report)
    stored.refresh_from_db()
    assert stored.scan_state == "pending"
    client.force_login(agent_user)
    assert client.get(reverse("attachment_download", args=[stored.uid])).status_code == 404


def file_report_for(client) -> Report:
    file_report(client, siret=CompanyFactory().siret)
    return Report.objects.latest("pk")
