"""Reports and what they are filed under.

The category tree guides the consumer: each node has a title, maybe an
information page that stops the report and says where to go instead, the kind
of company to identify, its own detail questions, and tags. It is loaded from
reports/data/categories.yaml and can be edited in the admin.
"""

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from companies.models import CompanyAccess
from signalconso.audit import ActorKind


def localized(obj, field: str) -> str:
    """The English value of a `<field>_en` column when the page is in English
    and it is filled, else the French one."""
    if (get_language() or "fr").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_fr")


class CompanyKind(models.TextChoices):
    SIRET = "siret", _("Entreprise (nom, adresse ou SIRET)")
    WEBSITE = "website", _("Site internet")
    PHONE = "phone", _("Numéro de téléphone")
    PLACE = "place", _("Lieu (commune)")
    NONE = "none", _("Aucune")


class Tag(models.Model):
    slug = models.SlugField(unique=True)
    label_fr = models.CharField(_("libellé"), max_length=100)
    label_en = models.CharField(_("libellé en anglais"), max_length=100, blank=True)
    hidden_from_company = models.BooleanField(
        _("jamais transmis à l’entreprise"),
        default=False,
        help_text=_("Un signalement portant ce mot-clé n’est pas envoyé à l’entreprise."),
    )

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.label_fr

    @property
    def label(self) -> str:
        return localized(self, "label")


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def roots(self):
        return self.filter(parent__isnull=True)


