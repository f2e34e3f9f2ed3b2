"""Small helpers every domain's views share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Show each message of a service's ValidationError on the next page (the POST-redirect-GET pattern)."""
    for message in exc.messages:
        messages.error(request, message)
