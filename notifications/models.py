"""Outgoing email, kept as rows: the transactional outbox.

A row is written in the same transaction as the action that causes it, so an
email exists exactly when its action does. A task sends it after commit; a
periodic sweeper sends what the task never did (broker down) and retries
failures with back-off for two days. A row is claimed before it is sent, so
two senders never send it twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("à envoyer")
    SENDING = "sending", _("en cours d’envoi")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("abandonné")
    CANCELLED = "cancelled", _("annulé")


class OutgoingEmail(models.Model):
    kind = models.CharField(_("courriel"), max_length=60)
    to = models.JSONField(_("destinataires"), default=list)
    language = models.CharField(_("langue"), max_length=5, default="fr")
    # Ids and small values the email's class needs to draw it (emails.py);
    # secrets (codes, links) are wiped once it is sent.
    data = models.JSONField(_("données"), default=dict, blank=True)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # One email per key at most: makes every scheduled job safe to run twice.
    dedupe_key = models.CharField(max_length=150, null=True, blank=True, unique=True)

    status = models.CharField(_("état"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    first_failed_at = models.DateTimeField(_("premier échec"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="email_due",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="email_sending",
            ),
            models.Index(fields=["company", "kind", "created_at"], name="email_company_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {', '.join(self.to)}"


class DepartmentOffice(models.Model):
    """The administration's office of a department (DDPP / DDETSPP): it gets
    an instant email for each dangerous product reported there."""

    department = models.CharField(_("département"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("adresse électronique"))

    class Meta:
        verbose_name = _("service départemental")
        verbose_name_plural = _("services départementaux")
        ordering = ["department"]

    def __str__(self) -> str:
        return f"{self.department} — {self.name}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("chaque jour")
    WEEKLY = "weekly", _("chaque lundi")


class Subscription(models.Model):
    """An agent's (or a departmental mailbox's) standing search: the new
    reports matching it are emailed daily or weekly."""

    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    email = models.EmailField(
        _("boîte de service"), blank=True, help_text=_("Pour une boîte départementale plutôt qu’un agent.")
    )
    name = models.CharField(_("nom"), max_length=100)
    # The agents' search filters, as in the search page's address.
    filters = models.JSONField(_("filtres"), default=dict)
    frequency = models.CharField(_("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    last_sent_until = models.DateTimeField(_("envoyé jusqu’au"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")

    def __str__(self) -> str:
        return self.name

    @property
    def recipient(self) -> str:
        return self.email or (self.user.email if self.user else "")
