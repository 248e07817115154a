from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Signalements")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from reports.search import register_fold

        # The accent-insensitive word search of SQLite (make run) needs it.
        connection_created.connect(register_fold)

        # Registers the emails of each audience with the outbox.
        from reports.agents import emails as agents_emails  # noqa: F401
        from reports.pro import emails as pro_emails  # noqa: F401
        from reports.wizard import emails as consumer_emails  # noqa: F401
