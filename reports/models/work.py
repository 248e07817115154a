"""The agents' work on reports: comments, inspections, bookmarks, the
authorities reports are forwarded to, saved searches and exports."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Report


class Comment(models.Model):
    """An agent's note on a report, read by the administration only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True)

    class Meta:
        verbose_name = _("commentaire d’agent")
        verbose_name_plural = _("commentaires d’agents")

    def __str__(self) -> str:
        return f"{self.report} — {self.created_at:%Y-%m-%d}"


class InspectionOutcome(models.TextChoices):
    COMPLIANT = "compliant", _("Conforme")
    WARNING = "warning", _("Avertissement")
    INJUNCTION = "injunction", _("Injonction de mise en conformité")
    FINE = "fine", _("Procès-verbal ou amende administrative")
    OTHER = "other", _("Autre suite")


class Inspection(models.Model):
    """An inspection of the company, recorded on the report that led to it.

    Superseded by inspections.Inspection (their migration 0002 moved these
    rows there): nothing writes it any more; its rows are kept, read only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="inspections")
    user = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    inspected_on = models.DateField(_("date du contrôle"))
    outcome = models.CharField(_("suite"), max_length=12, choices=InspectionOutcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("consigné le"), auto_now_add=True)

    class Meta:
        verbose_name = _("contrôle")
        verbose_name_plural = _("contrôles")

    def __str__(self) -> str:
        return f"{self.report} — {self.inspected_on}"


class Bookmark(models.Model):
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="bookmarks")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "report"], name="bookmark_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.report}"


class Authority(models.Model):
    """Another authority a report can be forwarded to (kept in the admin)."""

    name = models.CharField(_("nom"), max_length=200)
    url = models.URLField(_("site ou formulaire"), blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    is_active = models.BooleanField(_("proposée"), default=True)

    class Meta:
        verbose_name = _("autorité")
        verbose_name_plural = _("autorités")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SavedSearch(models.Model):
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("nom"), max_length=100)
    query = models.CharField(_("filtres"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recherche enregistrée")
        verbose_name_plural = _("recherches enregistrées")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExportKind(models.TextChoices):
    XLSX = "xlsx", _("tableur (XLSX)")
    PDF = "pdf", _("PDF")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("en préparation")
    BUILDING = "building", _("en cours de construction")
    DONE = "done", _("prêt")
    FAILED = "failed", _("échec")


def export_path(export: "Export", filename: str) -> str:
    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4()}.{export.kind}"


class Export(models.Model):
    """A file of reports built by a worker for one agent: kept 10 days."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("format"), max_length=4, choices=ExportKind.choices)
    query = models.CharField(_("filtres"), max_length=2000, blank=True)
    references = models.JSONField(_("signalements choisis"), default=list, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("signalements"), default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    # When a worker took it: one still building long after has lost its worker.
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("prêt le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
