"""Browser-test harness: Playwright's sync API driving Debian's chromium against pytest-django's live_server.

Every test under tests/e2e is marked `browser`, so `pytest -m "not browser"` leaves them out and
`pytest -m browser tests/e2e` runs only them (scripts/test does both). Fixtures:

- `browser`: one headless chromium for the session (`$CUSTOS_CHROMIUM`, default /usr/bin/chromium). Playwright
  gives it a fresh, empty profile (user-data-dir) and deletes it afterwards.
- `page`: a new browser context per test with `base_url` set to the live server, so `page.goto("/healthz")`
  works. Timeouts: 10 s for actions, 30 s for navigations. Requests that leave the live server are blocked
  and fail the test (no CDN, no tracking), and so does any uncaught JavaScript error or anything the Content
  Security Policy blocks. When a test fails, a full-page screenshot goes to var/e2e-screenshots/.

Without chromium the tests are skipped with the reason, except when CI=true, where they fail.

While the browser is up, DJANGO_ALLOW_ASYNC_UNSAFE=true (see the `browser` fixture), so tests can use the ORM.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request, Route

E2E_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = E2E_DIR.parents[1] / "var" / "e2e-screenshots"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Actions and expectations wait up to 10 s; a navigation, which includes the server's work, up to 30 s so a
# busy machine does not turn slowness into failures. CUSTOS_E2E_TIMEOUT_MS scales both (for slow machines).
DEFAULT_TIMEOUT_MS = int(os.environ.get("CUSTOS_E2E_TIMEOUT_MS", "10000"))
NAVIGATION_TIMEOUT_MS = 3 * DEFAULT_TIMEOUT_MS
# As root chromium needs --no-sandbox; the rest keep it from calling home, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
CHROMIUM_MISSING = "chromium not found at {path}: install Debian's chromium or set CUSTOS_CHROMIUM"
# What the Content Security Policy blocked on the test's page; a test that provokes a violation on purpose
# reads and clears it.
CSP_VIOLATIONS = pytest.StashKey[list[str]]()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_path() -> str:
    return os.environ.get("CUSTOS_CHROMIUM", DEFAULT_CHROMIUM)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the mark must be on the items before `-m` deselects by it.
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keep each phase's report on the item, so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"custos_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        message = CHROMIUM_MISSING.format(path=path)
        if in_ci():
            pytest.fail(f"{message} (CI=true: browser tests must run)", pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop marked as running in the test thread from here to the
    # end of the session, and Django refuses ORM calls from such a thread unless told it is safe. It is: the
    # loop is Playwright's own and never runs Django code. Set only while the browser is up, so test runs
    # that never start it (scripts/test's SQLite and PostgreSQL stages) keep Django's check.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Playwright launches chromium with a new temporary --user-data-dir and removes it on close.
        launched = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _is_local(url: str, base_url: str) -> bool:
    return url.startswith((base_url, "data:", "blob:", "about:"))


@pytest.fixture
def page(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    base_url = live_server.url
    context = browser.new_context(
        base_url=base_url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)

    external: list[str] = []

    def block_external(route: Route, req: Request) -> None:
        if _is_local(req.url, base_url):
            route.continue_()
        else:
            external.append(req.url)
            route.abort()

    context.route(re.compile(r".*"), block_external)
    opened = context.new_page()
    js_errors: list[str] = []
    opened.on("pageerror", lambda error: js_errors.append(str(error)))
    # Chromium reports what the Content Security Policy blocked as a console error; none is allowed.
    csp_violations: list[str] = []
    request.node.stash[CSP_VIOLATIONS] = csp_violations
    opened.on(
        "console",
        lambda message: (
            csp_violations.append(f"{opened.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield opened
        failed = any(
            getattr(getattr(request.node, f"custos_report_{when}", None), "failed", False)
            for when in ("setup", "call")
        )
        if failed:
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
            opened.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
    finally:
        context.close()
    if external:
        pytest.fail(f"the page requested addresses outside the live server: {external}", pytrace=False)
    if js_errors:
        pytest.fail(f"uncaught JavaScript errors: {js_errors}", pytrace=False)
    if csp_violations:
        pytest.fail(f"the Content Security Policy blocked: {csp_violations}", pytrace=False)
