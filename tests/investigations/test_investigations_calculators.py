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


@pytest.mark.parametrize(
    ("outcome", "suspect", "valid"),
    [
        ("21", "none", False),
        ("21", "identified", False),
        ("21", "named", True),
        ("18", "none", True),
        ("18", "named", False),
        ("15", "identified", True),
        ("0", "named", False),
    ],
)
def test_outcome_check_reports_valid_and_errors(
    investigations_calc: Calc, outcome: str, suspect: str, valid: bool
) -> None:
    result = investigations_calc("outcome-check", "--outcome", outcome, "--suspect", suspect)
    assert result["valid"] is valid
    assert isinstance(result["errors"], list)
    assert bool(result["errors"]) is not valid
    json.dumps(result)


def test_an_unknown_suspect_state_is_an_argument_error(investigations_calc: Calc) -> None:
    with pytest.raises(SystemExit):
        investigations_calc("outcome-check", "--outcome", "1", "--suspect", "maybe")


def test_review_due_for_a_first_review(investigations_calc: Calc) -> None:
    assert investigations_calc("review-due", "--allocated", "2025-12-24")["due"] == "2025-12-29"


def test_review_due_needs_one_kind_of_question(investigations_calc: Calc) -> None:
    with pytest.raises(UserError):
        investigations_calc("review-due", "--reviewed", "2025-12-24")


def test_lines_of_enquiry_for_an_offence(investigations_calc: Calc) -> None:
    result = investigations_calc("lines-of-enquiry", "--offence", "robbery-personal")
    assert "phone-tracking" in [line["key"] for line in result["lines"]]
    assert all(set(line) == {"key", "title"} for line in result["lines"])


def test_lines_of_enquiry_for_an_unknown_offence_is_a_user_error(investigations_calc: Calc) -> None:
    with pytest.raises(UserError, match="burglary-residential"):
        investigations_calc("lines-of-enquiry", "--offence", "mugging")


def cli_available() -> bool:
    try:
        import custos.cli  # noqa: F401
    except ModuleNotFoundError:
        return False
    return CUSTOS.exists()


@pytest.mark.skipif(not cli_available(), reason="the custos console script is not installed yet")
def test_the_real_cli_prints_the_outcome_check_as_json() -> None:
    out = subprocess.run(
        [str(CUSTOS), "calc", "outcome-check", "--outcome", "21", "--suspect", "none", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["valid"] is False
    assert result["errors"]
