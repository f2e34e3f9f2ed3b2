"""The `custos calc` contract of issue 3: the calculators' own parsers, and the real CLI when present."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from custos.core.calc import UserError
from custos.offenders.rules.period import MONTHS_REQUIRED
from custos.offenders.rules.risk import NOT_MALE

Calc = Callable[..., dict[str, Any]]


@pytest.mark.parametrize(
    ("argv", "indefinite", "years", "last_day"),
    [
        (
            [
                "--conviction-date",
                "2020-03-01",
                "--date-of-birth",
                "1990-01-01",
                "--disposal",
                "imprisonment",
                "--months",
                "24",
            ],
            False,
            10,
            "2030-02-28",
        ),
        (
            [
                "--conviction-date",
                "2020-01-15",
                "--date-of-birth",
                "1990-01-01",
                "--disposal",
                "imprisonment",
                "--months",
                "24",
            ],
            False,
            10,
            "2030-01-14",
        ),
        (
            [
                "--conviction-date",
                "2021-06-10",
                "--date-of-birth",
                "2004-09-01",
                "--disposal",
                "imprisonment",
                "--months",
                "8",
            ],
            False,
            5,
            "2026-06-09",
        ),
        (
            [
                "--conviction-date",
                "2021-06-10",
                "--date-of-birth",
                "2003-06-10",
                "--disposal",
                "imprisonment",
                "--months",
                "8",
            ],
            False,
            10,
            "2031-06-09",
        ),
        (
            ["--conviction-date", "2022-01-15", "--date-of-birth", "1990-01-01", "--disposal", "caution"],
            False,
            2,
            "2024-01-14",
        ),
        (
            ["--conviction-date", "2022-01-15", "--date-of-birth", "2006-01-01", "--disposal", "caution"],
            False,
            1,
            "2023-01-14",
        ),
        (
            [
                "--conviction-date",
                "2022-01-15",
                "--date-of-birth",
                "2006-01-01",
                "--disposal",
                "imprisonment",
                "--months",
                "4",
            ],
            False,
            3.5,
            "2025-07-14",
        ),
        (
            [
                "--conviction-date",
                "2022-01-15",
                "--date-of-birth",
                "1990-01-01",
                "--disposal",
                "imprisonment",
                "--months",
                "30",
            ],
            True,
            None,
            None,
        ),
        (
            [
                "--conviction-date",
                "2022-01-15",
                "--date-of-birth",
                "1990-01-01",
                "--disposal",
                "restricted-hospital-order",
            ],
            True,
            None,
            None,
        ),
        (
            [
                "--conviction-date",
                "2022-01-15",
                "--date-of-birth",
                "1990-01-01",
                "--disposal",
                "hospital-order",
            ],
            False,
            7,
            "2029-01-14",
        ),
        (
            [
                "--conviction-date",
                "2022-01-15",
                "--date-of-birth",
                "1990-01-01",
                "--disposal",
                "conditional-discharge",
                "--discharge-months",
                "18",
            ],
            False,
            1.5,
            "2023-07-14",
        ),
        (
            ["--conviction-date", "2022-01-15", "--date-of-birth", "1990-01-01", "--disposal", "other"],
            False,
            5,
            "2027-01-14",
        ),
    ],
)
def test_notification_period_contract(
    offenders_calc: Calc, argv: list[str], indefinite: bool, years: float | None, last_day: str | None
) -> None:
    out = offenders_calc("notification-period", *argv)
    assert out["indefinite"] is indefinite
    assert out["years"] == years
    assert out["last_day"] == last_day
    assert out["basis"].startswith("SOA 2003 s.82")
    json.dumps(out)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--disposal", "imprisonment"], MONTHS_REQUIRED),
        (["--disposal", "conditional-discharge"], "--discharge-months"),
        (["--disposal", "caution", "--months", "3"], "only applies to imprisonment"),
    ],
)
def test_notification_period_refuses_missing_or_invalid_combinations(
    offenders_calc: Calc, argv: list[str], message: str
) -> None:
    with pytest.raises(UserError, match=re.escape(message)):
        offenders_calc(
            "notification-period", "--conviction-date", "2020-01-01", "--date-of-birth", "1990-01-01", *argv
        )


def test_consecutive_and_partly_concurrent_terms_are_aggregated(offenders_calc: Calc) -> None:
    base = ["--conviction-date", "2020-01-15", "--date-of-birth", "1990-01-01", "--disposal", "imprisonment"]
    consecutive = offenders_calc("notification-period", *base, "--months", "18", "--further-term", "18")
    assert consecutive["term_months"] == 36
    assert consecutive["indefinite"] is True
    concurrent = offenders_calc(
        "notification-period", *base, "--months", "18", "--further-term", "18", "--overlap", "12"
    )
    assert concurrent["term_months"] == 24
    assert concurrent["years"] == 10
    with pytest.raises(UserError, match="--months"):
        offenders_calc("notification-period", *base, "--further-term", "18")


def test_rm2000_s_contract_worked_example_10(offenders_calc: Calc) -> None:
    out = offenders_calc(
        "rm2000",
        "--scale",
        "s",
        "--age",
        "22",
        "--sexual-appearances",
        "2",
        "--criminal-appearances",
        "6",
        "--male-victim",
        "--stranger-victim",
    )
    assert (out["step1_points"], out["step1_category"]) == (4, "high")
    assert out["aggravating_factors"] == 2
    assert out["category"] == "very-high"
    all_four = offenders_calc(
        "rm2000",
        "--scale",
        "s",
        "--age",
        "22",
        "--sexual-appearances",
        "2",
        "--criminal-appearances",
        "6",
        "--male-victim",
        "--stranger-victim",
        "--non-contact",
        "--single",
    )
    assert all_four["category"] == "very-high"


def test_rm2000_v_and_c(offenders_calc: Calc) -> None:
    v = offenders_calc("rm2000", "--scale", "v", "--age", "40", "--violent-appearances", "1")
    assert (v["step1_points"], v["category"]) == (2, "medium")
    c = offenders_calc(
        "rm2000",
        "--scale",
        "c",
        "--age",
        "40",
        "--sexual-appearances",
        "1",
        "--criminal-appearances",
        "1",
        "--violent-appearances",
        "1",
    )
    assert (c["s_category"], c["v_category"], c["category"]) == ("low", "medium", "low")


def test_rm2000_refuses_out_of_scope_and_missing_inputs(offenders_calc: Calc) -> None:
    with pytest.raises(UserError, match=NOT_MALE):
        offenders_calc(
            "rm2000",
            "--scale",
            "s",
            "--age",
            "30",
            "--sexual-appearances",
            "1",
            "--criminal-appearances",
            "1",
            "--sex",
            "female",
        )
    with pytest.raises(UserError, match="aged 18"):
        offenders_calc(
            "rm2000",
            "--scale",
            "s",
            "--age",
            "17",
            "--sexual-appearances",
            "1",
            "--criminal-appearances",
            "1",
        )
    with pytest.raises(UserError, match="--violent-appearances"):
        offenders_calc("rm2000", "--scale", "v", "--age", "30")


@pytest.mark.parametrize(
    ("risk", "due"),
    [("very-high", "2024-02-21"), ("high", "2024-04-10"), ("medium", "2024-07-10"), ("low", "2025-01-10")],
)
def test_visit_due_contract(offenders_calc: Calc, risk: str, due: str) -> None:
    out = offenders_calc("visit-due", "--risk", risk, "--last-successful", "2024-01-10")
    assert out["due"] == due
    assert out["basis"]
    assert out["policy_version"]


@pytest.mark.parametrize(("under_18", "expected"), [("no", "2027-09-01"), ("yes", "2020-09-01")])
def test_review_qualifying_date_contract(offenders_calc: Calc, under_18: str, expected: str) -> None:
    out = offenders_calc(
        "review-qualifying-date", "--first-notification", "2012-09-01", "--under-18", under_18
    )
    assert out["qualifying_date"] == expected


def test_extra_calculators(offenders_calc: Calc) -> None:
    initial = offenders_calc(
        "initial-notification", "--relevant-date", "2020-03-01", "--away", "custody:2020-03-01:2021-03-01"
    )
    assert initial["due"] == "2021-03-03"
    annual = offenders_calc("annual-notification", "--last-notification", "2024-04-11", "--kind", "change")
    assert annual["due"] == "2025-04-11"
    change = offenders_calc("change-notification", "--change", "home-address", "--event-date", "2024-04-10")
    assert change["due"] == "2024-04-12"
    advance = offenders_calc("change-notification", "--expected", "2024-05-20", "--as-of", "2024-05-23")
    assert advance["obligations"][0]["due"] == "2024-05-25"
    stays = offenders_calc(
        "change-notification", "--stay", "2024-01-01:2024-01-04", "--stay", "2024-03-01:2024-03-03"
    )
    assert stays["completed_on"] == "2024-03-03"
    assert stays["due"] == "2024-03-05"
    travel = offenders_calc(
        "foreign-travel", "--departure", "2024-08-15T09:00", "--details-known-at", "2024-08-13T10:00"
    )
    assert travel["due_at"] == "2024-08-14T21:00:00"
    s96b = offenders_calc(
        "s96b-eligibility",
        "--failed-attempt",
        "2024-02-01",
        "--failed-attempt",
        "2024-02-15",
        "--as-of",
        "2024-02-20",
    )
    assert s96b["may_apply"] is True
    abroad = offenders_calc(
        "s96b-eligibility",
        "--failed-attempt",
        "2024-02-01",
        "--failed-attempt",
        "2024-02-15",
        "--as-of",
        "2024-02-20",
        "--away",
        "abroad:2024-02-18",
    )
    assert abroad["may_apply"] is False
    ladder = offenders_calc(
        "visit-ladder", "--risk", "high", "--last-successful", "2017-03-01", "--today", "2026-11-25"
    )
    assert ladder["steps"][0]["step"] == "breach-case"


def test_bad_away_period_is_a_clear_usage_error(offenders_calc: Calc) -> None:
    with pytest.raises(Exception, match="not an away period"):
        offenders_calc("initial-notification", "--relevant-date", "2020-03-01", "--away", "prison:2020-03-01")


def _custos() -> str | None:
    exe = Path(sys.executable).parent / "custos"
    has_cli = Path(__file__).resolve().parents[2].joinpath("src/custos/cli.py").exists()
    return str(exe) if has_cli and exe.exists() else shutil.which("custos") if has_cli else None


@pytest.mark.skipif(_custos() is None, reason="src/custos/cli.py (the lead's CLI) does not exist yet")
def test_the_real_cli_prints_the_contract_as_json() -> None:
    exe = _custos()
    assert exe is not None
    run = subprocess.run(
        [
            exe,
            "calc",
            "notification-period",
            "--conviction-date",
            "2020-01-15",
            "--date-of-birth",
            "1990-01-01",
            "--disposal",
            "imprisonment",
            "--months",
            "24",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert (out["indefinite"], out["years"], out["last_day"]) == (False, 10, "2030-01-14")
    bad = subprocess.run(
        [
            exe,
            "calc",
            "notification-period",
            "--conviction-date",
            "2020-01-15",
            "--date-of-birth",
            "1990-01-01",
            "--disposal",
            "imprisonment",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert "--months" in bad.stderr