class Category(models.Model):
    slug = models.SlugField(unique=True, max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("catégorie parente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title_fr = models.CharField(_("titre"), max_length=200)
    title_en = models.CharField(_("titre en anglais"), max_length=200, blank=True)
    description_fr = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description en anglais"), blank=True)
    company_kind = models.CharField(
        _("entreprise à identifier"),
        max_length=10,
        choices=CompanyKind.choices,
        default=CompanyKind.SIRET,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("mots-clés"), blank=True)
    allow_question_only = models.BooleanField(
        _("permet de poser une simple question"),
        default=False,
        help_text=_(
            "Le consommateur peut indiquer qu’il veut seulement poser une question : "
            "le signalement n’est alors jamais envoyé à l’entreprise."
        ),
    )
    info_title_fr = models.CharField(_("titre de la page d’information"), max_length=200, blank=True)
    info_title_en = models.CharField(_("titre de la page d’information en anglais"), max_length=200, blank=True)
    info_text_fr = models.TextField(
        _("texte de la page d’information"),
        blank=True,
        help_text=_("Rempli, il arrête le signalement et dit où s’adresser à la place."),
    )
    info_text_en = models.TextField(_("texte de la page d’information en anglais"), blank=True)
    info_links = models.JSONField(
        _("liens de la page d’information"),
        default=list,
        blank=True,
        help_text=_('Liste de {"label_fr": …, "label_en": …, "url": …}.'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    managed_by_file = models.BooleanField(
        _("suit le fichier categories.yaml"),
        default=False,
        help_text=_(
            "Coché, la catégorie est remise à jour par load_categories. Une modification "
            "faite ici la décoche : elle appartient alors à l’administration."
        ),
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title_fr

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def info_title(self) -> str:
        return localized(self, "info_title")

    @property
    def info_text(self) -> str:
        return localized(self, "info_text")

    @property
    def stops_the_report(self) -> bool:
        return bool(self.info_text_fr)

    def path(self) -> list["Category"]:
        """From the root to this node."""
        nodes, node = [], self
        while node is not None:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]

    def questions_on_path(self) -> list["DetailQuestion"]:
        """The questions of this node and of its ancestors, the root's first."""
        depth = {node.pk: index for index, node in enumerate(self.path())}
        questions = DetailQuestion.objects.filter(category_id__in=depth)
        return sorted(questions, key=lambda q: (depth[q.category_id], q.position, q.pk))

    def tags_on_path(self) -> list[Tag]:
        """The tags of this node and of its ancestors: a report carries them all."""
        return list(Tag.objects.filter(category__in=self.path()).distinct().order_by("slug"))


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Texte court")
    LONG_TEXT = "long_text", _("Texte long")
    DATE = "date", _("Date")
    PAST_DATE = "past_date", _("Date passée ou du jour")
    TIME_SLOT = "time_slot", _("Créneau horaire")
    SINGLE_CHOICE = "single_choice", _("Un choix parmi plusieurs")
    MULTIPLE_CHOICE = "multiple_choice", _("Plusieurs choix possibles")


class DetailQuestion(models.Model):
    """A question of its own that a category asks in the details step."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    label_fr = models.CharField(_("question"), max_length=300)
    label_en = models.CharField(_("question en anglais"), max_length=300, blank=True)
    help_fr = models.CharField(_("aide"), max_length=300, blank=True)
    help_en = models.CharField(_("aide en anglais"), max_length=300, blank=True)
    required = models.BooleanField(_("obligatoire"), default=True)
    choices = models.JSONField(
        _("choix"),
        default=list,
        blank=True,
        help_text=_('Pour les questions à choix : liste de {"value": …, "label_fr": …, "label_en": …}.'),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="question_slug_per_category"),
        ]

    def __str__(self) -> str:
        return self.label_fr

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def help(self) -> str:
        return localized(self, "help")


class ReportStatus(models.TextChoices):
    """The statuses of the administration's vocabulary; only
    reports/lifecycle.py decides them."""

    NA = "NA", _("Non transmis à l’entreprise")
    TRAITEMENT_EN_COURS = "TraitementEnCours", _("Transmis, pas encore lu")
    TRANSMIS = "Transmis", _("Lu par l’entreprise")
    PROMESSE_ACTION = "PromesseAction", _("L’entreprise s’engage à agir")
    INFONDE = "Infonde", _("L’entreprise estime le signalement infondé")
    MAL_ATTRIBUE = "MalAttribue", _("L’entreprise n’est pas concernée")
    NON_CONSULTE = "NonConsulte", _("Clos sans lecture")
    CONSULTE_IGNORE = "ConsulteIgnore", _("Clos sans réponse")
    SUPPRESSION_RGPD = "SuppressionRGPD", _("Anonymisé")


# Food-safety agents see the reports carrying one of these tags (food
# poisoning is filed under both).
FOOD_SAFETY_TAGS = ("alimentation", "hygiene")


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReportQuerySet":
        """The reports this user may read: all for the administration's staff
        (food-safety agents: food and hygiene only); for a professional, those
        sent to the companies they have access to (a head office's access
        covers every establishment of its SIREN)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.PRO:
            accesses = CompanyAccess.objects.filter(user=user)
            head_offices = accesses.filter(company__is_head_office=True)
            reach = models.Q(company_id__in=accesses.values("company_id")) | models.Q(
                company__siren__in=head_offices.values("company__siren")
            )
            # Sent to the company: it has a deadline (NA reports never do, even
            # once anonymised).
            return self.filter(reach, expires_at__isnull=False)
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
                condition=models.Q(status__in=["TraitementEnCours", "Transmis"]),
                name="report_open_expiry",
            ),
            models.Index(fields=["company"], condition=models.Q(alert_deferred=True), name="report_deferred"),
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


class BlockedEmail(models.Model):
    """An address whose reports are silently dropped (known abuse): its sender
    sees the usual success page and nothing is stored."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    reason = models.CharField(_("motif"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("adresse bloquée")
        verbose_name_plural = _("adresses bloquées")

    def __str__(self) -> str:
        return self.email


class EmailVerification(models.Model):
    """A consumer proving they read an address: a 6-digit code sent to it.

    Only a keyed hash of the code is kept. An address verified once stays
    trusted for a year (see reports/verification.py).
    """

    email = models.EmailField(_("adresse électronique"), db_index=True)
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField(_("envoyé le"))
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    verified_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("vérification d’adresse")
        verbose_name_plural = _("vérifications d’adresse")
        indexes = [models.Index(fields=["email", "verified_at"], name="verification_email_verified")]

    def __str__(self) -> str:
        return self.email


# --- The agents' work on reports --------------------------------------------------------


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
    """An inspection of the company, recorded on the report that led to it."""

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
    finished_at = models.DateTimeField(_("prêt le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class StatisticsSnapshot(models.Model):
    """The public statistics as computed at one moment (reports/statistics.py)."""

    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("calcul des statistiques")
        verbose_name_plural = _("calculs des statistiques")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
