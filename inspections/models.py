"""Inspections: the administration's work on a company, prepared from its
reports, planned, assigned, carried out and concluded.

An inspection is about one establishment or, with `whole_siren`, about every
establishment of its SIREN. Its status changes only through
inspections/lifecycle.py. Nothing here is ever shown to the company or to the
consumers (investigations are confidential)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from reports.models import Report


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Terminé")
    CANCELLED = "cancelled", _("Annulé")


class InspectionOutcome(models.TextChoices):
    NO_BREACH = "no_breach", _("Pas de manquement")
    WARNING = "warning", _("Avertissement pédagogique")
    INJUNCTION = "injunction", _("Injonction de mise en conformité")
    FINE = "fine", _("Amende administrative")
    CRIMINAL = "criminal", _("Procès-verbal pénal")
    OTHER = "other", _("Autre suite")


class BreachKind(models.TextChoices):
    MISLEADING = "misleading", _("Pratique commerciale trompeuse")
    AGGRESSIVE = "aggressive", _("Pratique commerciale agressive, démarchage")
    INFORMATION = "information", _("Défaut d’information du consommateur, prix, étiquetage")
    UNFAIR_TERMS = "unfair_terms", _("Clauses abusives, contrat")
    DISTANCE_SELLING = "distance_selling", _("Vente à distance, droit de rétractation")
    PRODUCT_SAFETY = "product_safety", _("Sécurité des produits")
    FOOD_HYGIENE = "food_hygiene", _("Hygiène et sécurité des aliments")
    OTHER = "other", _("Autre manquement")


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InspectionQuerySet":
        """The inspections this user may read: every one for the staff, but a
        food-safety agent reads only those that link a food report. Nobody
        else reads any (the company and the consumers never do)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (Role.AGENT, Role.ADMIN, Role.READONLY_ADMIN):
            return self.all()
        if user.role == Role.FOOD_SAFETY_AGENT:
            food = Report.objects.visible_to(user).filter(linked_inspections=models.OuterRef("pk"))
            return self.filter(models.Exists(food))
        return self.none()


class Inspection(models.Model):
    company = models.ForeignKey(
        "companies.Company", verbose_name=_("entreprise"), on_delete=models.PROTECT, related_name="inspections"
    )
    whole_siren = models.BooleanField(_("toute l’entreprise (SIREN)"), default=False)
    reports = models.ManyToManyField(
        Report, verbose_name=_("signalements"), blank=True, related_name="linked_inspections"
    )
    department = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    agent = models.ForeignKey(
        "accounts.User",
        verbose_name=_("agent chargé du contrôle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections_in_charge",
    )
    others = models.ManyToManyField(
        "accounts.User", verbose_name=_("autres agents"), blank=True, related_name="inspections_involved"
    )
    planned_on = models.DateField(_("date prévue"))
    status = models.CharField(
        _("état"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    outcome = models.CharField(_("suite"), max_length=12, choices=InspectionOutcome.choices, blank=True)
    breach = models.CharField(_("manquement"), max_length=20, choices=BreachKind.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    concluded_on = models.DateField(_("conclu le"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("lancé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # The reports.Inspection row this one was made from (the data migration):
    # running the migration again makes nothing twice.
    migrated_from = models.PositiveIntegerField(null=True, blank=True, unique=True, editable=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contrôle")
        verbose_name_plural = _("contrôles")
        indexes = [
            models.Index(fields=["planned_on", "id"], name="inspection_planned"),
            models.Index(fields=["status", "planned_on"], name="inspection_status_planned"),
        ]

    def __str__(self) -> str:
        return f"{self.company} — {self.planned_on}"

    @property
    def is_open(self) -> bool:
        return self.status in (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)
