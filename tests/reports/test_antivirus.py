"""Every upload goes through a real ClamAV daemon before anybody may read it.

The daemon runs with a one-line signature database recognising the EICAR
test file (see tests/conftest.py); CI installs Debian's clamav-daemon.
"""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports.files import antivirus, services
from reports.models import Attachment, ScanState
from signalconso.audit import ActorKind, Event

from . import files

pytestmark = pytest.mark.django_db


def add(*uploads):
    stored, refused = services.attachments_add(uploads=list(uploads), origin=ActorKind.CONSUMER, already=0)
    assert not refused
    return stored


def test_clamd_flags_eicar_and_passes_a_clean_file(clamd_url):
    assert antivirus.scan(io.BytesIO(files.EICAR), clamd_url).infected
    verdict = antivirus.scan(io.BytesIO(files.EICAR), clamd_url)
    assert verdict.signature.startswith("Eicar-Test-Signature")
    assert not antivirus.scan(io.BytesIO(files.pdf()), clamd_url).infected


def test_an_infected_upload_is_deleted_leaves_an_event_and_is_never_served(
    client, clamd_url, settings, django_capture_on_commit_callbacks, admin_user
):
    settings.ANTIVIRUS_URL = clamd_url
    from reports.models import Category, Report

    report = Report.objects.create(
        reference="SC-26-EICAR1",
        status="NA",
        category=Category.objects.create(slug="c", title_fr="C"),
        occurred_on=timezone.localdate(),
        description="…",
        first_name="P",
        last_name="D",
        email="p@example.fr",
    )
    with django_capture_on_commit_callbacks(execute=True):
        infected, clean = add(
            files.upload("contrat.docx", files.docx({"word/media/eicar.com": files.EICAR})),
            files.upload("facture.pdf", files.pdf()),
        )
    Attachment.objects.filter(pk__in=[infected.pk, clean.pk]).update(report=report)
    path = infected.file.name
    infected.refresh_from_db()
    clean.refresh_from_db()
    assert infected.scan_state == ScanState.INFECTED
    assert infected.signature.startswith("Eicar-Test-Signature")
    assert infected.file.name == ""
    assert not default_storage.exists(path)
    assert clean.scan_state == ScanState.CLEAN
    event = Event.objects.get(action="attachment_infected")
    assert event.details["name"] == "contrat.docx"
    assert event.actor == ActorKind.SYSTEM

    client.force_login(admin_user)
    assert client.get(reverse("attachment_download", args=[infected.uid])).status_code == 404
    assert client.get(reverse("attachment_download", args=[clean.uid])).status_code == 200


def test_a_file_scanned_after_its_report_was_filed_leaves_the_event_on_the_report(clamd_url, settings):
    settings.ANTIVIRUS_URL = clamd_url
    from reports.models import Category, Report

    report = Report.objects.create(
        reference="SC-26-EICAR2",
        status="NA",
        category=Category.objects.create(slug="c", title_fr="C"),
        occurred_on=timezone.localdate(),
        description="…",
        first_name="P",
        last_name="D",
        email="p@example.fr",
    )
    (infected,) = add(files.upload("x.docx", files.docx({"eicar.com": files.EICAR})))
    Attachment.objects.filter(pk=infected.pk).update(report=report)
    assert services.attachment_scan(attachment_id=infected.pk) == ScanState.INFECTED
    assert report.events.filter(action="attachment_infected").exists()
    # Scanning again changes nothing and writes no second event.
    assert services.attachment_scan(attachment_id=infected.pk) is None
    assert Event.objects.filter(action="attachment_infected").count() == 1


def test_when_clamd_is_down_uploads_stay_pending_and_the_rescan_catches_up(
    clamd_url, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.ANTIVIRUS_URL = f"unix://{tmp_path / 'nobody-listens.sock'}"
    with django_capture_on_commit_callbacks(execute=True):
        (pending,) = add(files.upload("facture.pdf", files.pdf()))
    pending.refresh_from_db()
    assert pending.scan_state == ScanState.PENDING

    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert services.attachments_rescan_pending() == 0  # still down
        settings.ANTIVIRUS_URL = clamd_url
        assert services.attachments_rescan_pending() == 1
    pending.refresh_from_db()
    assert pending.scan_state == ScanState.CLEAN


def test_without_an_antivirus_files_stay_pending_except_on_a_debug_server(settings):
    settings.ANTIVIRUS_URL = ""
    (attachment,) = add(files.upload("facture.pdf", files.pdf()))
    with pytest.raises(antivirus.AntivirusUnavailable):
        services.attachment_scan(attachment_id=attachment.pk)
    settings.DEBUG = True
    assert services.attachment_scan(attachment_id=attachment.pk) == ScanState.CLEAN


def test_a_missing_stored_file_is_skipped_and_the_others_scanned(clamd_url, settings):
    settings.ANTIVIRUS_URL = clamd_url
    lost, kept = add(files.upload("a.pdf", files.pdf()), files.upload("b.pdf", files.pdf()))
    default_storage.delete(lost.file.name)
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert services.attachments_rescan_pending() == 1
    assert Attachment.objects.get(pk=lost.pk).scan_state == ScanState.PENDING
    assert Attachment.objects.get(pk=kept.pk).scan_state == ScanState.CLEAN


@pytest.mark.parametrize(
    ("reply", "infected", "signature"),
    [
        ("stream: OK", False, ""),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", True, "Win.Test.EICAR_HDB-1"),
    ],
)
def test_clamd_replies(reply, infected, signature):
    assert antivirus.parse_reply(reply) == antivirus.Verdict(infected, signature)


def test_a_clamd_error_is_no_verdict():
    with pytest.raises(antivirus.AntivirusUnavailable):
        antivirus.parse_reply("INSTREAM size limit exceeded. ERROR")


def test_an_unknown_address_scheme_is_refused(settings):
    with pytest.raises(antivirus.AntivirusUnavailable):
        antivirus.scan(io.BytesIO(b"x"), "http://clamav:3310")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_rescans_never_run_at_once(settings):
    import psycopg

    from signalconso.locks import _key

    settings.ANTIVIRUS_URL = ""
    add(files.upload("a.pdf", files.pdf()))  # pending: no antivirus
    settings.DEBUG = True  # from now on, files pass unscanned
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with (
        psycopg.connect(**params) as other,
        time_machine.travel(timezone.now() + timedelta(minutes=10)),
    ):
        other.execute("SELECT pg_advisory_lock(%s)", [_key("rescan-pending-attachments")])
        assert services.attachments_rescan_pending() == 0
        other.execute("SELECT pg_advisory_unlock_all()")
        assert services.attachments_rescan_pending() == 1
