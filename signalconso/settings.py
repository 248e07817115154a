"""The one settings module, driven by environment variables.

The defaults serve `make run` on a bare machine: SQLite under var/, tasks run
eagerly, emails printed to the console, files on the local disk. Setting the
variables documented in docs/configuration.md turns it into a real deployment;
nothing here behaves differently in production than what the variables say.
A bad value fails loudly at start-up rather than being silently ignored.
"""

from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from signalconso.errors import parse_admins, sentry_init

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file (never committed) is read when present, for convenience.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but a clear yes or no stops start-up."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")
    return value in _TRUE


DEBUG = env_bool("DEBUG", default=False)

# A fixed key is only acceptable on a developer's machine: the deploy check in
# signalconso/checks.py refuses it, and start-up refuses it for an https site.
DEV_SECRET_KEY = "dev-only-key-never-use-in-production-" + "x" * 20
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
# To change the key: put the new one in SECRET_KEY and the old one here, for
# as long as links and codes made with it must keep working (90 days covers
# the activation letters), then remove it. See docs/security.md.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# The public address of the site: used to build absolute links in emails and
# letters, and, when it is https, to turn on every HTTPS protection.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address, got {SITE_URL!r}")
HTTPS = _site.scheme == "https"
if HTTPS and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when SITE_URL is https.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[_site.hostname, "127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "csp",
    "signalconso",
    "accounts",
    "companies",
    "reports",
    "inspections",
    "notifications",
]

MIDDLEWARE = [
    # First, so that it times and counts every answer, refusals included.
    "signalconso.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After the CSP's: adds the Permissions-Policy, relaxes the CSP for the admin site.
    "signalconso.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "signalconso.urls"
WSGI_APPLICATION = "signalconso.wsgi.application"
ASGI_APPLICATION = "signalconso.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "signalconso.context_processors.site",
            ],
            # Tests turn this into an exception, so a typo in a template fails.
            "string_if_invalid": env.str("TEMPLATE_STRING_IF_INVALID", default=""),
        },
    },
]
FORM_RENDERER = "signalconso.forms.SiteFormRenderer"

# --- Database ---------------------------------------------------------------

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'signalconso.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica for the agents' search, the exports and the statistics
# (signalconso/db.py); READ_REPLICA_ENABLED=false sends them back to the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
    }
READ_REPLICA_ENABLED = env.bool("READ_REPLICA_ENABLED", default=True)
DATABASE_ROUTERS = ["signalconso.db.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets `make run` read while a write is going on.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and broker ------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "signalconso",
            "TIMEOUT": 300,
        }
    }
else:
    # Shared by every process of `make run` through the database would be
    # slower; one process is all `make run` has.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker, tasks run in the process that sends them: `make run`
# needs nothing else, and nothing is silently queued nowhere.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# The long jobs have their own limits (seconds), set on their tasks: an export,
# and the other jobs of the bulk queue (the rescan of pending files, the
# statistics snapshot, the purges, the anonymisation). A task is interrupted a
# little before its limit, so that it can record its failure, and killed at it.
# An export still building past EXPORT_TIME_LIMIT is marked failed
# (reports.tasks.fail_stuck_exports) and its agent told so.
EXPORT_TIME_LIMIT = env.int("EXPORT_TIME_LIMIT", default=30 * 60)
BULK_TASK_TIME_LIMIT = env.int("BULK_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task unacknowledged for longer than this is handed to another worker; it
# must exceed the longest task (exports) and any countdown used for retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 3600}
if max(EXPORT_TIME_LIMIT, BULK_TASK_TIME_LIMIT) >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured("EXPORT_TIME_LIMIT and BULK_TASK_TIME_LIMIT must stay under 3 hours.")

# Three queues, so that what somebody is waiting for never waits behind long
# work: `urgent` (the outbox's emails, password resets, the companies' alerts),
# `default` (the daily jobs), `bulk` (exports, antivirus scans, the statistics
# snapshot, purges, anonymisation). docker-compose.yml runs a worker for urgent
# and default and another for bulk; a worker started without -Q reads all three.
# Every task of ours is routed here by name (tests/signalconso/test_queues.py).
# Each bound by its own name: on Redis, queues sharing a routing key would each
# receive every task sent to any of them.
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("urgent", "default", "bulk")]
CELERY_TASK_DEFAULT_QUEUE = "default"
_TASKS_BY_QUEUE = {
    "urgent": [
        "notifications.tasks.send_email",
        "notifications.tasks.sweep_emails",
        "accounts.tasks.send_password_reset",
        "reports.tasks.send_deferred_company_alerts",
    ],
    "default": [
        "accounts.tasks.clear_expired_sessions",
        "accounts.tasks.deactivate_inactive_staff",
        "reports.tasks.close_expired_reports",
        "reports.tasks.send_reminders",
        "reports.tasks.request_engagement_reviews",
        "reports.tasks.send_subscription_digests",
        # Not bulk: it must run even when the bulk worker is stuck.
        "reports.tasks.fail_stuck_exports",
    ],
    "bulk": [
        "reports.tasks.build_export",
        "reports.tasks.purge_exports",
        "reports.tasks.scan_attachment",
        "reports.tasks.rescan_pending_attachments",
        "reports.tasks.purge_orphan_attachments",
        "reports.tasks.refresh_statistics",
        "reports.tasks.anonymise_old_reports",
        "accounts.tasks.purge_auth_log",
    ],
}
CELERY_TASK_ROUTES = {name: {"queue": queue} for queue, names in _TASKS_BY_QUEUE.items() for name in names}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
# Without beat (make run), the public statistics are computed again by the
# page that finds them older than 5 minutes.
STATISTICS_REFRESH_ON_READ = env_bool("STATISTICS_REFRESH_ON_READ", default=DEBUG and CELERY_TASK_ALWAYS_EAGER)

