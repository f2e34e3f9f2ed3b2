"""One settings module, configured from the environment (healthchecks style).

`DATABASE_URL` selects the database: SQLite in the project's data folder by default, `postgres://…` for
PostgreSQL. `CUSTOS_PRODUCTION=1` turns on the production checks in `custos.core.checks`, which refuse
to start with DEBUG on, the development SECRET_KEY, or two-factor authentication disabled.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from custos.core.domains import DOMAIN_APPS

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parents[1]
DATA_DIR = Path(os.environ.get("CUSTOS_DATA_DIR", PROJECT_DIR / "data"))


def envbool(name: str, default: str = "false") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


DEV_SECRET_KEY = "custos-development-key-not-for-production"  # noqa: S105 - refused by the production check
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
PRODUCTION = envbool("CUSTOS_PRODUCTION")
DEBUG = envbool("DEBUG", "false" if PRODUCTION else "true")
# Two-factor authentication is mandatory; only the test suite may relax it, and never in production.
OTP_REQUIRED = envbool("CUSTOS_OTP_REQUIRED", "true")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules",
    "ninja",
    "simple_history",
    "django_tasks_db",
    "custos.core",
    "custos.accounts",
    "custos.demo",
    *(f"custos.{app}" for app in DOMAIN_APPS),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "custos.accounts.middleware.SessionTimeoutMiddleware",
    "custos.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "custos.core.middleware.RequestContextMiddleware",
    "custos.core.middleware.RequestSizeLimitMiddleware",
    "custos.core.middleware.NullCharacterMiddleware",
]

ROOT_URLCONF = "custos.urls"
WSGI_APPLICATION = "custos.wsgi.application"

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
                "custos.core.context_processors.custos",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'custos.db'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web process read while the other writes; IMMEDIATE avoids
    # "database is locked" upgrades inside write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
if envbool("CUSTOS_FAST_PASSWORD_HASHER"):
    # Test suite only: argon2 by design costs ~50 ms per hash.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
OTP_TOTP_ISSUER = "Custos"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends SESSION_COOKIE_AGE after sign-in however busy, and after SESSION_IDLE_SECONDS without a
# request (custos.accounts.middleware.SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = envint("CUSTOS_SESSION_SECONDS", 8 * 3600)
SESSION_IDLE_SECONDS = envint("CUSTOS_SESSION_IDLE_SECONDS", 30 * 60)

# The largest request body accepted (RequestSizeLimitMiddleware answers 413 before reading it): the largest
# upload form takes 200 MB (triage reports, hash sets), plus room for its other fields. Larger files: the CLI.
MAX_REQUEST_BYTES = envint("CUSTOS_MAX_REQUEST_BYTES", 201 * 1024**2)
# No script reads the CSRF cookie: htmx sends the token from the page's <meta name="csrf-token"> (custos.js),
# Swagger UI from its page's data-csrf-token. HttpOnly keeps it from a script injected into a page.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: only our own scripts, styles and images run, so an injected <script>, inline
# handler or style cannot (defence in depth behind template escaping). The templates have no inline script
# or style to allow; htmx is told not to inject its indicator <style> (base.html, htmx-config). data: images
# are GOV.UK Frontend's and Swagger UI's icons. Checked in the browser tests, which fail on any violation.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from the source folders in development and tests
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
MEDIA_ROOT = Path(os.environ.get("CUSTOS_PRIVATE_MEDIA", DATA_DIR / "private"))  # never served directly

TASKS = {
    "default": {
        "BACKEND": os.environ.get("CUSTOS_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
