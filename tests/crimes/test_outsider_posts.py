"""Every page that changes a crime or its suspects refuses a recorder of another borough who does not hold
the crime: 404 and nothing changes (see tests/workforce/outsiders.py). Recording a crime or importing crimes
carries no record: the service refuses another borough (tests/crimes/test_crime_need_to_know.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from custos.crimes.models import Crime, Suspect
from tests.crimes.routes import _crime, _suspect
from tests.crimes.test_crime_edit_page import form_data
from tests.workforce.outsiders import OutsiderPost, check, ids


def _edit_body(force: Any) -> dict[str, Any]:
    return form_data(Crime.objects.get(pk=_crime(force).pk), location="High Street")


def _suspect_body(force: Any) -> dict[str, Any]:
    suspect = Suspect.objects.get(pk=_suspect(force).pk)
    return {"version": suspect.version, "status": "identified", "description": "Tall, dark coat"}


def _cases(inside: str, outsider: str, label: str) -> list[OutsiderPost]:
    return [
        OutsiderPost(
            f"edit/{label}",
            inside,
            outsider,
            lambda f: reverse("crimes:edit", args=[_crime(f).pk]),
            _edit_body,
        ),
        OutsiderPost(
            f"suspect_add/{label}",
            inside,
            outsider,
            lambda f: reverse("crimes:suspect_add", args=[_crime(f).pk]),
            lambda f: {"status": "not-identified", "description": "Seen on CCTV"},
        ),
        OutsiderPost(
            f"suspect_edit/{label}",
            inside,
            outsider,
            lambda f: reverse("crimes:suspect_edit", args=[_crime(f).pk, _suspect(f).pk]),
            _suspect_body,
        ),
    ]


CASES = [
    *_cases("investigator@A", "investigator@B", "other-borough"),
    *_cases("ocsae-investigator@A", "ocsae-investigator@B", "other-borough-ocsae"),
    *_cases("detective-inspector@A", "detective-inspector@B", "other-borough-di"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_an_outsider_changes_no_crime_and_gets_404(case: OutsiderPost, force: Any, client_for: Any) -> None:
    check(case, force, client_for)
