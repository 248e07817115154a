"""Storing, scanning and purging the files sent with reports. A file is
checked by content before it is stored (checks.py), scanned by clamd after
(antivirus.py), and served only once clean."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.files import antivirus
from reports.files.checks import AttachmentRefused, display_name, prepare, stored_files_delete
from reports.models import (
    Attachment,
    ScanState,
)
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.background import start_task
from signalconso.locks import job_lock


def attachments_add(*, uploads, origin: str, already: int, user=None) -> tuple[list[Attachment], list[str]]:
    """Stores each acceptable upload, up to ATTACHMENT_MAX_COUNT with the
    `already` attached. Returns those stored, and one message per file
    refused: a bad file never costs the good ones."""
    stored: list[Attachment] = []
    errors: list[str] = []
    limit = settings.ATTACHMENT_MAX_COUNT
    for upload in uploads:
        if already + len(stored) >= limit:
            errors.append(
                _(
                    "« %(name)s » n’a pas été ajouté : %(max)s fichiers au plus. Retirez-en un "
                    "pour en ajouter un autre."
                )
                % {"name": display_name(getattr(upload, "name", "")) or _("sans nom"), "max": limit}
            )
            continue
        try:
            prepared = prepare(upload)
        except AttachmentRefused as refusal:
            errors.append(refusal.message)
            continue
        try:
            stored.append(_attachment_store(prepared, origin=origin, user=user))
        except Exception:
            logger.exception("could not store an attachment")
            errors.append(
                _(
                    "« %(name)s » n’a pas pu être enregistré à cause d’une panne de notre côté. "
                    "Envoyez-le de nouveau dans quelques minutes."
                )
                % {"name": prepared.name}
            )
    return stored, errors


@transaction.atomic
def _attachment_store(prepared, *, origin: str, user) -> Attachment:
    attachment = Attachment(
        origin=origin,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        name=prepared.name,
        extension=prepared.kind.extensions[0],
        content_type=prepared.kind.content_type,
        size=prepared.size,
    )
    attachment.file.save("upload", prepared.content, save=False)
    attachment.save()
    start_task("reports.tasks.scan_attachment", attachment.pk)
    return attachment


def attachment_discard(*, attachment: Attachment) -> None:
    """Removes a file that belongs to no report yet (the sender took it back)."""
    if attachment.report_id is not None:
        raise ValueError("a filed report's attachment is not discarded this way")
    name = attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: stored_files_delete([name]))


class AttachmentUnreadable(Exception):
    """The stored file could not be read (storage down, file missing)."""


logger = logging.getLogger(__name__)


def attachment_scan(*, attachment_id: int) -> str | None:
    """Has clamd look at a pending file. A clean file becomes servable; an
    infected one is deleted from the storage and leaves an event. Raises
    AntivirusUnavailable when clamd gives no verdict, AttachmentUnreadable
    when the storage fails: the file stays pending and the periodic rescan
    tries again. Scanning twice does nothing more."""
    attachment = (
        Attachment.objects.select_related("report").filter(pk=attachment_id, scan_state=ScanState.PENDING).first()
    )
    if attachment is None:
        return None
    if not settings.ANTIVIRUS_URL and settings.DEBUG:
        logger.warning("no ANTIVIRUS_URL: %s accepted unscanned (DEBUG only)", attachment.uid)
        verdict = antivirus.Verdict(infected=False)
    else:
        try:
            with attachment.file.open("rb") as stream:
                verdict = antivirus.scan(stream)
        except antivirus.AntivirusUnavailable:
            raise
        except Exception as error:  # the storage is down, or the file is missing
            raise AttachmentUnreadable(attachment.file.name) from error
    now = timezone.now()
    pending = Attachment.objects.filter(pk=attachment.pk, scan_state=ScanState.PENDING)
    if not verdict.infected:
        pending.update(scan_state=ScanState.CLEAN, scanned_at=now)
        return ScanState.CLEAN
    # Delete first: should the storage fail, the file stays pending, never served.
    default_storage.delete(attachment.file.name)
    with transaction.atomic():
        if pending.update(
            scan_state=ScanState.INFECTED,
            scanned_at=now,
            signature=verdict.signature[:200],
            file="",
        ):
            report = attachment.report
            record_event(
                EventKind.ATTACHMENT_INFECTED,
                actor=ActorKind.SYSTEM,
                report=report,
                details={
                    "attachment": str(attachment.uid),
                    "name": attachment.name,
                    "signature": verdict.signature,
                },
            )
    logger.warning("attachment %s infected (%s): deleted", attachment.uid, verdict.signature)
    return ScanState.INFECTED


RESCAN_GRACE = timedelta(minutes=2)


RESCAN_BATCH = 1000


def attachments_rescan_pending() -> int:
    """Scans the files still pending (clamd or the broker was down when they
    came). Returns how many got a verdict."""
    with job_lock("rescan-pending-attachments") as taken:
        if not taken:
            return 0
        ids = list(
            Attachment.objects.filter(scan_state=ScanState.PENDING, created_at__lte=timezone.now() - RESCAN_GRACE)
            .order_by("created_at")
            .values_list("pk", flat=True)[:RESCAN_BATCH]
        )
        done = 0
        for pk in ids:
            try:
                attachment_scan(attachment_id=pk)
            except antivirus.AntivirusUnavailable as error:
                logger.warning("rescan stopped, clamd gives no verdict: %s", error)
                break
            except AttachmentUnreadable:
                logger.exception("rescan skipped attachment %s", pk)
                continue
            done += 1
        return done


PURGE_BATCH = 500


def attachments_purge_orphans() -> int:
    """Deletes the uploads never attached to a filed report, once they are
    ATTACHMENT_ORPHAN_DAYS old. Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=settings.ATTACHMENT_ORPHAN_DAYS)
    deleted = 0
    failed: list[int] = []
    with job_lock("purge-orphan-attachments") as taken:
        if not taken:
            return 0
        while True:
            batch = list(
                Attachment.objects.filter(report__isnull=True, created_at__lt=cutoff)
                .exclude(pk__in=failed)
                .order_by("created_at")
                .values_list("pk", "file")[:PURGE_BATCH]
            )
            if not batch:
                return deleted
            gone = []
            for pk, name in batch:
                try:
                    if name:
                        default_storage.delete(name)
                except Exception:
                    logger.exception("could not delete %s; kept for the next purge", name)
                    failed.append(pk)
                    continue
                gone.append(pk)
            deleted += Attachment.objects.filter(pk__in=gone, report__isnull=True).delete()[0]
