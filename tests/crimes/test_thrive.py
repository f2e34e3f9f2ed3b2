from __future__ import annotations

from typing import Any

from custos.core.policy import Policy
from custos.crimes.rules import thrive_errors
from custos.crimes.rules.thrive import ELEMENT_MISSING, REASSESSMENT_REASON_MISSING, REPEAT_VICTIM_MISSING


def complete() -> dict[str, Any]:
    return {
        "threat": "ex-partner threatened to return",
        "harm": "bruising to arm",
        "risk": "high: escalating pattern",
        "investigation": "doorbell footage available",
        "vulnerability": "victim pregnant",
        "engagement": "victim wants contact by text",
        "response_grade": "emergency",
        "assessed_by": "call handler 4411",
        "repeat_victim": True,
    }


def test_a_complete_record_is_valid(policy: Policy) -> None:
    assert thrive_errors(complete(), policy=policy) == []


def test_every_missing_element_is_named(policy: Policy) -> None:
    record = complete() | {"harm": " ", "engagement": None}
    assert thrive_errors(record, policy=policy) == [
        ELEMENT_MISSING.format(element="harm"),
        ELEMENT_MISSING.format(element="engagement"),
    ]


def test_the_response_grade_must_be_one_the_force_uses(policy: Policy) -> None:
    errors = thrive_errors(complete() | {"response_grade": "grade 7"}, policy=policy)
    assert len(errors) == 1
    assert "grade 7" in errors[0]


def test_repeat_victim_must_be_recorded(policy: Policy) -> None:
    record = complete()
    del record["repeat_victim"]
    assert thrive_errors(record, policy=policy) == [REPEAT_VICTIM_MISSING]


def test_a_reassessment_records_what_changed(policy: Policy) -> None:
    assert thrive_errors(complete(), reassessment=True, policy=policy) == [REASSESSMENT_REASON_MISSING]
    ok = complete() | {"reassessment_reason": "suspect seen near address"}
    assert thrive_errors(ok, reassessment=True, policy=policy) == []
