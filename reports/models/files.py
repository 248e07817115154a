"""Files sent with a report, its answer or an agent's comment."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from reports.models.reports import Report
from signalconso.audit import ActorKind


class ScanState(models.TextChoices):
    PENDING = "pending", _("en cours d’analyse")
    CLEAN = "clean", _("sain")
    INFECTED = "infected", _("infecté, supprimé")


def attachment_path(attachment: "Attachment", filename: str) -> str:
    """Made of ids only: nothing the user typed reaches the storage."""
    return f"attachments/{timezone.now():%Y/%m}/{attachment.uid}.{attachment.extension}"


class AttachmentQuerySet(models.QuerySet):
    def servable(self) -> "AttachmentQuerySet":
        """Files the antivirus called clean: the only ones ever served."""
        return self.filter(scan_state=ScanState.CLEAN).exclude(file="")

    def visible_to(self, user) -> "AttachmentQuerySet":
        servable = self.servable().filter(report__in=Report.objects.visible_to(user))
        if user.role == Role.PRO:
            # Agents' files stay within the administration.
            return servable.exclude(origin=ActorKind.AGENT)
        return servable


class Attachment(models.Model):
    """A file sent by a consumer with a report, by a company with its answer,
    or by an agent with a comment.

    It belongs to no report until the report is filed; one left alone is
    purged after ATTACHMENT_ORPHAN_DAYS. Only a clean file is ever served.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    origin = models.CharField(_("envoyé par"), max_length=10, choices=ActorKind.choices)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        "Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=200, blank=True)
    name = models.CharField(_("nom affiché"), max_length=255)
    extension = models.CharField(_("extension"), max_length=10)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille"))
    scan_state = models.CharField(_("antivirus"), max_length=10, choices=ScanState.choices, default=ScanState.PENDING)
    scanned_at = models.DateTimeField(_("analysé le"), null=True, blank=True)
    signature = models.CharField(_("menace détectée"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(scan_state="pending"),
                name="attachment_pending",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(report__isnull=True),
                name="attachment_orphan",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_clean(self) -> bool:
        return self.scan_state == ScanState.CLEAN
