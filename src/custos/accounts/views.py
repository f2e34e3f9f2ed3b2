"""Login with password, then a mandatory TOTP second factor (with enrolment and recovery codes)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import services
from custos.accounts.forms import CodeForm, LoginForm, TokenForm
from custos.accounts.middleware import SIGNED_OUT_REASON, signed_out_message
from custos.accounts.models import ApiToken, User
from custos.core import audit
from custos.core.web import safe_next

LOCKED = "This account is locked after repeated failed attempts. Try again later or contact an administrator."
BAD_LOGIN = "Enter a correct username and password."
BAD_CODE = "That code is not valid. Check the time on your device and try again."


def login_view(request: HttpRequest) -> HttpResponse:
    signed_out = request.session.pop(SIGNED_OUT_REASON, None)
    if signed_out is not None:
        messages.info(request, signed_out_message(signed_out))
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        candidate = User.objects.filter(username=username).first()
        if candidate is None:
            authenticate(request, username=username, password=password)  # hashes a dummy: the same time
            services.sign_in_refused(user=None, reason=services.UNKNOWN_USERNAME)
        else:
            reason = services.WRONG_PASSWORD_AT_SIGN_IN
            if not candidate.is_active:
                reason = services.ACCOUNT_DEACTIVATED
            checked = services.check_secret(
                user=candidate,
                check=lambda: authenticate(request, username=username, password=password),
                failure_reason=reason,
            )
            if checked.refused:
                make_password(password)  # the same time as a checked password
                services.sign_in_refused(user=candidate, reason=services.ACCOUNT_LOCKED)
            elif checked.result is not None:
                login(request, checked.result)
                # The page asked for (the form's hidden `next`), only when it is a page of this site.
                request.session["custos_next"] = safe_next(request) or reverse("home")
                return redirect("accounts:two_factor")
        error = BAD_LOGIN  # the same answer for every refusal: the audit trail has the reason
    return render(
        request, "accounts/login.html", {"form": form, "error": error, "next": request.GET.get("next", "")}
    )


def signed_out_locked(request: HttpRequest) -> HttpResponse:
    """A session whose account is locked ends here: it has the password, so being told is no leak."""
    logout(request)
    messages.error(request, LOCKED)
    return redirect("accounts:login")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:two_factor_setup")
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(request.session.pop("custos_next", reverse("home")))
    if user.is_locked():
        return signed_out_locked(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        checked = services.check_secret(
            user=user, check=lambda: match_token(user, code), failure_reason=services.WRONG_CODE
        )
        device = checked.result
        if checked.refused:
            return signed_out_locked(request)
        if device is None:
            form.add_error("code", BAD_CODE)
        else:
            otp_login(request, device)
            # A new session id once verified: the password-only id may have been seen before the code was.
            request.session.cycle_key()
            services.login_succeeded(user)
            audit.record(actor=user, action="custos.user.logged_in", obj=user)
            return redirect(request.session.pop("custos_next", reverse("home")))
    return render(request, "accounts/two_factor.html", {"form": form})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not user.is_verified():  # type: ignore[attr-defined]
        # Replacing a device needs the old second factor first.
        return redirect("accounts:two_factor")
    if user.is_locked():  # as at the second factor: the lockout holds while enrolling too
        return signed_out_locked(request)
    device = services.totp_device_for_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        checked = services.check_secret(
            user=user, check=lambda: device.verify_token(code), failure_reason=services.WRONG_CODE
        )
        if checked.refused:
            return signed_out_locked(request)
        if checked.result:
            codes = services.totp_confirm(user=user, device=device)
            otp_login(request, device)
            request.session.cycle_key()  # as at sign-in: a verified session never keeps its password-only id
            services.login_succeeded(user)
            request.session["custos_recovery_codes"] = codes
            return redirect("accounts:recovery_codes")
        form.add_error("code", BAD_CODE)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="Two-factor setup QR code")
    secret = _base32(device.bin_key)
    return render(
        request, "accounts/two_factor_setup.html", {"form": form, "qr_svg": qr_svg, "secret": secret}
    )


def _base32(key: bytes) -> str:
    import base64

    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop("custos_recovery_codes", None)
    if request.method == "POST" and request.user.is_verified():  # type: ignore[union-attr]
        codes = services.recovery_codes_regenerate(user=request.user)  # type: ignore[arg-type]
        audit.record(actor=request.user, action="custos.user.recovery_codes_regenerated", obj=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.token_create(
                user=user,
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                name=form.cleaned_data["name"],
            )
            form = TokenForm()
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "issued": issued, "tokens": user.api_tokens.all(), "now": timezone.now()},
    )


@require_POST
@login_required
@transaction.atomic
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # someone else's token: 404
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("accounts:tokens")