# Every periodic job, in one place. Each job is idempotent and takes its own
# database lock when it must not run twice at once.
CELERY_BEAT_SCHEDULE = {
    "deactivate-inactive-staff": {
        "task": "accounts.tasks.deactivate_inactive_staff",
        "schedule": crontab(hour=4, minute=11),
    },
    "purge-auth-log": {
        "task": "accounts.tasks.purge_auth_log",
        "schedule": crontab(hour=3, minute=23),
    },
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "rescan-pending-attachments": {
        "task": "reports.tasks.rescan_pending_attachments",
        "schedule": crontab(minute="*/10"),
    },
    "purge-orphan-attachments": {
        "task": "reports.tasks.purge_orphan_attachments",
        "schedule": crontab(hour=3, minute=41),
    },
    # The outbox: emails whose task never ran, and retries of failures.
    "sweep-emails": {
        "task": "notifications.tasks.sweep_emails",
        "schedule": crontab(minute="*"),
    },
    # Closing first, so that no reminder goes out for a report closed today.
    "close-expired-reports": {
        "task": "reports.tasks.close_expired_reports",
        "schedule": crontab(hour=6, minute=0),
    },
    "send-reminders": {
        "task": "reports.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "request-engagement-reviews": {
        "task": "reports.tasks.request_engagement_reviews",
        "schedule": crontab(hour=10, minute=0),
    },
    "send-deferred-company-alerts": {
        "task": "reports.tasks.send_deferred_company_alerts",
        "schedule": crontab(minute=5),
    },
    "send-subscription-digests": {
        "task": "reports.tasks.send_subscription_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "purge-exports": {
        "task": "reports.tasks.purge_exports",
        "schedule": crontab(hour=3, minute=53),
    },
    # An export whose worker died or overran its limit is failed, and its agent told.
    "fail-stuck-exports": {
        "task": "reports.tasks.fail_stuck_exports",
        "schedule": crontab(minute="*/10"),
    },
    # The public statistics are read from a snapshot made here.
    "refresh-statistics": {
        "task": "reports.tasks.refresh_statistics",
        "schedule": crontab(minute="*/5"),
    },
    "anonymise-old-reports": {
        "task": "reports.tasks.anonymise_old_reports",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Email ------------------------------------------------------------------

# smtp+tls://user:password@host:587 (STARTTLS), smtp+ssl://…:465, smtp://host:25,
# or consolemail:// (the default).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SignalConso <ne-pas-repondre@signal.conso.gouv.fr>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Errors -------------------------------------------------------------------

# Errors go to Sentry when SENTRY_DSN is set, else by email to ADMINS
# ("Name <a@b>, Other <c@d>"); `check --deploy` warns when neither is set, as
# the 500 page tells the user the team is told.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default=_site.hostname)
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="") or None
ADMINS = parse_admins(env.str("ADMINS", default=""))
# The emails show a request's form fields and cookies by name only.
DEFAULT_EXCEPTION_REPORTER_FILTER = "signalconso.errors.ErrorReportFilter"

# --- Files ------------------------------------------------------------------

MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# No public URL serves uploaded files: every download goes through a view
# that applies the user's scope.
MEDIA_URL = "/media-non-public/"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "signalconso.storage.SignedLinkS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            # Where browsers reach the storage, when it is not where the
            # platform does: download links are signed for this address.
            "public_endpoint_url": env.str("AWS_S3_PUBLIC_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "signature_version": "s3v4",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }

# Attachments: limits per file and per report, the largest image accepted
# (decoded pixels, against "pixel bombs"), and how long an upload never
# attached to a report is kept.
ATTACHMENT_MAX_SIZE = env.int("ATTACHMENT_MAX_SIZE", default=5 * 1024 * 1024)
ATTACHMENT_MAX_COUNT = env.int("ATTACHMENT_MAX_COUNT", default=12)
ATTACHMENT_MAX_PIXELS = env.int("ATTACHMENT_MAX_PIXELS", default=50_000_000)
ATTACHMENT_ORPHAN_DAYS = env.int("ATTACHMENT_ORPHAN_DAYS", default=7)
FILE_UPLOAD_PERMISSIONS = 0o640
# A file is kept only up to ATTACHMENT_MAX_SIZE while it is received.
FILE_UPLOAD_HANDLERS = [
    "reports.files.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# ClamAV's daemon: unix:///run/clamav/clamd.ctl or tcp://clamav:3310. Every
# upload stays pending (never served) until clamd calls it clean. Without an
# address, only a DEBUG server (make run) lets files through unscanned.
ANTIVIRUS_URL = env.str("ANTIVIRUS_URL", default="")
ANTIVIRUS_TIMEOUT = env.int("ANTIVIRUS_TIMEOUT", default=60)

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed file names need `collectstatic` first (the Docker image does it);
# without it the files are served from the apps' folders as they are.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=False)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
if not STATIC_MANIFEST:
    # WhiteNoise expects the folder even when it serves from the apps' folders.
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# The manifest storage rewrites the DSFR's CSS, so its published checksums no
# longer match; the files are ours to serve, from our own origin.
DSFR_USE_INTEGRITY_CHECKSUMS = False

# --- Accounts ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3600
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# The administration's staff are logged out after this many minutes without a
# request. A client that fails LOGIN_FAILURES times in 15 minutes on one
# account, or LOGIN_FAILURES_PER_ADDRESS times on any accounts, is refused
# until the window passes (accounts/lockout.py); the owner, from elsewhere, is not.
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)
LOGIN_FAILURES = env.int("LOGIN_FAILURES", default=10)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=50)
# Agents are invited only at these domains.
ADMINISTRATION_EMAIL_DOMAINS = env.list(
    "ADMINISTRATION_EMAIL_DOMAINS",
    default=["dgccrf.finances.gouv.fr", "finances.gouv.fr", "agriculture.gouv.fr"],
)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# `make run` and tests create the demo accounts; a real deployment never does.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", default=DEBUG)

# --- Personal data -------------------------------------------------------------

# The daily anonymisation of reports older than 5 years erases at most this
# many in a run; more due means something is wrong, and nothing is erased
# until `manage.py anonymise_old_reports --force`.
ANONYMISE_MAX_PER_RUN = env.int("ANONYMISE_MAX_PER_RUN", default=20_000)
# Staff accounts unused this many days are deactivated, after reminders at 9
# and 11 months.
STAFF_INACTIVE_DAYS = env.int("STAFF_INACTIVE_DAYS", default=365)
# The authentication log (sign-ins, failures, with client addresses) is
# purged of entries older than this.
AUTH_LOG_DAYS = env.int("AUTH_LOG_DAYS", default=365)

# --- Security ---------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
# Only our own files, scripts by nonce (request.csp_nonce on every <script>),
# no framing, no plugins; violations are logged (signalconso/views.csp_report).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "report-uri": "/csp-report",
    },
}
# Powerful browser features the site never uses.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
# The load balancer probes the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
# Behind a load balancer that terminates TLS and says so in this header.
if env_bool("BEHIND_TLS_PROXY", default=HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies (load balancers) stand before the web processes and append
# to X-Forwarded-For: the client's address for rate limits is read from there.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Where vulnerabilities are reported (/.well-known/security.txt, /securite/).
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="mailto:securite@signal.conso.gouv.fr")
# A deployment must say it (0 when nothing stands before gunicorn): the deploy
# check refuses to guess.
TRUSTED_PROXY_COUNT_SET = "TRUSTED_PROXY_COUNT" in env.ENVIRON

