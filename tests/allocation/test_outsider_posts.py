"""Every allocation page that changes a crime or a conflict of interest refuses a supervisor of another
borough: 404 and nothing changes (see tests/workforce/outsiders.py). Runs and what-ifs carry no record: a
supervisor's run is always of their own borough (tests/allocation/routes.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.allocation.routes import _conflict
from tests.crimes.factories import make_crime
from tests.workforce.outsiders import OutsiderPost, check, ids


def _crime(force: Any) -> Any:
    return make_crime(borough=force.boroughs["A"], team=force.teams["cid@A"])


def _override_url(force: Any) -> str:
    crime = _crime(force)
    force.__dict__["_override_crime"] = crime
    return reverse("allocation:override", args=[crime.pk])


def _override_body(force: Any) -> dict[str, Any]:
    crime = force.__dict__["_override_crime"]
    crime.refresh_from_db()
    return {
        "officer": force.people["investigator@A"].pk,
        "rationale": "Knows the victim's family liaison history",
        "version": crime.version,
    }


def _cases(inside: str, outsider: str, label: str) -> list[OutsiderPost]:
    return [
        OutsiderPost(
            f"allocate_crime/{label}",
            inside,
            outsider,
            lambda f: reverse("allocation:allocate_crime", args=[_crime(f).pk]),
        ),
        OutsiderPost(f"override/{label}", inside, outsider, _override_url, _override_body),
        OutsiderPost(
            f"conflict_withdraw/{label}",
            inside,
            outsider,
            lambda f: reverse("allocation:conflict_withdraw", args=[_conflict(f).pk]),
            lambda f: {"reason": "Moved away; no longer in contact"},
        ),
    ]


CASES = [
    *_cases("investigation-supervisor@A", "investigation-supervisor@B", "other-borough"),
    *_cases("detective-inspector@A", "detective-inspector@B", "other-borough-di"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_an_outsider_changes_no_allocation_and_gets_404(
    case: OutsiderPost, force: Any, client_for: Any
) -> None:
    check(case, force, client_for)
