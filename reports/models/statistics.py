"""The public statistics as computed at one moment."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticsSnapshot(models.Model):
    """The public statistics as computed at one moment (reports/statistics.py)."""

    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("calcul des statistiques")
        verbose_name_plural = _("calculs des statistiques")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
