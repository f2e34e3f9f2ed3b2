"""Smoke tests: the live server answers in a real browser, and the pages carry our own vendored assets."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.shortcuts import resolve_url
from playwright.sync_api import Page, expect


def test_health_check_reports_a_reachable_database_and_applied_migrations(page: Page) -> None:
    response = page.goto("/healthz")

    assert response is not None
    # No worker runs in the test, so the service may report itself degraded, but never failed.
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True, "pending": 0}


def test_sign_in_page_is_styled_by_vendored_assets_without_gov_uk_font_or_crown(page: Page) -> None:
    css_responses: list[str] = []
    page.on("response", lambda r: css_responses.append(r.url) if r.url.endswith(".css") else None)

    response = page.goto(resolve_url(settings.LOGIN_URL))

    assert response is not None
    assert response.status == 200
    # GOV.UK Frontend's CSS came from our own static files and applies the system font stack.
    assert any("/static/vendor/govuk-frontend/" in url for url in css_responses)
    styled_text = page.locator(".govuk-heading-xl, .govuk-heading-l, .govuk-body, .govuk-label")
    font = styled_text.first.evaluate("element => getComputedStyle(element).fontFamily")
    assert "GDS Transport" not in font
    assert "system-ui" in font
    # custos.js ran as a module and left GOV.UK Frontend able to initialise components.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.locator("svg.govuk-header__logotype, .govuk-footer__copyright-logo").count() == 0
