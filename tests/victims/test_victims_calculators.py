from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from custos.core.calc import UserError

Calc = Callable[..., dict[str, Any]]
CUSTOS = Path(sys.executable).parent / "custos"


def entitlement_input(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "victim": {
            "kind": "person",
            "age": 16,
            "named_contact": False,
            "bereaved_relative": False,
            "mental_disorder": False,
            "impairment": False,
            "physical_disability": False,
            "fear_or_distress": False,
        },
        "crime": {"offence_key": "burglary-residential", "flags": []},
        "prior_crimes_against_victim_12_months": 0,
    }
    data.update(changes)
    return data


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "input.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


@pytest.mark.parametrize(
    ("argv", "due"),
    [
        (["--event", "charge", "--date", "2025-12-19", "--enhanced"], "2025-12-22"),
        (["--event", "charge", "--date", "2025-12-19"], "2025-12-30"),
        (["--event", "report", "--date", "2025-12-23"], "2025-12-29"),
    ],
)
def test_victim_deadline_gives_due_and_basis(victims_calc: Calc, argv: list[str], due: str) -> None:
    result = victims_calc("victim-deadline", *argv)
    assert result["due"] == due
    assert result["basis"]
    json.dumps(result)


def test_victim_deadline_refuses_an_unknown_event(victims_calc: Calc) -> None:
    with pytest.raises(SystemExit):
        victims_calc("victim-deadline", "--event", "caution", "--date", "2025-12-19")


def test_vrr_gives_the_window_and_deadlines(victims_calc: Calc) -> None:
    result = victims_calc("vrr", "--notified", "2026-01-15", "--requested", "2026-03-27")
    assert result["in_time"] is True
    assert (result["window_closes"], result["acknowledge_by"], result["decide_by"]) == (
        "2026-04-15",
        "2026-04-14",
        "2026-05-13",
    )
    assert isinstance(result["basis"], list)


def test_vrr_summary_only(victims_calc: Calc) -> None:
    result = victims_calc(
        "vrr",
        "--notified",
        "2026-02-01",
        "--requested",
        "2026-04-20",
        "--summary-only",
        "--incident",
        "2025-10-15",
    )
    assert result["in_time"] is False
    assert result["window_closes"] == "2026-04-15"


@pytest.mark.parametrize(
    "argv",
    [
        ["--notified", "2026-02-01", "--requested", "2026-04-20", "--summary-only"],
        ["--notified", "2026-02-01", "--requested", "2026-04-20", "--incident", "2025-10-15"],
        ["--notified", "2026-02-01", "--requested", "2026-01-20"],
    ],
)
def test_vrr_mistakes_are_user_errors(victims_calc: Calc, argv: list[str]) -> None:
    with pytest.raises(UserError):
        victims_calc("vrr", *argv)


def test_vrr_eligibility_for_worked_example_6(victims_calc: Calc) -> None:
    assert victims_calc("vrr-eligibility", "--outcome", "18")["eligible"] is False
    assert victims_calc("vrr-eligibility", "--outcome", "15")["eligible"] is True


def test_victim_entitlement_for_worked_example_1(victims_calc: Calc, tmp_path: Path) -> None:
    result = victims_calc("victim-entitlement", "--input", write(tmp_path, entitlement_input()))
    assert (result["enhanced"], result["services"], result["categories"]) == (True, True, ["vulnerable"])
    assert result["reasons"]


def test_victim_entitlement_for_a_business_without_a_contact(victims_calc: Calc, tmp_path: Path) -> None:
    data = entitlement_input(victim={"kind": "business", "age": None, "named_contact": False})
    result = victims_calc("victim-entitlement", "--input", write(tmp_path, data))
    assert (result["enhanced"], result["services"], result["categories"]) == (False, False, [])
    assert "named contact" in result["reasons"][0]


def test_victim_entitlement_sexual_offence_flag(victims_calc: Calc, tmp_path: Path) -> None:
    data = entitlement_input(crime={"offence_key": "abh-s47", "flags": ["sexual"]})
    data["victim"]["age"] = 30
    result = victims_calc("victim-entitlement", "--input", write(tmp_path, data))
    assert result["categories"] == ["most-serious-crime", "intimidated"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        (entitlement_input(victim={"kind": "person", "age": "sixteen"}), "victim.age"),
        (
            entitlement_input(victim={"kind": "person", "age": 16, "fear_or_distress": "yes"}),
            "fear_or_distress",
        ),
        (entitlement_input(victim={"kind": "company"}), "victim.kind"),
        (entitlement_input(crime={"offence_key": "mugging", "flags": []}), "burglary-residential"),
        (entitlement_input(crime={"offence_key": "rape", "flags": ["dv"]}), "domestic-abuse"),
        (entitlement_input(crime={"offence_key": "rape", "flags": "sexual"}), "crime.flags"),
        (entitlement_input(prior_crimes_against_victim_12_months=-1), "prior_crimes.*got -1$"),
        (entitlement_input(victim={"kind": "person", "age": -2}), "victim.age .*got -2$"),
        (entitlement_input(prior_crimes_against_victim_12_months=True), "prior_crimes"),
        ({"victim": {"kind": "person"}}, "crime is missing"),
        (entitlement_input(extra=1), "unknown fields"),
    ],
)
def test_victim_entitlement_input_mistakes_are_clear_user_errors(
    victims_calc: Calc, tmp_path: Path, content: Any, message: str
) -> None:
    path = str(tmp_path / "missing.json") if content is None else write(tmp_path, content)
    with pytest.raises(UserError, match=message):
        victims_calc("victim-entitlement", "--input", path)


def cli_available() -> bool:
    try:
        import custos.cli  # noqa: F401
    except ModuleNotFoundError:
        return False
    return CUSTOS.exists()


@pytest.mark.skipif(not cli_available(), reason="the custos console script is not installed yet")
def test_the_real_cli_prints_the_victim_deadline_as_json() -> None:
    out = subprocess.run(
        [
            str(CUSTOS),
            "calc",
            "victim-deadline",
            "--event",
            "charge",
            "--date",
            "2025-12-19",
            "--enhanced",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["due"] == "2025-12-22"
