from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from custos.core.access import not_found, scope_of
from custos.offenders import access


def require_offender_role(user: Any) -> None:
    if not access.works_with_offenders(scope_of(user)):
        raise not_found()


def require_supervisor(user: Any) -> None:
    if not access.is_supervisor(scope_of(user)):
        raise not_found()


def attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
