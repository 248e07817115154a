"""What the service keeps about consumers' addresses: the codes that prove
them, and those whose reports are dropped."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
