"""Companies as the national register (SIRENE) describes them, and the
websites consumers report. An establishment is identified by its SIRET; the
establishments of one legal unit share a SIREN, one of them being the head office."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies import identifiers


class LegalUnit(models.Model):
    """A legal unit of the register (SIREN) and its legal name: for a company,
    its name; for an individual, their first and last names. Kept so that an
    establishment imported later takes its name without another pass."""

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField(_("raison sociale"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("unité légale")
        verbose_name_plural = _("unités légales")

    def __str__(self) -> str:
        return f"{self.name} ({self.siren})"


class NameWord(models.Model):
    """Each word of the register's folded names, once (PostgreSQL only).

    A misspelled word is looked up here first, among a few hundred thousand
    short words with a trigram index, and the close words found are then
    looked up in the names' word index: far cheaper than comparing the
    misspelled word with millions of names. Triggers keep it filled
    (migration 0006); a word no name uses any more stays, and only costs a
    lookup that finds nothing."""

    # Text: a 255-character name can give a longer word once unaccented (œ → oe).
    word = models.TextField(_("mot"), primary_key=True)

    class Meta:
        verbose_name = _("mot des noms")
        verbose_name_plural = _("mots des noms")

    def __str__(self) -> str:
        return self.word


class SetAsideIndex(models.Model):
    """An index dropped for a bulk load of the register, and the statement
    that builds it again. Written in the transaction that drops the index and
    deleted once it is built again: a load that dies in between (killed,
    machine lost) leaves the row, and the next import builds it first."""

    name = models.CharField(max_length=63, primary_key=True)
    definition = models.TextField()
    dropped_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("index mis de côté")
        verbose_name_plural = _("index mis de côté")

    def __str__(self) -> str:
        return self.name


class CompanyQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)

    def of_siren(self, siren: str):
        return self.filter(siren=siren)


class Company(models.Model):
    # Indexes are declared in Meta: a field's own unique/db_index would add on
    # PostgreSQL a second "LIKE" index per column that nothing here uses, and
    # every index slows down the import of the register.
    siret = models.CharField("SIRET", max_length=14)
    siren = models.CharField("SIREN", max_length=9)
    legal_name = models.CharField(_("raison sociale"), max_length=255, blank=True)
    brand = models.CharField(_("enseigne"), max_length=255, blank=True)
    address_complement = models.CharField(_("complément d’adresse"), max_length=255, blank=True)
    street = models.CharField(_("voie"), max_length=255, blank=True)
    special_distribution = models.CharField(
        _("distribution spéciale"), max_length=255, blank=True, help_text=_("Boîte postale, TSA…")
    )
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=255, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    country = models.CharField(_("pays"), max_length=100, blank=True, help_text=_("Vide pour la France."))
    activity_code = models.CharField(_("code d’activité (NAF)"), max_length=6, blank=True)
    is_head_office = models.BooleanField(_("siège social"), default=False)
    is_open = models.BooleanField(_("ouvert"), default=True)
    # Not in the register: given by an agent or a letter's answer. When it is
    # known, activation codes are emailed too.
    email = models.EmailField(_("adresse électronique connue"), blank=True, db_default="")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        indexes = [
            models.Index(fields=["siren"], name="company_siren"),
            models.Index(fields=["postal_code"], name="company_postal_code"),
            models.Index(fields=["department"], name="company_department"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["siret"], name="company_siret_unique"),
            models.CheckConstraint(condition=models.Q(siret__regex=r"^[0-9]{14}$"), name="company_siret_14_digits"),
            models.CheckConstraint(condition=models.Q(siren__regex=r"^[0-9]{9}$"), name="company_siren_9_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.siret})"

    @property
    def name(self) -> str:
        """The name people know: the legal name, else the brand."""
        return self.legal_name or self.brand or self.siret

    @property
    def is_public_administration(self) -> bool:
        return identifiers.is_public_administration(self.activity_code)

    def report_snapshot(self) -> dict:
        """The company as a report keeps it, whatever the register says later."""
        return {
            "company_name": self.name,
            "company_address": self.address_lines,
            "company_siret": self.siret,
            "company_country": self.country,
            "postal_code": self.postal_code,
            "department": self.department,
        }

    @property
    def address_lines(self) -> list[str]:
        """The postal address, one line per item, in the order of a French letter."""
        city_line = f"{self.postal_code} {self.city}".strip()
        lines = [self.address_complement, self.street, self.special_distribution, city_line]
        if self.country:
            lines.append(self.country)
        return [line for line in lines if line]

    def head_office(self) -> "Company | None":
        if self.is_head_office:
            return self
        return Company.objects.filter(siren=self.siren, is_head_office=True).first()

    def establishments(self):
        """Every establishment of the same legal unit, this one included."""
        return Company.objects.of_siren(self.siren).order_by("-is_head_office", "-is_open", "siret")


class WebsiteState(models.TextChoices):
    NOT_IDENTIFIED = "not_identified", _("Non identifié")
    IDENTIFIED = "identified", _("Identifié")
    FOREIGN = "foreign", _("Étranger")
    MARKETPLACE = "marketplace", _("Place de marché")


class Website(models.Model):
    """A host consumers report, and what the agents know of it."""

    host = models.CharField(_("hôte"), max_length=253, unique=True, help_text=_("Sans « www. », en minuscules."))
    state = models.CharField(
        _("identification"),
        max_length=20,
        choices=WebsiteState.choices,
        default=WebsiteState.NOT_IDENTIFIED,
        db_index=True,
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("entreprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="websites",
    )
    country = models.CharField(_("pays"), max_length=100, blank=True, help_text=_("Pour un site étranger."))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("site internet")
        verbose_name_plural = _("sites internet")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state=WebsiteState.IDENTIFIED) | models.Q(company__isnull=False),
                name="website_identified_has_company",
            ),
        ]

    def __str__(self) -> str:
        return self.host


class AccessLevel(models.TextChoices):
    ADMIN = "admin", _("administrateur")
    MEMBER = "member", _("membre")


class CompanyAccess(models.Model):
    """A professional's access to a company's reports. Access to a head office
    covers every establishment of the same SIREN."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="company_accesses")
    level = models.CharField(_("niveau"), max_length=10, choices=AccessLevel.choices, default=AccessLevel.MEMBER)
    new_report_emails = models.BooleanField(_("reçoit un courriel à chaque nouveau signalement"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("accès à une entreprise")
        verbose_name_plural = _("accès aux entreprises")
        constraints = [models.UniqueConstraint(fields=["company", "user"], name="company_access_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.company}"


class ActivationCode(models.Model):
    """The code that lets a company without users create its first account.
    Only a keyed hash is kept (companies/activation.py)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("émis le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valable jusqu’au"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    failed_attempts = models.PositiveIntegerField(_("essais erronés"), default=0)

    class Meta:
        verbose_name = _("code d’activation")
        verbose_name_plural = _("codes d’activation")
        indexes = [
            models.Index(
                fields=["company", "expires_at"],
                condition=models.Q(used_at__isnull=True),
                name="activation_code_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.created_at:%Y-%m-%d})"


class LetterKind(models.TextChoices):
    FIRST = "first", _("premier courrier")
    REMINDER = "reminder", _("relance")
    LAST = "last", _("dernière relance")


def letter_path(letter: "ActivationLetter", filename: str) -> str:
    return f"letters/{timezone.now():%Y/%m}/{letter.company_id}-{letter.kind}-{uuid.uuid4()}.pdf"


class LetterBatch(models.Model):
    """Letters printed together (one PDF) by an agent, then confirmed posted."""

    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    pdf = models.FileField(_("PDF"), upload_to="letters/batches/%Y/%m/", max_length=200)
    created_at = models.DateTimeField(_("préparé le"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot de courriers")
        verbose_name_plural = _("lots de courriers")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class ActivationLetter(models.Model):
    """A letter with a fresh activation code, for a company reached by post."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="letters")
    batch = models.ForeignKey(LetterBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters")
    kind = models.CharField(_("courrier"), max_length=10, choices=LetterKind.choices)
    code = models.ForeignKey(ActivationCode, on_delete=models.SET_NULL, null=True, related_name="+")
    reports_waiting = models.PositiveIntegerField(_("signalements en attente"), default=0)
    pdf = models.FileField(_("PDF"), upload_to=letter_path, max_length=200, blank=True)
    created_at = models.DateTimeField(_("préparé le"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courrier d’activation")
        verbose_name_plural = _("courriers d’activation")

    def __str__(self) -> str:
        return f"{self.company} — {self.get_kind_display()}"
