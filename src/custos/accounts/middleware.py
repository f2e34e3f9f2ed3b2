"""Two-factor authentication is mandatory: a password alone reaches only the second-factor pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

# Paths a password-authenticated but not yet verified session may use: signing in and out, and the
# second-factor pages themselves. Nothing else under /accounts/: an API token or a changed password from a
# password alone would be a way round the second factor.
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/static/",
    "/healthz",
    "/favicon",
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.OTP_REQUIRED
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                # The API takes tokens; a half-logged-in browser session is not credentials.
                return JsonResponse(
                    {"type": "about:blank", "title": "Two-factor authentication required", "status": 401},
                    status=401,
                    content_type="application/problem+json",
                )
            return redirect("accounts:two_factor")
        return self.get_response(request)
