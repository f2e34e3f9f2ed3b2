"""A page's rule, written once on its view, decides both who may open it and who is shown links to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from custos.core.domains import nav_items
from custos.core.pages import can_open

pytestmark = pytest.mark.django_db

# (role, page, may open): each row is both a 404 check on the page and a visibility check on its links.
CASES = [
    ("investigator", "crimes:list", True),
    ("performance-analyst", "crimes:list", False),
    ("inspector", "workforce:people", False),
    ("administrator", "workforce:people", True),
    ("investigator", "investigations:worklist", True),
    ("inspector", "investigations:worklist", False),  # aggregates only: no caseload of their own
    ("offender-manager", "offenders:dashboard", False),
    ("mosovo-supervisor", "offenders:dashboard", True),
    ("offender-manager", "triage:worklist", False),
    ("digital-forensic-examiner", "triage:worklist", True),
]


@pytest.mark.parametrize(("role", "page", "opens"), CASES)
def test_the_page_and_its_links_agree(force: Any, client_for: Any, role: str, page: str, opens: bool) -> None:
    user = force.user(role)
    status = client_for(user).get(reverse(page)).status_code
    assert status == (200 if opens else 404)
    assert can_open(user, page) is opens
    in_nav = reverse(page) in {url for _, url in nav_items(user)}
    if not opens:
        assert not in_nav


def test_the_header_shows_only_pages_its_reader_may_open(force: Any, client_for: Any) -> None:
    analyst = force.user("performance-analyst")
    html = client_for(analyst).get(reverse("home")).content.decode()
    assert f'href="{reverse("crimes:list")}"' not in html
    assert f'href="{reverse("workforce:people")}"' not in html
    investigator = force.user("investigator")
    html = client_for(investigator).get(reverse("home")).content.decode()
    assert f'href="{reverse("crimes:list")}"' in html
    assert f'href="{reverse("investigations:worklist")}"' in html


def test_a_link_shown_inside_a_page_follows_the_same_rule(force: Any, client_for: Any) -> None:
    def queue_page(role: str) -> str:
        return str(client_for(force.user(role)).get(reverse("triage:queue")).content.decode())

    worklist = f'href="{reverse("triage:worklist")}"'
    assert worklist not in queue_page("investigator")
    assert worklist in queue_page("digital-forensic-examiner")


def test_an_unknown_page_name_is_not_openable(force: Any) -> None:
    assert can_open(force.user("administrator"), "no-such:page") is False
