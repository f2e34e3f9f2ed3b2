"""Every page that changes an offender's record refuses an offender manager or DS of another borough (not
lead or deputy of THIS nominal): 404 and nothing changes (see tests/workforce/outsiders.py). Tasks and breach
cases open to professional standards for reading refuse their posts the same way."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.offenders.factories import make_offender
from tests.offenders.test_photos import _image
from tests.workforce.outsiders import OutsiderPost, check, ids

TODAY = date.today().isoformat()


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "private"


def _offender(force: Any) -> Any:
    o = make_offender(force)
    force.__dict__["_outsider_offender"] = o
    return o


def _current(force: Any) -> Any:
    o = force.__dict__["_outsider_offender"]
    o.refresh_from_db()
    return o


def _page(name: str) -> Any:
    return lambda f: reverse(f"offenders:{name}", args=[_offender(f).pk])


def _management_body(force: Any) -> dict[str, Any]:
    o = _current(force)
    return {
        "version": o.version,
        "mappa_category": 1,
        "mappa_level": 2,
        "management_mode": "active",
        "rosh_level": "high",
        "rosh_reason": "Access to children through a new partner",
        "lead_manager": force.people["offender-manager@A"].pk,
        "deputy_manager": "",
    }


def _item(model: str, name: str, **fields: Any) -> Any:
    def url(force: Any) -> str:
        from django.apps import apps

        o = _offender(force)
        item = apps.get_model("offenders", model).objects.create(offender=o, **fields)
        force.__dict__["_outsider_item"] = item
        return reverse(f"offenders:{name}", args=[o.pk, item.pk])

    return url


def _item_version(force: Any) -> int:
    item = force.__dict__["_outsider_item"]
    item.refresh_from_db()
    return int(item.version)


def _task_url(force: Any) -> str:
    from custos.offenders.models import OffenderTask

    task = OffenderTask.objects.create(
        offender=_offender(force),
        kind="risk-review",
        owner=force.people["offender-manager@A"],
        episode=date(2001, 1, 1),
        reason="outsider test",
        basis="test",
        policy_version="t",
    )
    return reverse("offenders:task", args=[task.pk])


def _breach_url(force: Any) -> str:
    from custos.offenders.models import BreachCase

    case = BreachCase.objects.create(
        offender=_offender(force),
        opened_on=date(2024, 1, 1),
        reason="outsider test",
        basis="R3",
        policy_version="t",
        record_by=date(2024, 1, 2),
        decide_by=date(2024, 1, 2),
        next_review=date(2024, 1, 8),
    )
    return reverse("offenders:breach", args=[case.pk])


TASK_CLOSE = {"decision": "No change to risk", "rationale": "Reviewed at the home visit"}
BREACH_RECORD = {"action": "record", "pnc": "on"}  # ViSOR needs a trained user; PNC anyone managing


def _cases(inside: str, outsider: str, label: str) -> list[OutsiderPost]:
    def case(name: str, url: Any, data: Any = lambda f: {}) -> OutsiderPost:
        return OutsiderPost(f"{name}/{label}", inside, outsider, url, data)

    return [
        case(
            "visit_record",
            _page("visit_record"),
            lambda f: {"attempted_at": "2024-03-01T10:00", "outcome": "seen-and-entered"},
        ),
        case(
            "notification_record",
            _page("notification_record"),
            lambda f: {"kind": "annual", "on": TODAY, "station": "Holborn", "in_person": "on"},
        ),
        case(
            "risk",
            _page("risk"),
            lambda f: {
                "form": "arms",
                "assessed_on": TODAY,
                "risk_factors": "Isolation",
                "judgement": "Stable",
            },
        ),
        case("management", _page("management"), _management_body),
        case("details_add", _page("details_add"), lambda f: {"section": "alias", "last_name": "Routeson"}),
        case(
            "transfer",
            _page("transfer"),
            lambda f: {"to_borough": f.boroughs["B"].pk, "reason": "Moved to a hostel there"},
        ),
        case(
            "warrant",
            _page("warrant"),
            lambda f: {"action": "apply", "on": "2024-05-01", "address": "1 Test Road"},
        ),
        case(
            "conviction_add",
            _page("conviction_add"),
            lambda f: {
                "offence": "Sexual assault (SOA 2003 s.3)",
                "schedule3": "on",
                "conviction_date": "2020-01-15",
                "sentence_date": "2020-03-01",
                "disposal": "imprisonment",
                "term_months": "24",
                "court": "Snaresbrook Crown Court",
            },
        ),
        case("photo_upload", _page("photo_upload"), lambda f: {"image": _image(), "taken_on": "2024-05-01"}),
        case(
            "alias_edit",
            _item("Alias", "alias_edit", last_name="Aliasname"),
            lambda f: {"last_name": "Aliasname", "first_name": "Johnny", "version": _item_version(f)},
        ),
        case(
            "alias_end",
            _item("Alias", "alias_end", last_name="Aliasname"),
            lambda f: {"version": _item_version(f), "ended_on": "2024-06-01"},
        ),
        case("task", _task_url, lambda f: TASK_CLOSE),
        case("breach", _breach_url, lambda f: BREACH_RECORD),
    ]


CASES = [
    *_cases("offender-manager@A", "offender-manager@B", "other-borough"),
    *_cases("mosovo-supervisor@A", "mosovo-supervisor@B", "other-borough-ds"),
    # Professional standards read tasks and breach cases (oversight) but never change them.
    OutsiderPost(
        "task/read-only", "mosovo-supervisor@A", "professional-standards@A", _task_url, lambda f: TASK_CLOSE
    ),
    OutsiderPost(
        "breach/read-only",
        "mosovo-supervisor@A",
        "professional-standards@A",
        _breach_url,
        lambda f: BREACH_RECORD,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_an_outsider_changes_no_offender_record_and_gets_404(
    case: OutsiderPost, force: Any, client_for: Any
) -> None:
    check(case, force, client_for)