# /metrics (Prometheus) answers only the client addresses of these networks
# (read as for rate limits, through TRUSTED_PROXY_COUNT), or a request with
# `Authorization: Bearer METRICS_TOKEN`; anybody else gets a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
try:
    METRICS_ALLOWED_NETWORKS = [
        ip_network(network, strict=False) for network in env.list("METRICS_ALLOWED_NETWORKS", default=[])
    ]
except ValueError as error:
    raise ImproperlyConfigured(
        f"METRICS_ALLOWED_NETWORKS must be a comma-separated list of CIDR networks: {error}"
    ) from None

# --- Rate limits (requests per period, per client address) -------------------

COMPANY_SEARCH_RATE_LIMIT = env.int("COMPANY_SEARCH_RATE_LIMIT", default=60)
COMPANY_SEARCH_RATE_PERIOD = 60
# The report wizard's email code checks, and reports sent, per client address.
REPORT_CODE_RATE_LIMIT = env.int("REPORT_CODE_RATE_LIMIT", default=30)
REPORT_CODE_RATE_PERIOD = 600
REPORT_SUBMIT_RATE_LIMIT = env.int("REPORT_SUBMIT_RATE_LIMIT", default=30)
REPORT_SUBMIT_RATE_PERIOD = 3600
# Password reset requests per client address and hour (and 3 per address asked for).
PASSWORD_RESET_RATE_LIMIT = env.int("PASSWORD_RESET_RATE_LIMIT", default=10)

