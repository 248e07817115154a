"""A consumer's report, and the company's answer and the consumer's review of
it. Who may read a report is decided here, by Report.objects.visible_to."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from companies.models import Company, CompanyAccess
from reports.models.categories import Category, Tag


class ReportStatus(models.TextChoices):
    """A report's status: the stored codes are the administration's own
    vocabulary (its exports and statistics use them); the names say what
    they mean. Only reports/lifecycle.py changes them."""

    NOT_SENT = "NA", _("Non transmis à l’entreprise")
    SENT = "TraitementEnCours", _("Transmis, pas encore lu")
    READ = "Transmis", _("Lu par l’entreprise")
    PROMISED = "PromesseAction", _("L’entreprise s’engage à agir")
    REJECTED = "Infonde", _("L’entreprise estime le signalement infondé")
    NOT_CONCERNED = "MalAttribue", _("L’entreprise n’est pas concernée")
    CLOSED_UNREAD = "NonConsulte", _("Clos sans lecture")
    CLOSED_UNANSWERED = "ConsulteIgnore", _("Clos sans réponse")
    ANONYMISED = "SuppressionRGPD", _("Anonymisé")


# Food-safety agents see the reports carrying one of these tags (food
# poisoning is filed under both).
FOOD_SAFETY_TAGS = ("alimentation", "hygiene")


def reachable_companies(user) -> list[int]:
    """The companies a professional's accesses reach: each one, and for a head
    office every establishment of its SIREN."""
    accesses = list(
        CompanyAccess.objects.filter(user=user).values_list("company_id", "company__siren", "company__is_head_office")
    )
    if not accesses:
        return []
    # Lists of values, not subqueries: an OR of subqueries made the planner
    # read the whole register (a million rows, 200 ms); this reads two indexes.
    reach = models.Q(pk__in=[pk for pk, _siren, _head in accesses]) | models.Q(
        siren__in=[siren for _pk, siren, head in accesses if head]
    )
    return list(Company.objects.filter(reach).values_list("pk", flat=True))


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReportQuerySet":
        """The reports this user may read: all for the administration's staff
        (food-safety agents: food and hygiene only); for a professional, those
        sent to the companies they have access to (a head office's access
        covers every establishment of its SIREN)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.PRO:
            # The companies' ids first, then the reports by those ids: one list
            # the planner reads straight off the (company, created_at) index,
            # where an OR of subqueries made it read a large company's every report.
            # Sent to the company: it has a deadline (NA reports never do, even
            # once anonymised).
            return self.filter(company_id__in=reachable_companies(user), expires_at__isnull=False)
        if user.role in (Role.AGENT, Role.ADMIN, Role.READONLY_ADMIN):
            return self.all()
        if user.role == Role.FOOD_SAFETY_AGENT:
            tagged = Report.tags.through.objects.filter(
                report_id=models.OuterRef("pk"), tag__slug__in=FOOD_SAFETY_TAGS
            )
            return self.filter(models.Exists(tagged))
        return self.none()


