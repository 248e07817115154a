from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Signalements")

    def ready(self) -> None:
        # Registers the emails of each audience with the outbox.
        from reports.agents import emails as agents_emails  # noqa: F401
        from reports.pro import emails as pro_emails  # noqa: F401
        from reports.wizard import emails as consumer_emails  # noqa: F401
