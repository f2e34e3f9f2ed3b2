"""Turn exceptions a user can cause into one clear line; anything else is a bug and keeps its traceback."""

from __future__ import annotations


def explain(exc: BaseException) -> str | None:
    from django.core.exceptions import ImproperlyConfigured, ValidationError
    from django.core.management.base import CommandError
    from django.db.utils import OperationalError

    from custos.core.policy import PolicyError

    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(
                f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v) for k, v in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    if isinstance(exc, CommandError | ImproperlyConfigured | PolicyError):
        return str(exc)
    if isinstance(exc, OperationalError):
        return f"database problem: {exc}. Is DATABASE_URL right, and has `custos manage migrate` been run?"
    if isinstance(exc, PermissionError):
        return str(exc)
    return None
