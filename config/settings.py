"""Settings for kyotsuka, read from environment variables only.

The embedded default (no variables set) is a development setup: SQLite file under var/,
Celery tasks run in-process (under `make run`, by a worker on a broker kept in files), DEBUG
on. Production-like mode (docker-compose, CI) sets DATABASE_URL, REDIS_URL and DJANGO_DEBUG=0;
with DEBUG off a real secret key is required.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KYOTSUKA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG", True)

_INSECURE_DEV_KEY = "django-insecure-embedded-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY が設定されていません。DEBUG を無効にした本番モードでは、"
            "十分に長いランダムな秘密鍵を環境変数 DJANGO_SECRET_KEY に設定してください。 / "
            "DJANGO_SECRET_KEY is not set: with DJANGO_DEBUG off, set a long random secret key."
        )
    SECRET_KEY = _INSECURE_DEV_KEY
# Key rotation (docs/operations.md): the old key stays here, comma-separated, until the sessions
# and links signed with it have expired; new signatures always use DJANGO_SECRET_KEY.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "ninja",  # the API docs page from its own static files (the CSP allows no CDN)
    "core",
    "municipalities",
    "candidates",
    "bodies",
    "hearings",
    "adoption",
    "consultations",
    "selection",
    "calendars",
    "api",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware (whitenoise's rule): static files skip sessions and login.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # on pages; static files were answered just above
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.JapaneseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.middleware.AuditMiddleware",  # every attempted write, with who and what came of it
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: turns a locked-out login into its lockout page (AuditMiddleware,
    # outside it, records that refusal like any failed login).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "core.context_processors.rules",
            ],
            "builtins": ["core.templatetags.wareki"],
        },
    }
]

# Database: SQLite file by default; DATABASE_URL=postgres://... in production-like mode.
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kyotsuka.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The test database copies a template so it inherits a UTF-8 locale (pg_trgm needs a
    # UTF-8 LC_CTYPE to see Japanese characters); .ci/run creates that template.
    DATABASES["default"]["TEST"] = {
        "TEMPLATE": os.environ.get("DATABASE_TEST_TEMPLATE") or None,
        "CHARSET": "UTF8",
    }
    # An unreachable database fails a request (and /healthz) in seconds instead of hanging a
    # gunicorn worker for the TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 5
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # In the embedded default the web server and the worker write the same file: a writer
    # waits for the other (up to 20 s) instead of failing with "database is locked", takes
    # its lock when its transaction begins (a read lock cannot always be upgraded later), and
    # readers go on during a write (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. "default" stays in each process (candidates/cache.py keys its summaries by a change
# counter, so a process never reads stale figures). "shared" is what several processes must
# agree on, such as the API's rate limit (api/auth.py): Redis when KYOTSUKA_CACHE_URL or
# REDIS_URL names one (keys prefixed, expiring within minutes, never flushed by the app, so it
# can share the broker's database), else this process's memory (the embedded default runs one).
SHARED_CACHE_URL = os.environ.get("KYOTSUKA_CACHE_URL") or os.environ.get("REDIS_URL") or ""
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": SHARED_CACHE_URL,
        "KEY_PREFIX": "kyotsuka-shared",
        # A stopped Redis must not hang an API request (api/auth.py lets it through).
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if SHARED_CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
}
# Requests a minute per API token (api/auth.py), counted in the "shared" cache above.
API_RATE_LIMIT = env_int("KYOTSUKA_API_RATE_LIMIT", 60)

# E-mail (notifications/). The console backend (messages printed to the log) unless
# EMAIL_HOST names an SMTP server; EMAIL_BACKEND overrides both.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS (port 465)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS (port 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kyotsuka@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of the product as its users reach it: e-mails link to pages under it.
SITE_URL = os.environ.get("KYOTSUKA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A notice whose send fails (SMTP down) is tried again with growing pauses, this many times.
KYOTSUKA_NOTICE_MAX_RETRIES = env_int("KYOTSUKA_NOTICE_MAX_RETRIES", 5)
AUTH_USER_MODEL = "core.User"
# Axes first: it refuses a locked-out username + address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 wrong passwords for one username from one address lock that
# pair out for 15 minutes; another address, or another username, can still log in. A success
# clears the count. Counted in the database (the axes tables), so every gunicorn worker agrees.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"  # answered with axes' default, 429
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged
AXES_DISABLE_ACCESS_LOG = True  # the audit trail already records every login

# Internationalisation: Japanese first, English available.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Production serves collectstatic's output through whitenoise, with hashed names (cached as
# immutable) and gzip copies. That storage needs collectstatic's manifest, so development and
# tests, which serve the source tree, keep the plain storage unless DJANGO_STATIC_MANIFEST says so.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Reports (under reports/) and meeting materials (under materials/) go through the default
# storage: local files under MEDIA_ROOT, or, with KYOTSUKA_S3_BUCKET set, any S3-compatible
# store (django-storages), so that web servers and workers on several machines share them.
# Downloads are always served by the app, after its permission checks (docs/operations.md).
if os.environ.get("KYOTSUKA_S3_BUCKET"):
    STORAGES["default"] = s3_storage(os.environ)
# Decided here, not by whitenoise at start-up: pytest switches DEBUG off after settings load,
# and the test suite must still serve static files without collectstatic.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

# Celery: a real broker when REDIS_URL / CELERY_BROKER_URL is set, otherwise in-process (the
# tests, a management command run by hand). `make run` sets
# CELERY_BROKER_URL=filesystem://localhost/ and starts a worker beside the web server:
# kombu's filesystem transport keeps the queue in files under var/celery, so the embedded
# default needs no broker server and a council report is never rendered inside a request.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
FILESYSTEM_BROKER = CELERY_BROKER_URL.startswith("filesystem://")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or (
    None if FILESYSTEM_BROKER else CELERY_BROKER_URL or None
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
# Council reports (candidates/reports.py). A report's render is stopped after its time limit,
# well before a running report is presumed lost (its worker killed) and taken over; a queued
# report not picked up by then is enqueued again (the broker was down, say).
KYOTSUKA_REPORT_TIME_LIMIT = env_int("KYOTSUKA_REPORT_TIME_LIMIT", 300)
KYOTSUKA_REPORT_STALE_SECONDS = env_int("KYOTSUKA_REPORT_STALE_SECONDS", 600)
KYOTSUKA_REPORT_REQUEUE_SECONDS = env_int("KYOTSUKA_REPORT_REQUEUE_SECONDS", 120)
# A 詳細版 of more candidates than one part holds is rendered in parts by any workers and joined
# (candidates/report_parts.py): the front matter, the slip table in chunks of at most this many
# rows, the candidates in chunks of at most this many; a 概要版 of more candidates than a chunk
# of rows, its list in such chunks. 0 renders every report whole.
KYOTSUKA_REPORT_PART_CANDIDATES = env_int("KYOTSUKA_REPORT_PART_CANDIDATES", 25)
KYOTSUKA_REPORT_PART_SLIPS = env_int("KYOTSUKA_REPORT_PART_SLIPS", 400)
CELERY_TASK_ANNOTATIONS = {
    task: {
        "time_limit": KYOTSUKA_REPORT_TIME_LIMIT,
        "soft_time_limit": KYOTSUKA_REPORT_TIME_LIMIT - 30,
    }
    for task in (
        "candidates.tasks.generate_council_report",
        "candidates.tasks.generate_council_report_part",
        "candidates.tasks.join_council_report",
    )
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A process left larger than this (KiB) by a task is replaced after it, so the memory of a large
# report goes back to the machine (500 candidates peak near 3 GB: docs/benchmarks.md).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1_000_000)
# A hung or stopped Redis must not hang a web request: fail fast, the row stays queued
# and the periodic sweep re-enqueues it.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
    "max_retries": 1,
    # Redis redelivers an unacknowledged task (acks_late, worker killed) after this long.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
if FILESYSTEM_BROKER:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder for both directions: the web server writes what the worker reads.
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
        # A parted report's parts and join follow one another through the queue: a worker
        # looks for new messages five times a second, not once (an idle listing of a folder).
        "polling_interval": 0.2,
    }
    for _folder in ("queue", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "sweep-council-reports": {
        "task": "candidates.tasks.sweep_council_reports",
        "schedule": 300.0,
    },
    "monthly-council-report": {
        "task": "candidates.tasks.monthly_council_report",
        # 06:00 Tokyo time on the 1st of each month
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    # E-mail notices (notifications/tasks.py); each is written once per period, whatever runs.
    "notices-stale-progress": {
        "task": "notifications.tasks.send_stale_progress_reminders",
        "schedule": crontab(minute=0, hour=9, day_of_month=1),  # monthly, 09:00 Tokyo
    },
    "notices-milestone-digest": {
        "task": "notifications.tasks.send_milestone_digests",
        "schedule": crontab(minute=0, hour=8, day_of_week=1),  # Mondays 08:00
    },
    "notices-consultations": {
        "task": "notifications.tasks.send_consultation_notices",
        "schedule": crontab(minute=30, hour=8),  # daily: opened today, deadline near
    },
    "notices-sweep": {
        "task": "notifications.tasks.sweep_notices",
        "schedule": 600.0,
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content Security Policy (django-csp): scripts, styles, images and fonts come only from our own
# static files; no inline <script>, event handler or style attribute anywhere (base.html turns
# off the <style> htmx would inject). connect-src lets htmx poll the report status.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The TLS proxy in front of gunicorn must set (overwrite) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Container and load-balancer health checks call gunicorn directly over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; keep its warnings (refused URLs, bad CSS).
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
