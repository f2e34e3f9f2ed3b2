"""Every state-changing victims page refuses someone who holds the role but not need-to-know of THIS
victim's crime: the investigator of another borough or of another team in the same borough, the victim
care officer or reviewer of another borough, get 404 and nothing changes (tests/workforce/outsiders.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.victims.routes import (
    _fresh_link,
    _fresh_obligation,
    _fresh_review,
    _link,
    _victim,
)
from tests.workforce.outsiders import OutsiderPost, check, ids

TODAY = date.today().isoformat()


def _other_team_investigator(force: Any) -> None:
    """An investigator of a second CID team in borough A: same role and borough, not their team's crime."""
    from custos.workforce.models import Team
    from tests.conftest import _make_person, _make_user

    if "investigator@A2" not in force.users:
        team = Team.objects.create(borough=force.boroughs["A"], name="cid A2", team_type="cid")
        dc = _make_person(
            rank="detective-constable",
            borough=force.boroughs["A"],
            team=team,
            pip_level=2,
            pip_accredited_on=date(2018, 5, 1),
        )
        force.users["investigator@A2"] = _make_user("investigator-a2", ["investigator"], dc)


def _second_crime(force: Any) -> str:
    """Another crime of borough A held by the same investigator: a crime the victim can be linked to."""
    from tests.crimes.factories import make_crime

    crime = make_crime(
        borough=force.boroughs["A"], officer=force.people["investigator@A"], team=force.teams["cid@A"]
    )
    return str(crime.reference)


def _victim_body(force: Any) -> dict[str, Any]:
    from custos.victims.models import Victim

    v = Victim.objects.get(pk=_victim(force).pk)
    return {
        "kind": "person",
        "first_name": v.first_name,
        "last_name": "Changed",
        "contact_method": "phone",
        "language": "Welsh",
        "version": v.version,
    }


def _url(name: str, build: Any) -> Any:
    def url(force: Any) -> str:
        _other_team_investigator(force)
        return reverse(name, args=[build(force).pk])

    return url


def _crime_url(name: str) -> Any:
    def url(force: Any) -> str:
        _other_team_investigator(force)
        return reverse(name, args=[_link(force).crime_id])

    return url


def _cases(outsider: str, label: str) -> list[OutsiderPost]:
    inside = "investigator@A"
    return [
        OutsiderPost(
            f"add/{label}",
            inside,
            outsider,
            _crime_url("victims:add"),
            lambda f: {
                "kind": "person",
                "first_name": "Jo",
                "last_name": "Bloggs",
                "contact_method": "phone",
                "language": "English",
            },
        ),
        OutsiderPost(f"edit/{label}", inside, outsider, _url("victims:edit", _victim), _victim_body),
        OutsiderPost(
            f"link/{label}",
            inside,
            outsider,
            _url("victims:link", _victim),
            lambda f: {"reference": _second_crime(f)},
        ),
        OutsiderPost(
            f"assess/{label}",
            inside,
            outsider,
            _url("victims:assess", _victim),
            lambda f: {"reason": "Circumstances changed"},
        ),
        OutsiderPost(
            f"record_event/{label}",
            inside,
            outsider,
            _crime_url("victims:record_event"),
            lambda f: {"event": "arrest", "occurred_on": TODAY},
        ),
        OutsiderPost(
            f"obligation/{label}",
            inside,
            outsider,
            _url("victims:obligation", _fresh_obligation),
            lambda f: {"status": "met", "evidence": "Phoned the victim"},
        ),
        OutsiderPost(
            f"obligation_start/{label}",
            inside,
            outsider,
            _url("victims:obligation_start", _fresh_link),
            lambda f: {"key": "vps-offer", "on": TODAY},
        ),
        OutsiderPost(
            f"withdraw/{label}",
            inside,
            outsider,
            _url("victims:withdraw", _fresh_link),
            lambda f: {"reason": "Does not want police action"},
        ),
        OutsiderPost(
            f"review_request/{label}",
            inside,
            outsider,
            _url("victims:review_request", _fresh_link),
            lambda f: {"notified_on": TODAY},
        ),
        OutsiderPost(
            f"review_acknowledge/{label}",
            inside,
            outsider,
            _url("victims:review_acknowledge", _fresh_review),
        ),
    ]


CASES = [
    *_cases("investigator@B", "other-borough"),
    *_cases("investigator@A2", "other-team"),
    *_cases("victim-care-officer@B", "other-borough-vco"),
    OutsiderPost(
        "review_decide/other-borough",
        "investigation-supervisor@A",
        "investigation-supervisor@B",
        _url("victims:review_decide", _fresh_review),
        lambda f: {"outcome": "not-upheld", "reasons": "The decision stands"},
    ),
    OutsiderPost(
        "review_decide/other-borough-di",
        "detective-inspector@A",
        "detective-inspector@B",
        _url("victims:review_decide", _fresh_review),
        lambda f: {"outcome": "not-upheld", "reasons": "The decision stands"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_an_outsider_changes_no_victim_record_and_gets_404(
    case: OutsiderPost, force: Any, client_for: Any
) -> None:
    check(case, force, client_for)