# --- Languages --------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# One way to write dates (signalconso/formats/): the long form, in each language.
FORMAT_MODULE_PATH = ["signalconso.formats"]
USE_TZ = True

# --- Logging ----------------------------------------------------------------

# One JSON object per line in production (LOG_FORMAT=json, the default when
# not DEBUG), for the log collector; plain lines for a developer.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC: no doubt about the time zone of a line.
            "timestamp": "time",
            # A log line's extra fields (Django's request object) as text, never a crash.
            "json_default": str,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Replaces Django's own default (console only with DEBUG, mail_admins
        # always): everything to the console, and errors of requests by email
        # only where Sentry does not take them.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"handlers": [] if SENTRY_DSN else ["mail_admins"], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # PDF drawing narrates every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Inspections (docs/configuration.md). Investigations are confidential: the
# consumers of the reports behind an inspection are told "des suites ont été
# données" when it is concluded only if this is set; the company never is.
INSPECTION_TELL_CONSUMERS = env.bool("INSPECTION_TELL_CONSUMERS", default=False)
# "Where to inspect": the window looked at, in days, and what each reason weighs.
INSPECTION_SCORE_DAYS = env.int("INSPECTION_SCORE_DAYS", default=90)
INSPECTION_SCORE_WEIGHTS = {
    # points per report received in the window
    "reports": env.float("INSPECTION_WEIGHT_REPORTS", default=1.0),
    # points per report more than in the window before
    "growth": env.float("INSPECTION_WEIGHT_GROWTH", default=0.5),
    # points per report tagged dangerous product
    "dangerous": env.float("INSPECTION_WEIGHT_DANGEROUS", default=5.0),
    # points per report tagged food or hygiene
    "food": env.float("INSPECTION_WEIGHT_FOOD", default=2.0),
    # points per 10 % of the reports sent that the company never read
    "unread": env.float("INSPECTION_WEIGHT_UNREAD", default=1.0),
    # points per 10 % of the reports read that the company did not answer
    "unanswered": env.float("INSPECTION_WEIGHT_UNANSWERED", default=1.0),
    # points per answer the consumer rated "not satisfied"
    "poor_rating": env.float("INSPECTION_WEIGHT_POOR_RATING", default=1.0),
    # points once when the company had no inspection in the last 365 days
    "not_inspected": env.float("INSPECTION_WEIGHT_NOT_INSPECTED", default=3.0),
}

if SENTRY_DSN:
    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=SENTRY_RELEASE)