class Report(models.Model):
    """A consumer's report, with a snapshot of what they saw when filing it:
    the category path and the company's name and address stay as they were."""

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True, db_index=True)
    language = models.CharField(_("langue"), max_length=5, default="fr")
    status = models.CharField(_("statut"), max_length=20, choices=ReportStatus.choices)
    expires_at = models.DateTimeField(_("échéance"), null=True, blank=True)

    category = models.ForeignKey(Category, verbose_name=_("catégorie"), on_delete=models.PROTECT)
    category_path = models.JSONField(_("chemin de la catégorie"), default=list)
    tags = models.ManyToManyField(Tag, verbose_name=_("mots-clés"), blank=True)
    question_only = models.BooleanField(_("simple question"), default=False)

    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("entreprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    company_name = models.CharField(_("nom de l’entreprise"), max_length=255, blank=True)
    company_address = models.JSONField(_("adresse de l’entreprise"), default=list, blank=True)
    company_siret = models.CharField("SIRET", max_length=14, blank=True)
    company_country = models.CharField(_("pays de l’entreprise"), max_length=100, blank=True)
    website = models.ForeignKey(
        "companies.Website",
        verbose_name=_("site internet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    phone = models.CharField(_("téléphone signalé"), max_length=20, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=10, blank=True, help_text=_("De l’entreprise ou du lieu.")
    )
    department = models.CharField(_("département"), max_length=3, blank=True, db_index=True)

    occurred_on = models.DateField(_("date des faits"))
    description = models.TextField(_("description"))
    answers = models.JSONField(
        _("réponses aux questions"),
        default=list,
        blank=True,
        help_text=_("Liste de {slug, question, answer} telle que vue par le consommateur."),
    )

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("adresse électronique"))
    consumer_phone = models.CharField(_("téléphone du consommateur"), max_length=20, blank=True)
    consumer_reference = models.CharField(_("référence du consommateur"), max_length=100, blank=True)
    share_identity = models.BooleanField(_("identité transmise à l’entreprise"), default=False)
    survey_consent = models.BooleanField(_("accepte d’être recontacté"), default=False)

    # The life of the report; lifecycle.py writes these.
    read_at = models.DateTimeField(_("lu par l’entreprise le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    reminded_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)
    # More than NEW_REPORT_ALERTS_PER_HOUR for one company: the alert waits
    # for the company's digest.
    alert_deferred = models.BooleanField(_("alerte différée"), default=False)
    reattributed_from = models.OneToOneField(
        "self",
        verbose_name=_("réattribué depuis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reattributed_to",
    )

    # French full-text vector of the company's name, the description and the
    # company's answer; kept up to date by reports/search.py (PostgreSQL).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        indexes = [
            models.Index(fields=["email", "created_at"], name="report_email_created"),
            models.Index(fields=["company", "created_at"], name="report_company_created"),
            # The daily jobs look only at reports still waiting for the company.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status__in=[ReportStatus.SENT, ReportStatus.READ]),
                name="report_open_expiry",
            ),
            models.Index(fields=["company"], condition=models.Q(alert_deferred=True), name="report_deferred"),
            # The agents' search by a phone number or a site, newest first: read in order.
            models.Index(fields=["phone", "created_at"], condition=~models.Q(phone=""), name="report_phone_created"),
            models.Index(
                fields=["website", "created_at"],
                condition=models.Q(website__isnull=False),
                name="report_website_created",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        # The full-text vector is written by SQL only (reports/search.py): a
        # save of a row read earlier must not put its stale copy back.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "search_vector"
            ]
        super().save(*args, **kwargs)


class ResponseKind(models.TextChoices):
    ACCEPTED = "accepted", _("Pris en compte : l’entreprise s’engage à agir")
    REJECTED = "rejected", _("Infondé : l’entreprise conteste le signalement")
    NOT_CONCERNED = "not_concerned", _("Mal attribué : l’entreprise n’est pas concernée")


# Each kind of answer has its own reasons; "autre" asks for the message alone.
RESPONSE_REASONS = {
    ResponseKind.ACCEPTED: [
        ("remboursement", _("Remboursement ou avoir")),
        ("echange", _("Échange, réparation ou nouvelle livraison")),
        ("geste", _("Geste commercial")),
        ("correction", _("Correction de la pratique signalée")),
        ("personnel", _("Rappel des règles au personnel")),
        ("autre", _("Autre action")),
    ],
    ResponseKind.REJECTED: [
        ("conforme", _("La pratique signalée respecte la réglementation")),
        ("inexact", _("Les faits décrits sont inexacts")),
        ("regle", _("Le litige est déjà réglé avec le consommateur")),
        ("autre", _("Autre raison")),
    ],
    ResponseKind.NOT_CONCERNED: [
        ("autre-etablissement", _("Il s’agit d’un autre de nos établissements")),
        ("autre-entreprise", _("Il s’agit d’une autre entreprise")),
        ("plus-active", _("Nous n’exerçons plus cette activité à cette adresse")),
        ("autre", _("Autre raison")),
    ],
}

# An accepted answer is an engagement the consumer is asked about later.
ENGAGEMENT_DELAY_DAYS = 21


class Response(models.Model):
    """The company's answer to a report: written once, never changed."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="response")
    kind = models.CharField(_("réponse"), max_length=20, choices=ResponseKind.choices)
    reason = models.CharField(_("motif"), max_length=40)
    message = models.TextField(_("message au consommateur"))
    private_note = models.TextField(_("note à l’administration"), blank=True)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("répondu le"), auto_now_add=True)
    engagement_due_at = models.DateTimeField(_("engagement à tenir le"), null=True, blank=True)
    engagement_honoured_at = models.DateTimeField(_("engagement tenu le"), null=True, blank=True)
    engagement_review_requested_at = models.DateTimeField(_("avis sur l’engagement demandé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("réponse de l’entreprise")
        verbose_name_plural = _("réponses des entreprises")
        indexes = [
            models.Index(
                fields=["engagement_due_at"],
                condition=models.Q(engagement_review_requested_at__isnull=True),
                name="response_engagement_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} : {self.get_kind_display()}"

    @property
    def reason_label(self) -> str:
        return str(dict(RESPONSE_REASONS.get(self.kind, [])).get(self.reason, self.reason))


class ReviewAbout(models.TextChoices):
    ANSWER = "answer", _("la réponse")
    ENGAGEMENT = "engagement", _("l’engagement")


class Rating(models.TextChoices):
    POSITIVE = "positive", _("Satisfait")
    NEUTRAL = "neutral", _("Mitigé")
    NEGATIVE = "negative", _("Pas satisfait")


class Review(models.Model):
    """The consumer's opinion of the answer, or of the engagement kept or not:
    given once. The company sees the rating, never the comment."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reviews")
    about = models.CharField(_("sur"), max_length=12, choices=ReviewAbout.choices)
    rating = models.CharField(_("avis"), max_length=10, choices=Rating.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("donné le"), auto_now_add=True)

    class Meta:
        verbose_name = _("avis du consommateur")
        verbose_name_plural = _("avis des consommateurs")
        constraints = [models.UniqueConstraint(fields=["report", "about"], name="review_once_per_subject")]

    def __str__(self) -> str:
        return f"{self.report} : {self.get_rating_display()}"


# --- The agents' work on reports --------------------------------------------------------
