from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Signalements")

    def ready(self) -> None:
        from . import emails  # noqa: F401  (registers this app's emails with the outbox)
