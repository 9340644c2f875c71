"""Vmeste settings, read from the environment.

Every value has a safe default for the embedded demo (SQLite, console e-mail). Production sets at
least ``SECRET_KEY``, ``DATABASE_URL``, ``ALLOWED_HOSTS`` and ``VMESTE_PRODUCTION=1``; see
``docs/deployment.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .storage import default_storage

BASE_DIR = Path(__file__).resolve().parent.parent  # src/vmeste
VAR_DIR = Path(os.environ.get("VMESTE_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("VMESTE_PRODUCTION")
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when VMESTE_PRODUCTION=1")
    SECRET_KEY = "vmeste-demo-insecure-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "vmeste.core",
    "vmeste.organizations",
    "vmeste.accounts",
    "vmeste.workdays",
    "vmeste.notifications",
    "vmeste.appeals",
    "vmeste.ideas",
    "vmeste.triage",
    "vmeste.signals",
    "vmeste.open311",
    "vmeste.opendata",
    "vmeste.demo",
    "vmeste.bench",
]

MIDDLEWARE = [
    # First, so that every response and every log line of a request carries its id.
    "vmeste.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vmeste.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vmeste.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "vmeste.core.middleware.DomainErrorMiddleware",
    "vmeste.core.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "vmeste.config.urls"
WSGI_APPLICATION = "vmeste.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "vmeste.core.context_processors.platform",
                "vmeste.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'vmeste.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if not os.environ.get("DATABASE_URL"):
    # The embedded database lives in VAR_DIR; make the folder so that any command can open it.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker use the embedded database at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A read replica (streaming replication) for public pages read by anonymous visitors: see
# vmeste/core/db_router.py and docs/deploy.md. Without DATABASE_REPLICA_URL everything uses default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["vmeste.core.db_router.ReplicaRouter"]
MIDDLEWARE = [*MIDDLEWARE, "vmeste.core.db_router.ReplicaReadMiddleware"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, and it must be verified before it counts.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "vmeste.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "vmeste.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"reset_password": "vmeste.accounts.password_reset.ResetPasswordForm"}
# Proof-of-work (self-hosted ALTCHA, core/pow.py) on sign-up and password reset; the key is derived
# from SECRET_KEY. The counter range sets the work: ~0.5–2 s in a phone's browser by default.
VMESTE_POW = env_bool("VMESTE_POW", default=True)
VMESTE_POW_MIN_NUMBER = int(os.environ.get("VMESTE_POW_MIN_NUMBER", "5000"))
VMESTE_POW_MAX_NUMBER = int(os.environ.get("VMESTE_POW_MAX_NUMBER", "50000"))
VMESTE_POW_EXPIRES = int(os.environ.get("VMESTE_POW_EXPIRES", "600"))
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Вместе] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff pages require TOTP; on by default in production, off in the demo so its logins work at once.
VMESTE_STAFF_2FA = env_bool("VMESTE_STAFF_2FA", default=PRODUCTION)

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Outside production whitenoise serves files straight from the apps, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": default_storage(os.environ),  # S3_BUCKET: object storage (config/storage.py)
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("VMESTE_MANIFEST_STATIC", default=PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Вместе <noreply@vmeste.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CACHES = {
    "default": (
        {
            "BACKEND": "vmeste.core.cache.RedisCache",  # one client per pool (core/cache.py)
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background jobs: django.tasks through the backport, stored in the database.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# A task RUNNING longer than this lost its worker (killed mid-task): the sweep queues it again, and
# gives up after VMESTE_TASK_MAX_ATTEMPTS claims (core/task_recovery.py). Keep it above the longest task.
VMESTE_TASK_STALE_MINUTES = float(os.environ.get("VMESTE_TASK_STALE_MINUTES", "30"))
VMESTE_TASK_MAX_ATTEMPTS = int(os.environ.get("VMESTE_TASK_MAX_ATTEMPTS", "3"))
# /ready/ answers 503 when the oldest waiting task or the last sweep is older than this (seconds).
VMESTE_READY_MAX_TASK_LAG = int(os.environ.get("VMESTE_READY_MAX_TASK_LAG", "300"))
VMESTE_READY_MAX_SWEEP_AGE = int(os.environ.get("VMESTE_READY_MAX_SWEEP_AGE", "600"))

# Days a resident has to confirm or dispute an answer before the appeal closes by itself.
APPEAL_FEEDBACK_DAYS = int(os.environ.get("APPEAL_FEEDBACK_DAYS", "15"))

# Signals: where trained triage models live, and the networks' API addresses for replies
# (pointed at a fake server on 127.0.0.1 in tests and staging).
VMESTE_MODEL_DIR = Path(os.environ.get("VMESTE_MODEL_DIR", VAR_DIR / "models"))
# Whether `vmeste triage train` gives its models the e5 sentence embeddings: better routing
# (+0.025 of top-1 for the organization on real appeals), ~75 ms of one core per signal
# (docs/triage.md). Off: the TF-IDF models alone, over 300 signals per CPU second.
VMESTE_TRIAGE_EMBEDDINGS = env_bool("VMESTE_TRIAGE_EMBEDDINGS", default=True)
VMESTE_VK_API_BASE = os.environ.get("VMESTE_VK_API_BASE", "https://api.vk.com/method")
VMESTE_TELEGRAM_API_BASE = os.environ.get("VMESTE_TELEGRAM_API_BASE", "https://api.telegram.org")
VMESTE_DELIVERY_TIMEOUT = float(os.environ.get("VMESTE_DELIVERY_TIMEOUT", "10"))
# Places named in a signal without a street address come from natasha's NER (~250 MB in the worker).
VMESTE_TRIAGE_NER = env_bool("VMESTE_TRIAGE_NER", default=True)

# The text version a resident accepts when consenting to personal-data processing (152-ФЗ).
PERSONAL_DATA_CONSENT_VERSION = "2026-12-01"

# Content Security Policy: every script, style, image and font comes from the site itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Every line carries the request id (core/request_id.py); LOG_FORMAT=json writes one JSON object a
# line for log collectors, the default stays readable by a person.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "vmeste.core.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {"()": "vmeste.core.request_id.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Open311 GeoReport v2: the jurisdiction this endpoint serves and the contact it publishes.
OPEN311_JURISDICTION = os.environ.get("OPEN311_JURISDICTION", "vmeste.local")
OPEN311_CONTACT = os.environ.get(
    "OPEN311_CONTACT", "Центр управления регионом, +7 (4932) 41-01-22, cur@priozyorsk.example.ru"
)

# API rate limits: per IP address for everyone, per token or person for signed-in callers.
API_RATE_PER_IP = os.environ.get("API_RATE_PER_IP", "600/m")
API_RATE_PER_CALLER = os.environ.get("API_RATE_PER_CALLER", "300/m")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "Вместе")
REGION_NAME = os.environ.get("REGION_NAME", "Приозёрский край")
