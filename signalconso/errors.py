"""Where the errors of the service go: Sentry when SENTRY_DSN is set, the
ADMINS by email otherwise (settings.LOGGING). The 500 page tells the user the
team is told; `check --deploy` warns when nobody would be.

Read by the settings module, so nothing here touches Django's settings or
models: plain functions of their arguments.
"""

import re
from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured
from django.views.debug import SafeExceptionReporterFilter

# What Sentry must never receive: the consumers' and staff's personal data.
# Request bodies (reports, passwords), cookies (sessions), the headers that
# carry credentials or addresses, and any email address left in a message.
FILTERED = "[Filtered]"
SENSITIVE_HEADERS = {"cookie", "authorization", "x-forwarded-for", "x-real-ip", "forwarded", "x-csrftoken"}
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def parse_admins(raw: str) -> list[tuple[str, str]]:
    """`Name <a@b>, Other <c@d>` (or bare addresses) as Django's ADMINS; an
    entry that is not an address stops start-up."""
    admins = []
    for name, address in getaddresses([raw]):
        if not name and not address:
            continue
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            raise ImproperlyConfigured(f"ADMINS must be a comma-separated list of Name <address>, got {raw!r}")
        admins.append((name or address, address))
    return admins


def _scrub(text):
    return EMAIL_ADDRESS.sub(FILTERED, text) if isinstance(text, str) else text


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Removes personal data from an event before it leaves for Sentry. The
    SDK already sends no user data (send_default_pii=False); this is the
    guard for what would still get through."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "env"):
            request.pop(key, None)
        if isinstance(request.get("headers"), dict):
            request["headers"] = {
                name: (FILTERED if name.lower() in SENSITIVE_HEADERS else value)
                for name, value in request["headers"].items()
            }
        request["query_string"] = FILTERED if request.get("query_string") else request.get("query_string")
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("server_name", None)
    if "message" in event:
        event["message"] = _scrub(event["message"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry["message"] = _scrub(logentry.get("message"))
        logentry.pop("params", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = _scrub(exception.get("value"))
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values") or []:
        breadcrumb["message"] = _scrub(breadcrumb.get("message"))
        breadcrumb.pop("data", None)
    return event


class ErrorReportFilter(SafeExceptionReporterFilter):
    """What the error emails to ADMINS show of a request: its form fields and
    cookies by name only (a report's form is a consumer's personal data, an
    account's form a password), beyond what Django already hides."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)


def sentry_init(*, dsn: str, environment: str, release: str | None = None) -> None:
    """Errors of the web processes (Django) and of the workers (Celery) to
    Sentry, without personal data: no user, no body, no local variables."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        # Errors only: performance tracing is not what Sentry is here for.
        traces_sample_rate=0.0,
    )
