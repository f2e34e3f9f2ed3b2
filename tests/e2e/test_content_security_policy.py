"""The Content Security Policy: our pages run under it without a violation, and it stops injected script.

Every browser test fails on a violation (tests/e2e/conftest.py), so the worked flows check their own pages;
this file covers the pages no flow visits (the API docs and the admin) and shows the policy really blocks.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CSP_VIOLATIONS
from tests.e2e.signin import sign_in


def test_pages_carry_the_policy_and_it_blocks_a_script_injected_into_them(
    page: Page, force: Any, request: pytest.FixtureRequest
) -> None:
    user = force.user("investigator")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    sign_in(page, user)
    response = page.goto("/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy

    # As if a stored name had escaped the templates: an inline script in the page does not run.
    ran = page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.custosInjected = true";
            document.head.appendChild(script);
            return window.custosInjected === true;
        }"""
    )
    assert ran is False
    violations = request.node.stash[CSP_VIOLATIONS]
    page.wait_for_timeout(200)  # the console message arrives after the script is refused
    assert any("script-src" in v for v in violations), violations
    violations.clear()  # provoked on purpose; the fixture fails the test on any other


def test_the_offline_api_docs_render_under_the_policy(page: Page, force: Any) -> None:
    user = force.user("investigator")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    sign_in(page, user)
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()


def test_the_admin_back_office_works_under_the_policy(page: Page, force: Any) -> None:
    admin = force.user("administrator")
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(page, admin)
    page.goto("/admin/workforce/person/")
    expect(page.locator("#result_list")).to_be_visible()
    page.locator("#result_list tbody th a").first.click()
    expect(page.get_by_role("heading", name="View person")).to_be_visible()
