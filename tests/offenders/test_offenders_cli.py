"""`custos offenders show|search|worklist --json`: need-to-know applies and every read is audited."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from custos.cli import main
from custos.core.models import AuditEvent
from tests.offenders.factories import add_visit, make_offender


def test_show_prints_computed_dates_and_the_ladder_and_is_audited(force: Any, capsys: Any) -> None:
    o = make_offender(force, managed_since=date(2012, 1, 1))
    add_visit(o, date(2017, 5, 4), "seen-and-entered")
    assert main(["offenders", "show", o.reference, "--user", "offender-manager-a", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reference"] == o.reference
    assert "breach-case" in {s["step"] for s in out["ladder"]}
    assert any(c["label"] == "Next visit due" for c in out["computed"])
    assert AuditEvent.objects.filter(
        action="custos.offender.viewed", object_id=str(o.pk), purpose="cli"
    ).exists()


def test_an_outsider_gets_a_clear_refusal(force: Any, capsys: Any) -> None:
    o = make_offender(force)
    assert main(["offenders", "show", o.reference, "--user", "offender-manager-b", "--json"]) == 2
    assert "need-to-know" in capsys.readouterr().err


def test_search_by_name_is_audited(force: Any, capsys: Any) -> None:
    make_offender(force, first_name="Derek", last_name="Hollins")
    assert (
        main(["offenders", "search", "--name", "Derek Hollis", "--user", "offender-manager-a", "--json"]) == 0
    )
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == ["Derek Hollins"]
    assert AuditEvent.objects.filter(action="custos.offender.searched").exists()


def test_search_without_a_term_or_with_a_bad_date_is_a_clear_error(force: Any, capsys: Any) -> None:
    assert main(["offenders", "search", "--user", "offender-manager-a"]) == 2
    assert "give at least one of --name, --dob, --address or --vrm" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["offenders", "search", "--dob", "1968-13-01", "--user", "offender-manager-a"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "'1968-13-01' is not a date in the form YYYY-MM-DD" in err and "Traceback" not in err
    assert not AuditEvent.objects.filter(action="custos.offender.searched").exists()
