"""Signing in through the real pages: username and password, then a TOTP code from the user's device."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"  # the password tests/conftest.py gives every persona


def code_for(device: TOTPDevice) -> str:
    """The device's current six-digit code, as the officer's authenticator app shows it."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in(page: Page, user: Any) -> None:
    """Sign `user` in with their confirmed authenticator (one is enrolled if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="e2e", confirmed=True
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.get_by_label("Security code").fill(code_for(device))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
