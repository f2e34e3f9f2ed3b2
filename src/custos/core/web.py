"""Small helpers every domain's views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Show each message of a service's ValidationError on the next page (the POST-redirect-GET pattern)."""
    for message in exc.messages:
        messages.error(request, message)


def submit_form[T](
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[dict[str, Any]], T],
    *,
    done: str | Callable[[T], str],
    invalid: str | None = None,
) -> None:
    """A small form posted from a record's page, before the view redirects back (POST-redirect-GET).

    A valid form: ``write`` its cleaned data (the service call), then flash ``done`` (or ``done(result)``),
    or the service's ValidationError messages. An invalid form: flash ``invalid``, or each of the form's
    own errors when there is no ``invalid`` message.
    """
    if not form.is_valid():
        if invalid is not None:
            messages.error(request, invalid)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        return
    try:
        result = write(form.cleaned_data)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, done(result) if callable(done) else done)
