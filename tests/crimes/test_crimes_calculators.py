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


def test_list_offences_gives_key_code_description_and_default_tier(crimes_calc: Calc) -> None:
    offences = crimes_calc("tier", "--list-offences")
    assert isinstance(offences, list)
    assert set(offences[0]) == {"key", "ho_code", "description", "default_tier"}
    by_key = {o["key"]: o for o in offences}
    assert by_key["gbh-s18"]["default_tier"] == "T2"
    assert by_key["shoplifting"]["ho_code"] == "46"


def test_tier_reports_tier_pip_specialism_and_basis(crimes_calc: Calc) -> None:
    result = crimes_calc("tier", "--offence", "burglary-residential", "--modifier", "weapon")
    assert (result["tier"], result["required_pip"], result["specialism"]) == ("T2", 2, None)
    assert isinstance(result["basis"], list)
    assert all(isinstance(b, str) for b in result["basis"])
    json.dumps(result)


def test_tier_specialism_for_iioc(crimes_calc: Calc) -> None:
    assert crimes_calc("tier", "--offence", "iioc-making")["specialism"] == "ocsae"


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (("--offence", "burglary"), "burglary-residential"),
        (("--offence", "shoplifting", "--modifier", "gun"), "threat-to-life"),
        ((), "--list-offences"),
    ],
)
def test_tier_mistakes_are_user_errors_naming_what_is_valid(
    crimes_calc: Calc, argv: tuple[str, ...], names: str
) -> None:
    with pytest.raises(UserError, match=names):
        crimes_calc("tier", *argv)


def test_harm_of_worked_example_12(crimes_calc: Calc) -> None:
    result = crimes_calc("harm", "--count", "robbery-personal=1", "--count", "shoplifting=10")
    assert result["harm_days"] == 375


@pytest.mark.parametrize("count", ["shoplifting", "shoplifting=-2", "nothing=1"])
def test_harm_mistakes_are_user_errors(crimes_calc: Calc, count: str) -> None:
    with pytest.raises(UserError):
        crimes_calc("harm", "--count", count)


def test_solvability_screens_worked_example_9(crimes_calc: Calc) -> None:
    argv = [
        "--factor",
        "victim-supports-prosecution",
        "--factor",
        "named-suspect",
        "--factor",
        "cctv",
        "--factor",
        "reported-promptly",
    ]
    assert crimes_calc("solvability", *argv)["screen_in"] is True


def cli_available() -> bool:
    try:
        import custos.cli  # noqa: F401
    except ModuleNotFoundError:
        return False
    return CUSTOS.exists()


@pytest.mark.skipif(not cli_available(), reason="the custos console script is not installed yet")
def test_the_real_cli_lists_offences_as_a_json_list() -> None:
    out = subprocess.run(
        [str(CUSTOS), "calc", "tier", "--list-offences", "--json"], capture_output=True, text=True, check=True
    )
    offences = json.loads(out.stdout)
    gbh = next(o for o in offences if o["key"] == "gbh-s18")
    assert (gbh["ho_code"], gbh["default_tier"]) == ("5D", "T2")


@pytest.mark.skipif(not cli_available(), reason="the custos console script is not installed yet")
def test_the_real_cli_refuses_an_unknown_offence_with_status_2() -> None:
    out = subprocess.run(
        [str(CUSTOS), "calc", "tier", "--offence", "nope", "--json"], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "burglary-residential" in out.stderr


@pytest.mark.skipif(not cli_available(), reason="the custos console script is not installed yet")
def test_the_real_cli_prints_the_same_tier_as_json() -> None:
    out = subprocess.run(
        [str(CUSTOS), "calc", "tier", "--offence", "gbh-s18", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert (result["tier"], result["required_pip"], result["specialism"]) == ("T2", 2, None)
