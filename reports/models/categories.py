"""The category tree that guides the consumer.

Each node has a title, maybe an information page that stops the report and
says where to go instead, the kind of company to identify, its own detail
questions, and tags. It is loaded from reports/data/categories.yaml and can be
edited in the admin.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
