"""The demo's banner tells the user how to get a second-factor code with a command that works in a new
terminal of the clone, without relying on uv being on that terminal's PATH."""

from __future__ import annotations

from pathlib import Path

import pytest

from custos.demo import otp_command


@pytest.mark.parametrize(
    ("argv0", "cwd", "expected"),
    [
        ("/srv/custos/.venv/bin/custos", "/srv/custos", ".venv/bin/custos otp USERNAME"),
        (".venv/bin/custos", "/srv/custos", ".venv/bin/custos otp USERNAME"),
        ("/srv/custos/.venv/bin/custos", "/home/me", "/srv/custos/.venv/bin/custos otp USERNAME"),
        ("/usr/lib/python3/custos/cli.py", "/srv/custos", "custos otp USERNAME"),
    ],
)
def test_the_otp_command_is_the_running_custos_entry_point(argv0: str, cwd: str, expected: str) -> None:
    assert otp_command(argv0, cwd) == expected


def test_the_printed_command_runs_from_the_clone(tmp_path: Path) -> None:
    entry = tmp_path / ".venv" / "bin" / "custos"
    entry.parent.mkdir(parents=True)
    entry.write_text("#!/bin/sh\n")

    command = otp_command(str(entry), str(tmp_path)).split()[0]

    assert (tmp_path / command).resolve() == entry.resolve()
