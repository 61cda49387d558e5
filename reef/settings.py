"""Reef settings: one module, configured by REEF_* environment variables.

Each helper below fails loudly on a bad value, so a typo in production
configuration stops the process instead of silently using a default.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from reef.apps_list import REEF_APPS

BASE_DIR = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise SettingsError(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {value!r}") from None
    if number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Turn sqlite:///path or postgres://user:pass@host:port/db into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        raw = unquote(parsed.path)
        # sqlite:///var/reef.sqlite3 is relative to the project; sqlite:////abs is absolute.
        path = Path(raw[1:])
        if not path.is_absolute():
            path = BASE_DIR / path
        # A fresh clone has no var/: SQLite cannot create a file in a missing folder.
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                # WAL lets readers run beside one writer; IMMEDIATE makes writers queue
                # on the busy timeout instead of failing with "database is locked".
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                ),
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": str(path.with_name(path.stem + "-test.sqlite3"))},
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options: dict[str, object] = {}
        query = parse_qs(parsed.query)
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"][0]
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise SettingsError("REEF_DATABASE_URL must name a database: postgres://user@host/db")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise SettingsError(f"REEF_DATABASE_URL must start with sqlite:/// or postgres://, got {url!r}")


def cache_from_url(url: str) -> dict[str, object]:
    if url == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith("redis://"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise SettingsError(f"REEF_CACHE_URL must be 'locmem' or redis://..., got {url!r}")


DEBUG = env_bool("REEF_DEBUG", False)
# Under pytest unless told otherwise: plain HTTP, fast static storage, development key.
TESTING = env_bool("REEF_TESTING", Path(sys.argv[0]).name in {"pytest", "py.test"})
# Demo mode: the printed demo accounts may skip MFA. A system check refuses it without DEBUG.
REEF_DEMO = env_bool("REEF_DEMO", False)
_DEV_SECRET = "reef-insecure-development-key-only-for-debug-and-tests-0123456789"  # noqa: S105  # nosec B105
# Set by `reef` itself (reef/cli.py) for commands that read and write only files
# (`consensus analyze`, `match ...`): no secret, no database, nothing signed or stored.
REEF_FILE_ONLY = env_bool("REEF_FILE_ONLY", False)
if not (DEBUG or REEF_DEMO or TESTING or REEF_FILE_ONLY) and not os.environ.get("REEF_SECRET_KEY"):
    raise SettingsError(
        "REEF_SECRET_KEY must be set (for the demo database, set REEF_DEMO=true instead)"
    )
# File-only commands sign nothing that is kept: a fresh random key per run.
SECRET_KEY = env_str(
    "REEF_SECRET_KEY", secrets.token_urlsafe(50) if REEF_FILE_ONLY else _DEV_SECRET
)
# Keys kept apart from SECRET_KEY: MFA secrets at rest and the audit chain anchor.
REEF_FIELD_KEY = env_str("REEF_FIELD_KEY", SECRET_KEY)
REEF_AUDIT_KEY = env_str("REEF_AUDIT_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("REEF_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("REEF_CSRF_TRUSTED_ORIGINS", [])
REEF_PORT = env_int("REEF_PORT", 8000, minimum=1)
REEF_SITE_URL = env_str("REEF_SITE_URL", f"http://127.0.0.1:{REEF_PORT}")
# `reef serve`: the address to bind, gunicorn workers (0: two per CPU, plus one) and the
# requests a worker serves before a fresh fork replaces it (0: never), which bounds memory.
REEF_HOST = env_str("REEF_HOST", "127.0.0.1")
REEF_WORKERS = env_int("REEF_WORKERS", 0)
REEF_MAX_REQUESTS = env_int("REEF_MAX_REQUESTS", 5000)
# Commands that read labelled data act as this user when `--as` is not given (empty: anonymous).
REEF_CLI_USER = env_str("REEF_CLI_USER", "")
# Browser tests drive this Chromium (Debian's, never a downloaded one).
REEF_CHROMIUM = env_str("REEF_CHROMIUM", "/usr/bin/chromium")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks_db",
    # Reef's own apps: the one list in reef/apps_list.py.
    *(app.module for app in REEF_APPS),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reef.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reef.accounts.language.UserLanguageMiddleware",
    "reef.core.middleware.RequestContextMiddleware",
    "reef.accounts.middleware.SessionTimeoutMiddleware",
    "reef.accounts.middleware.RequireMFAMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "reef.core.middleware.SensitiveCacheMiddleware",
]

ROOT_URLCONF = "reef.urls"
WSGI_APPLICATION = "reef.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "reef" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reef.core.context_processors.reef",
                "reef.notifications.context_processors.notifications",
            ],
        },
    }
]

DATABASES = {
    "default": (
        # Django's dummy backend fails on any query: file-only commands cannot touch a database.
        {"ENGINE": "django.db.backends.dummy"}
        if REEF_FILE_ONLY
        else database_from_url(env_str("REEF_DATABASE_URL", "sqlite:///var/reef.sqlite3"))
    )
}


def _default_anchor_file() -> str:
    if TESTING or REEF_FILE_ONLY:
        return ""
    database = DATABASES["default"]
    if str(database["ENGINE"]).endswith("sqlite3"):
        # Beside its database: each SQLite database (demo, a test's copy) has its own.
        path = Path(str(database["NAME"]))
        return str(path.with_name(f"{path.stem}.audit-anchors.log"))
    return str(BASE_DIR / "var" / "audit-anchors.log")


# The audit chain's head is anchored, after each committed seal of new entries,
# in this append-only file (HMAC of seq and head hash), so that a database rolled back to
# an older head is detected by `reef audit verify`. Put it on other storage than the
# database, or ship it to the log. Empty: not anchored (tests, unless a test sets it).
REEF_AUDIT_ANCHOR_FILE = env_str("REEF_AUDIT_ANCHOR_FILE", _default_anchor_file())
# fsync each anchor line (once per seal, not per entry).
REEF_AUDIT_ANCHOR_FSYNC = env_bool("REEF_AUDIT_ANCHOR_FSYNC", True)
# Audit entries are sealed into the chain just after their transaction commits (the worker
# catches up every few seconds); `reef audit verify` fails when one waits longer than this.
REEF_AUDIT_SEAL_MAX_AGE = env_int("REEF_AUDIT_SEAL_MAX_AGE", 300, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": cache_from_url(env_str("REEF_CACHE_URL", "locmem"))}
# API rate limits per minute, counted in the shared cache: anonymous callers per
# address, signed-in callers per account (tokens and sessions alike).
REEF_API_ANON_PER_MINUTE = env_int("REEF_API_ANON_PER_MINUTE", 120, minimum=1)
REEF_API_USER_PER_MINUTE = env_int("REEF_API_USER_PER_MINUTE", 1200, minimum=1)
# API tokens: lifetime when none is asked for, and the longest one may ask for.
REEF_API_TOKEN_MAX_DAYS = env_int("REEF_API_TOKEN_MAX_DAYS", 365, minimum=1)
REEF_API_TOKEN_DAYS = env_int("REEF_API_TOKEN_DAYS", 90, minimum=1)
if REEF_API_TOKEN_DAYS > REEF_API_TOKEN_MAX_DAYS:
    raise SettingsError("REEF_API_TOKEN_DAYS must not exceed REEF_API_TOKEN_MAX_DAYS")
# Sign-in throttling (every password check: sign-in, re-authentication, token creation):
# from THRESHOLD failures for one account or ADDRESS_THRESHOLD from one address, each
# failure makes that account or address wait FIRST_DELAY * 2^k seconds (k = failures past
# the threshold), at most MAX_DELAY; failures are forgotten FORGET seconds after the last.
# A password reset or a complete sign-in (with MFA when set up) lifts the account's delay.
REEF_SIGNIN_THRESHOLD = env_int("REEF_SIGNIN_THRESHOLD", 5, minimum=1)
REEF_SIGNIN_FIRST_DELAY_SECONDS = env_int("REEF_SIGNIN_FIRST_DELAY_SECONDS", 16, minimum=1)
REEF_SIGNIN_ADDRESS_THRESHOLD = env_int("REEF_SIGNIN_ADDRESS_THRESHOLD", 20, minimum=1)
REEF_SIGNIN_MAX_DELAY_SECONDS = env_int("REEF_SIGNIN_MAX_DELAY_SECONDS", 15 * 60, minimum=1)
REEF_SIGNIN_FORGET_SECONDS = env_int("REEF_SIGNIN_FORGET_SECONDS", 24 * 3600, minimum=60)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# ASVS: length, not composition; no numeric-only rule.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail sign-in, no open sign-up of privileged users, throttled.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("REEF_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# ASVS: re-authenticate before changing e-mail, password or MFA.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_ADAPTER = "reef.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "reef.accounts.forms.SignupForm"}
# Failed sign-ins: no lock-out by account (five wrong passwords would lock the owner
# out); reef.accounts.throttle slows them by account and address instead.
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    "login": "30/m/ip",
    "signup": "20/m/ip",
    # A rate, not a password.
    "reset_password": "20/m/ip,5/m/key",  # nosec B105
}
MFA_ADAPTER = "reef.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Reef"
# One 30-second step either side: a code typed as the step turns still works
# (RFC 6238 section 5.2); single use still holds across the window.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle timeout: the cookie age, renewed on each request.
SESSION_COOKIE_AGE = env_int("REEF_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
REEF_SESSION_ABSOLUTE_SECONDS = env_int("REEF_SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=60)
# How long an invitation link to take a role stays valid.
REEF_INVITATION_DAYS = env_int("REEF_INVITATION_DAYS", 7, minimum=1)
# Review windows (expert review rounds, a country's review of a draft report) last at
# least this many working days, Monday to Friday.
REEF_REVIEW_MIN_WORKING_DAYS = env_int("REEF_REVIEW_MIN_WORKING_DAYS", 10, minimum=1)
# The licence named in every open-data export and data dictionary.
REEF_OPEN_DATA_LICENCE = env_str("REEF_OPEN_DATA_LICENCE", "CC-BY-4.0")
REEF_OPEN_DATA_LICENCE_NAME = env_str(
    "REEF_OPEN_DATA_LICENCE_NAME", "Creative Commons Attribution 4.0"
)
REEF_OPEN_DATA_LICENCE_URL = env_str(
    "REEF_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("fr", _("French")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "reef" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Tests never read collected files: keep them apart from a running server's.
STATIC_ROOT = Path(
    env_str("REEF_STATIC_ROOT", str(BASE_DIR / "var" / ("test-static" if TESTING else "static")))
)
MEDIA_ROOT = Path(env_str("REEF_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or REEF_DEMO or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or REEF_DEMO
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REEF_MAX_REQUEST_BYTES", 5 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
REEF_MAX_UPLOAD_BYTES = env_int("REEF_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)

# Long work runs as tasks: immediately in the demo and tests, on a database-backed
# worker (`reef worker`) in production.
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_task_backend = env_str("REEF_TASKS", "immediate")
if _task_backend not in _TASK_BACKENDS:
    raise SettingsError(
        f"REEF_TASKS must be one of {sorted(_TASK_BACKENDS)}, got {_task_backend!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

_DEV_MAIL = DEBUG or REEF_DEMO or TESTING
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailer_from_env(backend: str) -> dict[str, Any]:
    """The default mailer: the SMTP options (REEF_EMAIL_*) go to the SMTP backend only;
    any other backend (console, dummy, locmem) refuses options it does not know."""
    if backend != SMTP_BACKEND:
        return {"BACKEND": backend}
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "host": env_str("REEF_EMAIL_HOST", "localhost"),
            "port": env_int("REEF_EMAIL_PORT", 587, minimum=1),
            "username": env_str("REEF_EMAIL_USER", ""),
            "password": env_str("REEF_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("REEF_EMAIL_TLS", True),
        },
    }


MAILERS = {
    "default": mailer_from_env(
        env_str(
            "REEF_EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend" if _DEV_MAIL else SMTP_BACKEND,
        )
    )
}
DEFAULT_FROM_EMAIL = env_str("REEF_FROM_EMAIL", "reef@localhost")

# Security headers. CSP from Django's own middleware; scripts only from us, with nonces.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_COOKIE_SAMESITE = "Lax"

_https = env_bool("REEF_HTTPS", not (DEBUG or REEF_DEMO or TESTING))
if _https:
    SECURE_SSL_REDIRECT = env_bool("REEF_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-reef-session"
    CSRF_COOKIE_NAME = "__Host-reef-csrf"
else:
    SESSION_COOKIE_NAME = "reef-session"
    CSRF_COOKIE_NAME = "reef-csrf"

_log_level = env_str("REEF_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _log_level},
    # Django logs every task's start and end at INFO through its own console handler when
    # DEBUG is on (the demo): hundreds of lines that hide the demo's own output. Task logs
    # follow REEF_LOG_LEVEL like the rest.
    "loggers": {"django.tasks": {"level": _log_level}},
}
