from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts import emails  # noqa: F401  (registers this app's emails with the outbox)
        from accounts.auth_log import on_user_logged_in, on_user_login_failed

        # Every sign-in and failed one, whichever view or form it went through.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.auth_log.login")
        user_login_failed.connect(on_user_login_failed, dispatch_uid="accounts.auth_log.login_failed")
