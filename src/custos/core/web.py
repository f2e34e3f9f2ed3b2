"""Small helpers every domain's views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Show each message of a service's ValidationError on the next page (the POST-redirect-GET pattern)."""
    for message in exc.messages:
        messages.error(request, message)


def safe_next(request: HttpRequest, field: str = "next") -> str:
    """The page a form asked to go back to (POST ``field``), only when it is a page of this site; else "".

    Django's own check, not a prefix test: "//evil.example" and "/\\evil.example" start with "/" yet a
    browser follows them to another host."""
    target = request.POST.get(field, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def redirect_back(request: HttpRequest, fallback: str, *args: Any, **kwargs: Any) -> HttpResponseRedirect:
    """After a POST: back to ``safe_next(request)``, else to the URL named ``fallback`` (with its args)."""
    target = safe_next(request)
    if target:
        return HttpResponseRedirect(target)
    return redirect(fallback, *args, **kwargs)


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
