"""Production settings refuse to start when they are unsafe.

Raised from AppConfig.ready() (not a deploy-only system check) so that gunicorn, the worker and every
`custos` command fail before serving anything.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PROD_DEBUG = "Refusing to start: DEBUG is on in production settings (unset DEBUG or set DEBUG=false)."
PROD_SECRET = "Refusing to start: SECRET_KEY is the development key or shorter than 50 characters."  # noqa: S105 - message text
PROD_OTP = "Refusing to start: two-factor authentication is disabled (CUSTOS_OTP_REQUIRED must be true)."
PROD_HASHER = "Refusing to start: the fast test password hasher is enabled in production."


def production_problems() -> list[str]:
    problems: list[str] = []
    if settings.DEBUG:
        problems.append(PROD_DEBUG)
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or len(settings.SECRET_KEY) < 50:
        problems.append(PROD_SECRET)
    if not settings.OTP_REQUIRED:
        problems.append(PROD_OTP)
    if "Argon2PasswordHasher" not in settings.PASSWORD_HASHERS[0]:
        problems.append(PROD_HASHER)
    return problems


def enforce_production_settings() -> None:
    if settings.PRODUCTION:
        problems = production_problems()
        if problems:
            raise ImproperlyConfigured("\n".join(problems))
