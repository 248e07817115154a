"""Files in the wizard, on the filed report, and their downloads: kept when
something else is refused, never served before the antivirus says clean,
never served outside the reader's scope."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Role
from reports.files import services
from reports.files.checks import AttachmentRefused, prepare
from reports.files.uploads import TooLargeUpload
from reports.models import Attachment, Report, ScanState
from reports.wizard.links import follow_up_token
from signalconso.audit import ActorKind, Event

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory
from . import files
from .test_wizard import YESTERDAY, choose, fill_consumer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "verified_addresses")]

DETAILS = {"occurred_on": YESTERDAY, "description": "Le produit est arrivé cassé."}


@pytest.fixture
def at_details(client):
    company = CompanyFactory()
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": company.siret})
    return client


def post_details(client, uploads=(), **extra):
    return client.post(reverse("reports:details"), {**DETAILS, "files": list(uploads), **extra})


def test_good_files_are_kept_when_another_is_refused_and_nothing_typed_is_lost(at_details):
    response = post_details(
        at_details,
        [
            files.upload("ticket.jpg", files.image("JPEG")),
            files.upload("virus.jpg", files.exe()),
            files.upload("vide.pdf", b""),
        ],
        description="Le ticket est joint.",
    )
    assert response.status_code == 400
    assertContains(response, "« virus.jpg » n’est pas d’un type accepté", status_code=400)
    assertContains(response, "« vide.pdf » est vide.", status_code=400)
    assertContains(response, "Le ticket est joint.", status_code=400)
    # The error is tied to the file input, which stays labelled.
    assertContains(response, 'aria-describedby="id_files_helptext id_files-error"', status_code=400)
    assertContains(response, 'id="id_files-error"', status_code=400)
    # The good file is stored, listed with its remove button, and pending its scan.
    (stored,) = Attachment.objects.all()
    assert stored.name == "ticket.jpg" and stored.scan_state == ScanState.PENDING
    assert stored.report is None and stored.origin == ActorKind.CONSUMER
    assertContains(response, f'name="remove" value="{stored.uid}"', status_code=400)
    # Stored under a path of ids only.
    assert stored.file.name.endswith(f"/{stored.uid}.jpg")
    assert "ticket" not in stored.file.name

    response = post_details(at_details)
    assertRedirects(response, reverse("reports:consumer"), fetch_redirect_response=False)


def test_a_thirteenth_file_is_refused_and_the_twelve_kept(at_details, settings):
    settings.ATTACHMENT_MAX_COUNT = 12
    uploads = [files.upload(f"photo-{n}.png", files.image("PNG")) for n in range(10)]
    post_details(at_details, uploads)
    more = [files.upload(f"plus-{n}.png", files.image("PNG")) for n in range(3)]
    response = post_details(at_details, more)
    assertContains(
        response,
        "« plus-2.png » n’a pas été ajouté : 12 fichiers au plus. Retirez-en un pour en ajouter un autre.",
        status_code=400,
    )
    assert Attachment.objects.count() == 12


def test_a_file_too_large_is_refused_at_the_field(at_details, settings):
    settings.ATTACHMENT_MAX_SIZE = 1000
    response = post_details(at_details, [files.upload("gros.pdf", files.pdf() + b"0" * 2000)])
    assertContains(response, "« gros.pdf » pèse", status_code=400)
    assert not Attachment.objects.exists()


def test_removing_a_file_keeps_what_was_typed_without_judging_it(at_details, django_capture_on_commit_callbacks):
    post_details(at_details, [files.upload("a.pdf", files.pdf()), files.upload("b.pdf", files.pdf())])
    first = Attachment.objects.get(name="a.pdf")
    path = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = at_details.post(
            reverse("reports:details"),
            {"occurred_on": "", "description": "Pas fini", "remove": str(first.uid)},
        )
    assert response.status_code == 200
    assertContains(response, "« a.pdf » est retiré.")
    assertContains(response, "Pas fini")
    assertNotContains(response, "Ce champ est obligatoire")
    assert list(Attachment.objects.values_list("name", flat=True)) == ["b.pdf"]
    assert not default_storage.exists(path)


def test_a_file_of_another_draft_cannot_be_removed(at_details):
    post_details(at_details, [files.upload("a.pdf", files.pdf())])
    other = services.attachments_add(
        uploads=[files.upload("autre.pdf", files.pdf())], origin=ActorKind.CONSUMER, already=0
    )[0][0]
    at_details.post(reverse("reports:details"), {**DETAILS, "remove": str(other.uid)})
    assert Attachment.objects.filter(pk=other.pk).exists()


def test_the_filed_report_carries_its_files_and_the_follow_up_serves_clean_ones(at_details):
    post_details(at_details, [files.upload("a.pdf", files.pdf()), files.upload("b.png", files.image("PNG"))])
    fill_consumer(at_details, share_identity="no")
    response = at_details.get(reverse("reports:confirmation"))
    assertContains(response, "a.pdf")
    at_details.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert report.attachments.count() == 2
    assert Event.objects.get(action="report_submitted").details["files"] == 2

    a, b = report.attachments.order_by("name")
    Attachment.objects.filter(pk=a.pk).update(scan_state=ScanState.CLEAN)
    token = follow_up_token(report)
    page = at_details.get(reverse("reports:follow_up", args=[token]))
    assertContains(page, reverse("reports:follow_up_attachment", args=[token, a.uid]))
    assertNotContains(page, reverse("reports:follow_up_attachment", args=[token, b.uid]))
    assertContains(page, "en cours d’analyse")

    download = at_details.get(reverse("reports:follow_up_attachment", args=[token, a.uid]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="a.pdf"'
    assert b"".join(download.streaming_content) == files.pdf()
    pending = at_details.get(reverse("reports:follow_up_attachment", args=[token, b.uid]))
    assert pending.status_code == 404


@pytest.fixture
def report_with_files():
    report = _report()
    clean, pending = services.attachments_add(
        uploads=[
            files.upload("preuve.pdf", files.pdf()),
            files.upload("photo.png", files.image("PNG")),
        ],
        origin=ActorKind.CONSUMER,
        already=0,
    )[0]
    Attachment.objects.filter(pk=clean.pk).update(scan_state=ScanState.CLEAN)
    Attachment.objects.filter(pk__in=[clean.pk, pending.pk]).update(report=report)
    return report, clean, pending


def _report(**fields):
    from reports.models import Category

    return Report.objects.create(
        reference=f"SC-26-{Report.objects.count():06d}",
        status="NA",
        category=Category.objects.filter(children=None).first(),
        occurred_on=timezone.localdate(),
        description="…",
        first_name="Paule",
        last_name="Durand",
        email="paule@example.fr",
        **fields,
    )


def download(client, attachment):
    return client.get(reverse("attachment_download", args=[attachment.uid]))


def test_anonymous_users_are_sent_to_log_in(client, report_with_files):
    _, clean, _ = report_with_files
    response = download(client, clean)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN, Role.READONLY_ADMIN])
def test_administration_staff_download_clean_files_only(client, report_with_files, role):
    _, clean, pending = report_with_files
    client.force_login(UserFactory(role=role))
    response = download(client, clean)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="preuve.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert download(client, pending).status_code == 404


def test_a_company_user_without_access_to_the_report_gets_404(client, report_with_files, pro_user):
    _, clean, _ = report_with_files
    client.force_login(pro_user)
    assert download(client, clean).status_code == 404


def test_a_food_safety_agent_sees_only_food_reports(client, report_with_files):
    from reports.models import Tag

    report, clean, _ = report_with_files
    client.force_login(UserFactory(role=Role.FOOD_SAFETY_AGENT))
    assert download(client, clean).status_code == 404
    report.tags.add(Tag.objects.get(slug="alimentation"))
    assert download(client, clean).status_code == 200


def test_a_draft_file_is_served_to_nobody(client, admin_user):
    (draft_file,), _ = services.attachments_add(
        uploads=[files.upload("x.pdf", files.pdf())], origin=ActorKind.CONSUMER, already=0
    )
    Attachment.objects.filter(pk=draft_file.pk).update(scan_state=ScanState.CLEAN)
    client.force_login(admin_user)
    assert download(client, draft_file).status_code == 404


def test_a_name_with_quotes_and_accents_gets_a_safe_content_disposition(client, agent_user):
    report = _report()
    (attachment,), _ = services.attachments_add(
        uploads=[files.upload('re"çu\r\n.pdf', files.pdf())], origin=ActorKind.CONSUMER, already=0
    )
    Attachment.objects.filter(pk=attachment.pk).update(scan_state=ScanState.CLEAN, report=report)
    client.force_login(agent_user)
    response = download(client, attachment)
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''re%22%C3%A7u.pdf"


def test_the_admin_lists_a_report_s_files(client, admin_user, report_with_files):
    report, clean, pending = report_with_files
    client.force_login(admin_user)
    page = client.get(reverse("admin:reports_report_change", args=[report.pk]))
    assertContains(page, reverse("attachment_download", args=[clean.uid]))
    assertNotContains(page, reverse("attachment_download", args=[pending.uid]))
    assert client.get(reverse("admin:reports_attachment_changelist")).status_code == 200


def test_orphans_are_purged_after_seven_days_and_filed_files_kept(report_with_files, settings):
    settings.ATTACHMENT_ORPHAN_DAYS = 7
    (orphan,), _ = services.attachments_add(
        uploads=[files.upload("oubli.pdf", files.pdf())], origin=ActorKind.CONSUMER, already=0
    )
    path = orphan.file.name
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert services.attachments_purge_orphans() == 0
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert services.attachments_purge_orphans() == 1
        assert services.attachments_purge_orphans() == 0
    assert not Attachment.objects.filter(pk=orphan.pk).exists()
    assert not default_storage.exists(path)
    assert Attachment.objects.count() == 2


def test_a_storage_failure_keeps_the_orphan_for_the_next_purge(monkeypatch):
    (orphan,), _ = services.attachments_add(
        uploads=[files.upload("oubli.pdf", files.pdf())], origin=ActorKind.CONSUMER, already=0
    )

    def down(name):
        raise OSError("storage down")

    monkeypatch.setattr(FileSystemStorage, "delete", down)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert services.attachments_purge_orphans() == 0
    assert Attachment.objects.filter(pk=orphan.pk).exists()


def test_a_storage_failure_at_upload_says_so_and_keeps_the_rest(at_details, monkeypatch):
    def down(*args, **kwargs):
        raise OSError("storage down")

    monkeypatch.setattr(FileSystemStorage, "save", down)
    response = post_details(at_details, [files.upload("a.pdf", files.pdf())], description="Gardé")
    assertContains(response, "« a.pdf » n’a pas pu être enregistré", status_code=400)
    assertContains(response, "Gardé", status_code=400)
    assert not Attachment.objects.exists()


def test_a_file_too_large_is_dropped_as_it_arrives(settings, rf):
    """The request is read with no more than the limit kept of any file."""
    settings.ATTACHMENT_MAX_SIZE = 1024 * 1024
    small = files.upload("facture.pdf", files.pdf() + b"0" * 1000)
    large = files.upload("film.pdf", files.pdf() + b"0" * (3 * 1024 * 1024))
    request = rf.post("/signaler/details/", {"files": [small, large]})
    received = {upload.name: upload for upload in request.FILES.getlist("files")}
    assert received["facture.pdf"].read().startswith(b"%PDF-1.4")
    too_large = received["film.pdf"]
    assert isinstance(too_large, TooLargeUpload)
    assert too_large.size > 3 * 1024 * 1024 and too_large.read() == b""
    with pytest.raises(AttachmentRefused) as refusal:
        prepare(too_large)
    assert refusal.value.message == "« film.pdf » pèse 3,0\xa0Mio : la limite est de 1,0\xa0Mio par fichier."


def test_a_request_larger_than_any_form_sends_is_refused_unread(at_details, settings):
    settings.ATTACHMENT_MAX_SIZE = 1024
    settings.ATTACHMENT_MAX_COUNT = 2
    response = post_details(at_details, [files.upload("film.pdf", files.pdf() + b"0" * 10_000)])
    assert response.status_code == 400
    assert not Attachment.objects.exists()
