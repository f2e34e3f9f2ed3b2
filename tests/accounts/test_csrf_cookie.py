"""The CSRF cookie is HttpOnly: no script of ours reads it. htmx sends the token from the page's
<meta name="csrf-token"> (custos.js) and Swagger UI from its page's data-csrf-token, so a script injected into
a page cannot lift the token from document.cookie either."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from tests.conftest import verify_client

STATIC = Path(settings.BASE_DIR) / "static" / "custos"


def _meta_token(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "every page carries the token for htmx in a meta tag"
    return found.group(1)


def test_the_csrf_cookie_cannot_be_read_by_scripts(force: Any) -> None:
    client = verify_client(Client(enforce_csrf_checks=True), force.user("investigator"))
    client.get("/accounts/tokens/")
    assert client.cookies[settings.CSRF_COOKIE_NAME]["httponly"] is True


def test_an_htmx_post_with_the_meta_tag_token_is_accepted_and_one_without_is_refused(force: Any) -> None:
    user = force.user("investigator")
    client = verify_client(Client(enforce_csrf_checks=True), user)
    token = _meta_token(client.get("/accounts/tokens/").content.decode())
    form = {"name": "htmx", "scope": "read", "days": 7}

    refused = client.post("/accounts/tokens/", form, headers={"HX-Request": "true"})
    accepted = client.post("/accounts/tokens/", form, headers={"HX-Request": "true", "X-CSRFToken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 200 and user.api_tokens.filter(name="htmx").count() == 1


def test_no_script_of_ours_reads_cookies() -> None:
    scripts = [p for p in STATIC.rglob("*.js")]
    assert scripts
    assert not [p.name for p in scripts if "document.cookie" in p.read_text()]


def test_the_api_documentation_sends_the_token_from_its_page(force: Any) -> None:
    client = verify_client(Client(enforce_csrf_checks=True), force.user("investigator"))
    page = client.get("/api/v1/docs").content.decode()
    assert re.search(r'data-csrf-token="[^"]+"', page)
