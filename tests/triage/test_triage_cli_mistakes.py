"""A user's mistake on the triage command line gets one clear line and exit 2, never a traceback."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from custos.triage.scanner import kit as kit_module


@pytest.fixture
def work(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "folder").mkdir()
    (tmp_path / "hashes.txt").write_text("0123456789abcdef0123456789abcdef\n")
    (tmp_path / "not-a-key.pem").write_text("0123456789abcdef0123456789abcdef\n")
    kit_module.generate_key(str(tmp_path / "force.key"))
    return {name: str(tmp_path / name) for name in ("folder", "hashes.txt", "not-a-key.pem", "force.key")} | {
        "tmp": str(tmp_path)
    }


def _one_line_error(capsys: Any) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("custos: error: "), err
    return err[0]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ("kit keygen --out /nonexistent/force.key", "cannot write the signing key"),
        ("kit keygen --out {force.key}", "already exists"),
        (
            "kit build {hashes.txt} --key {force.key} --out /nonexistent/k.zip --version 1",
            "the folder /nonexistent does not exist or cannot be written to",
        ),
        ("kit build {hashes.txt} --key {force.key} --out {folder} --version 1", "is a folder"),
        (
            "kit build {hashes.txt} --key {not-a-key.pem} --out {tmp}/k.zip --version 1",
            "is not an Ed25519 private key",
        ),
        ("kit build {hashes.txt} --key {force.key} --out {tmp}/k.zip --version ' '", "needs a version"),
        ("kit verify {tmp}/missing.zip", "triage kit {tmp}/missing.zip does not exist or is not a file"),
        ("kit verify {folder}", "does not exist or is not a file"),
        (
            "scan {folder} --json {tmp}/r.json --kit {tmp}/missing.zip --quiet",
            "does not exist or is not a file",
        ),
        ("scan {folder} --json {folder} --quiet", "is a folder"),
        ("scan {folder} --json {tmp}/r.json --manifest {folder} --quiet", "is a folder"),
    ],
    ids=[
        "keygen-no-folder",
        "keygen-over-a-key",
        "kit-out-no-folder",
        "kit-out-a-folder",
        "kit-key-not-a-key",
        "kit-empty-version",
        "verify-missing-kit",
        "verify-a-folder",
        "scan-with-missing-kit",
        "scan-json-a-folder",
        "scan-manifest-a-folder",
    ],
)
def test_a_triage_command_mistake_is_one_line_and_exit_2(
    work: dict[str, str], capsys: Any, argv: str, says: str
) -> None:
    from custos.triage.cli import main

    before = Path(work["force.key"]).read_bytes()
    args = ["triage", *(a.replace("{", "{0[").replace("}", "]}").format(work) for a in shlex.split(argv))]
    assert main(args) == 2
    assert says.replace("{tmp}", work["tmp"]) in _one_line_error(capsys)
    assert Path(work["force.key"]).read_bytes() == before  # an existing signing key is never replaced
    assert not list(Path(work["tmp"]).glob("*.tmp-*"))


def test_a_file_that_is_no_disk_image_exits_3_with_one_line_and_a_not_triaged_report(
    work: dict[str, str], capsys: Any
) -> None:
    import json

    from custos.triage.cli import EXIT_NOTHING_READ, main

    photo = Path(work["tmp"], "holiday.jpg")
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a disk" * 100)
    report = Path(work["tmp"], "r.json")
    assert main(["triage", "scan", str(photo), "--json", str(report), "--quiet", "--workers", "1"]) == 3
    assert EXIT_NOTHING_READ == 3
    line = _one_line_error(capsys)
    assert "no file could be read" in line and str(report) in line
    assert json.loads(report.read_text())["summary"]["nothing_read"] is True
