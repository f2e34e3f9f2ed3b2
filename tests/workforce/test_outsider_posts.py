"""Every state-changing workforce page refuses someone who holds the role but not need-to-know of THIS
person: the DS of another borough or of another team gets 404 and nothing changes (see
tests/workforce/outsiders.py). Teams are changed only by administrators, who work force-wide: the matrix
(tests/workforce/routes.py) shows every other role 404 there."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.workforce.outsiders import OutsiderPost, check, ids

_years = itertools.count(2051)


def _om(force: Any) -> Any:
    return force.people["offender-manager@A"]


def _other_team_ds(force: Any) -> str:
    """A DS of a second offender-management team in borough A (same role and borough, another team)."""
    from custos.workforce.models import Team
    from tests.conftest import _make_person, _make_user

    if "mosovo-supervisor@A2" not in force.users:
        team = Team.objects.create(
            borough=force.boroughs["A"], name="offender-management A2", team_type="offender-management"
        )
        ds = _make_person(
            rank="detective-sergeant",
            borough=force.boroughs["A"],
            team=team,
            pip_level=2,
            pip_accredited_on=date(2016, 1, 1),
        )
        force.users["mosovo-supervisor@A2"] = _make_user("mosovo-supervisor-a2", ["mosovo-supervisor"], ds)
    return "mosovo-supervisor@A2"


def _with_other_team(url: Any) -> Any:
    def build(force: Any) -> str:
        _other_team_ds(force)
        return str(url(force))

    return build


def _person_body(force: Any) -> dict[str, Any]:
    p = _om(force)
    p.refresh_from_db()
    return {
        "first_name": p.first_name,
        "last_name": "Renamed",
        "rank": p.rank,
        "job_role": p.job_role,
        "team": p.team_id,
        "line_supervisor": p.line_supervisor_id,
        "start_date": p.start_date.isoformat(),
        "pip_level": p.pip_level,
        "pip_accredited_on": p.pip_accredited_on.isoformat() if p.pip_accredited_on else "",
        "visor_authorised": "on" if p.visor_authorised else "",
        "visor_trained_on": p.visor_trained_on.isoformat() if p.visor_trained_on else "",
        "visor_training_expires": p.visor_training_expires.isoformat() if p.visor_training_expires else "",
        "hours_per_week": p.hours_per_week,
        "active": "on",
        "version": p.version,
    }


def _absence_body(force: Any) -> dict[str, str]:
    year = next(_years)
    return {"kind": "annual-leave", "starts_on": f"{year}-02-01", "ends_on": f"{year}-02-03"}


def _absence_url(force: Any) -> str:
    from custos.workforce.models import Absence

    year = next(_years)
    a = Absence.objects.create(
        person=_om(force), kind="annual-leave", starts_on=f"{year}-01-01", ends_on=f"{year}-01-05"
    )
    return reverse("workforce:absence_delete", args=[_om(force).pk, a.pk])


def _accreditation_url(force: Any) -> str:
    from custos.workforce.models import Accreditation

    a, _ = Accreditation.objects.get_or_create(
        person=_om(force), specialism="mosovo", defaults={"accredited_on": "2020-01-01"}
    )
    return reverse("workforce:accreditation_remove", args=[_om(force).pk, a.pk])


def _cases(outsider: str, label: str, wrap: Any = lambda u: u) -> list[OutsiderPost]:
    person = wrap(lambda f: reverse("workforce:person_edit", args=[_om(f).pk]))
    return [
        OutsiderPost(f"person_edit/{label}", "mosovo-supervisor@A", outsider, person, _person_body),
        OutsiderPost(
            f"absence_add/{label}",
            "mosovo-supervisor@A",
            outsider,
            wrap(lambda f: reverse("workforce:absence_add", args=[_om(f).pk])),
            _absence_body,
        ),
        OutsiderPost(f"absence_delete/{label}", "mosovo-supervisor@A", outsider, wrap(_absence_url)),
        OutsiderPost(
            f"accreditation_add/{label}",
            "mosovo-supervisor@A",
            outsider,
            wrap(lambda f: reverse("workforce:accreditation_add", args=[_om(f).pk])),
            lambda f: {"specialism": "rasso", "accredited_on": "2020-01-01"},
        ),
        OutsiderPost(
            f"accreditation_remove/{label}", "mosovo-supervisor@A", outsider, wrap(_accreditation_url)
        ),
    ]


CASES = [
    *_cases("mosovo-supervisor@B", "other-borough"),
    *_cases("mosovo-supervisor@A2", "other-team", _with_other_team),
    *_cases("detective-inspector@B", "other-borough-di"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_an_outsider_changes_no_person_and_gets_404(case: OutsiderPost, force: Any, client_for: Any) -> None:
    check(case, force, client_for)
