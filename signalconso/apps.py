from django.apps import AppConfig


class SignalConsoConfig(AppConfig):
    name = "signalconso"
    verbose_name = "SignalConso"

    def ready(self) -> None:
        from signalconso import checks  # noqa: F401  (registers the system checks)
        from signalconso.converters import register

        register()  # before any URL module is read
