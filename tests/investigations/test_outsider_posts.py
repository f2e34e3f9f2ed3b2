"""Every page that changes an investigation (its lines, tasks, reviews, outcome and sign-off) refuses a
recorder or supervisor of another borough: 404 and nothing changes (see tests/workforce/outsiders.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from tests.crimes.factories import allocated_crime
from tests.workforce.outsiders import OutsiderPost, check, ids

FUTURE = (date.today() + timedelta(days=7)).isoformat()


def _crime(force: Any) -> Any:
    crime = allocated_crime(force)
    force.__dict__["_investigated"] = crime
    return crime


def _lines_resolved(force: Any) -> Any:
    """A crime whose every line of enquiry is resolved: an NFA outcome may be proposed."""
    from custos.investigations.models import LineOfEnquiry

    crime = _crime(force)
    LineOfEnquiry.objects.filter(plan__crime=crime).update(status="pursued", reason="Done; nothing found")
    return crime


def _awaiting_signoff(force: Any) -> Any:
    from custos.investigations.services import outcome_propose

    crime = _lines_resolved(force)
    outcome_propose(
        actor=force.users["investigator@A"],
        crime=crime,
        outcome=18,
        rationale="Every line exhausted",
        victim_informed=True,
    )
    return crime


def _line_url(force: Any) -> str:
    from custos.investigations.models import LineOfEnquiry

    line = LineOfEnquiry.objects.filter(plan__crime=_crime(force)).order_by("id").first()
    assert line is not None
    force.__dict__["_line"] = line
    return reverse("investigations:line_update", args=[line.pk])


def _line_body(force: Any) -> dict[str, Any]:
    line = force.__dict__["_line"]
    line.refresh_from_db()
    return {"status": "pursued", "reason": "Checked", "version": line.version}


def _task_url(force: Any) -> str:
    from custos.investigations.models import Task

    crime = _crime(force)
    task = Task.objects.create(crime=crime, title="Trace CCTV", owner=crime.officer, due_on=date.today())
    return reverse("investigations:task_done", args=[task.pk])


def _recorder_cases(inside: str, outsider: str, label: str) -> list[OutsiderPost]:
    return [
        OutsiderPost(f"line_update/{label}", inside, outsider, _line_url, _line_body),
        OutsiderPost(
            f"task_add/{label}",
            inside,
            outsider,
            lambda f: reverse("investigations:task_add", args=[_crime(f).pk]),
            lambda f: {"title": "Visit the victim", "due_on": FUTURE},
        ),
        OutsiderPost(f"task_done/{label}", inside, outsider, _task_url),
        OutsiderPost(
            f"outcome/{label}",
            inside,
            outsider,
            lambda f: reverse("investigations:outcome", args=[_lines_resolved(f).pk]),
            lambda f: {"outcome": "18", "rationale": "Every line exhausted", "victim_informed": "on"},
        ),
    ]


def _supervisor_cases(inside: str, outsider: str, label: str) -> list[OutsiderPost]:
    return [
        OutsiderPost(
            f"review_add/{label}",
            inside,
            outsider,
            lambda f: reverse("investigations:review_add", args=[_crime(f).pk]),
            lambda f: {"direction": "Trace CCTV"},
        ),
        OutsiderPost(
            f"signoff/{label}",
            inside,
            outsider,
            lambda f: reverse("investigations:signoff", args=[_awaiting_signoff(f).pk]),
            lambda f: {"rationale": "Agreed: every line exhausted"},
        ),
    ]


CASES = [
    *_recorder_cases("investigator@A", "investigator@B", "other-borough"),
    *_recorder_cases("detective-inspector@A", "detective-inspector@B", "other-borough-di"),
    *_supervisor_cases("investigation-supervisor@A", "investigation-supervisor@B", "other-borough"),
    *_supervisor_cases("detective-inspector@A", "detective-inspector@B", "other-borough-di"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_an_outsider_changes_no_investigation_and_gets_404(
    case: OutsiderPost, force: Any, client_for: Any
) -> None:
    check(case, force, client_for)
