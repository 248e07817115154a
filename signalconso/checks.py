"""System checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_development_one(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="signalconso.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_site_url_is_https(app_configs, **kwargs):
    if not settings.HTTPS:
        return [
            Error(
                "SITE_URL is not an https address.",
                hint="Set SITE_URL to the public https address of the service.",
                id="signalconso.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_antivirus_is_configured(app_configs, **kwargs):
    if not settings.ANTIVIRUS_URL:
        return [
            Error(
                "ANTIVIRUS_URL is not set: uploaded files would never be scanned, so never served.",
                hint="Point ANTIVIRUS_URL at ClamAV's daemon (unix:///… or tcp://host:3310).",
                id="signalconso.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_trusted_proxy_count_is_said(app_configs, **kwargs):
    """Behind a load balancer with TRUSTED_PROXY_COUNT at 0, every client has the
    balancer's address: one person's failed logins would stop everybody's."""
    if not settings.TRUSTED_PROXY_COUNT_SET:
        return [
            Warning(
                "TRUSTED_PROXY_COUNT is not set.",
                hint="Set it to the number of proxies (load balancers) that stand before the web processes and add "
                "to X-Forwarded-For, 0 if none: client addresses (rate limits, lockouts, logs) are read from it.",
                id="signalconso.W001",
            )
        ]
    if settings.TRUSTED_PROXY_COUNT == 0 and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return [
            Warning(
                "BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client would get the proxy's address.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies before the web processes.",
                id="signalconso.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_errors_reach_somebody(app_configs, **kwargs):
    """The 500 page tells the user the team is told: somebody must be."""
    if not settings.SENTRY_DSN and not settings.ADMINS:
        return [
            Warning(
                "Neither SENTRY_DSN nor ADMINS is set: server errors would be reported to nobody.",
                hint="Set SENTRY_DSN to the project's Sentry DSN, or ADMINS to 'Name <address>, …' to have them "
                "emailed.",
                id="signalconso.W003",
            )
        ]
    return []
