"""``custos victims``: user mistakes are one clear line and exit 2, never a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from custos.cli import main

pytestmark = pytest.mark.django_db


def test_compliance_for_someone_who_may_not_read_it_is_a_clear_error(force: Any, capsys: Any) -> None:
    investigator = force.user("investigator", "A")
    assert main(["victims", "compliance", "--user", investigator.username]) == 2
    err = capsys.readouterr().err
    assert "may not read the Victims' Code compliance figures" in err and "Traceback" not in err


def test_a_limit_below_one_is_refused_by_the_parser(force: Any, capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["victims", "clocks", "--limit", "-1"])
    assert exit_.value.code == 2
    assert "must be 1 or more, got -1" in capsys.readouterr().err
