"""Two-factor authentication is mandatory: a password alone reaches only the second-factor pages. Sessions end
after a spell without use and a fixed time after sign-in."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

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


# Shown on the sign-in page after a session was ended (accounts.views.login_view reads the reason).
SIGNED_OUT_IDLE = (
    "You were signed out because Custos was not used for {minutes} minutes. Sign in to carry on."
)
SIGNED_OUT_AFTER = "You were signed out because you signed in {hours} hours ago. Sign in to carry on."
SIGNED_OUT_REASON = "custos_signed_out"  # session key, in the new anonymous session
_STARTED = "custos_session_started"  # epoch seconds of the first request after sign-in
_SEEN = "custos_session_seen"  # epoch seconds of the last request (to the minute)
# The last request's time is written at most once a minute, not on every request (each write is a database
# write): a session may end up to a minute early, never late.
_SEEN_RESOLUTION_SECONDS = 60


def signed_out_message(reason: str) -> str:
    if reason == "idle":
        return SIGNED_OUT_IDLE.format(minutes=settings.SESSION_IDLE_SECONDS // 60)
    return SIGNED_OUT_AFTER.format(hours=settings.SESSION_COOKIE_AGE // 3600)


class SessionTimeoutMiddleware:
    """End a signed-in session after ``SESSION_IDLE_SECONDS`` without a request, and ``SESSION_COOKIE_AGE``
    after sign-in however busy (Django alone would slide that expiry each time the session is saved).

    The person is sent to sign in with the reason and the page to come back to; an htmx request gets an
    ``HX-Redirect`` to the sign-in page, so htmx loads it as a page instead of swapping it into a fragment;
    the API answers 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            session = request.session
            started = int(session.setdefault(_STARTED, now))
            seen = int(session.get(_SEEN, now))
            if now - started >= settings.SESSION_COOKIE_AGE:
                return self._signed_out(request, "absolute")
            if now - seen >= settings.SESSION_IDLE_SECONDS:
                return self._signed_out(request, "idle")
            if _SEEN not in session or now - seen >= _SEEN_RESOLUTION_SECONDS:
                session[_SEEN] = now
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest, reason: str) -> HttpResponse:
        logout(request)
        request.session[SIGNED_OUT_REASON] = reason
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"type": "about:blank", "title": signed_out_message(reason), "status": 401},
                status=401,
                content_type="application/problem+json",
            )
        sign_in = reverse(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            # The page the officer is on, not the fragment's own URL.
            page = _page_on_this_site(request, request.headers.get("HX-Current-URL", ""))
            response = HttpResponse(status=200)
            response["HX-Redirect"] = f"{sign_in}?{urlencode({'next': page}, safe='/')}" if page else sign_in
            return response
        if request.method in {"GET", "HEAD"}:
            return redirect_to_login(request.get_full_path(), sign_in)
        # A form posted after the timeout: back to the page it was on (what was typed is lost).
        page = _page_on_this_site(request, request.headers.get("Referer", ""))
        return redirect_to_login(page, sign_in) if page else redirect(sign_in)


def _page_on_this_site(request: HttpRequest, url: str) -> str:
    """``url``'s path and query when it is a page of this site, else ""."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
