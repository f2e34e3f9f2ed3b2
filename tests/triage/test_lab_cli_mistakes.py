"""A user's mistake on `custos hashset ...` gets one clear line and exit 2, never a traceback or a bad row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from custos.triage import hashstore
from custos.triage.models import HashSet
from custos.triage.scanner import kit as kit_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "folder").mkdir()
    (tmp_path / "hashes.txt").write_text("0123456789abcdef0123456789abcdef\n")
    (tmp_path / "not-a-key.pem").write_text("0123456789abcdef0123456789abcdef\n")
    kit_module.generate_key(str(tmp_path / "force.key"))
    hashstore.hashset_import(actor=None, path=str(tmp_path / "hashes.txt"), name="Local")
    return {name: str(tmp_path / name) for name in ("folder", "hashes.txt", "not-a-key.pem", "force.key")} | {
        "tmp": str(tmp_path)
    }


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["import", "{hashes.txt}", "--name", " "], hashstore.NAME_REQUIRED),
        (
            ["kit", "--key", "{not-a-key.pem}", "--out", "{tmp}/k.zip", "--version", "1"],
            "is not an Ed25519 private key",
        ),
        (
            ["kit", "--key", "{force.key}", "--out", "/nonexistent/k.zip", "--version", "1"],
            "the folder /nonexistent does not exist or cannot be written to",
        ),
        (["kit", "--key", "{force.key}", "--out", "{folder}", "--version", "1"], "is a folder"),
        (["kit", "--key", "{force.key}", "--out", "{tmp}/k.zip", "--version", ""], "needs a version"),
    ],
    ids=["import-no-name", "kit-key-not-a-key", "kit-out-no-folder", "kit-out-a-folder", "kit-no-version"],
)
def test_a_hashset_command_mistake_is_one_line_and_exit_2(
    lab: dict[str, str], capsys: Any, argv: list[str], says: str
) -> None:
    from custos.cli import main

    args = ["hashset", *(a.replace("{", "{0[").replace("}", "]}").format(lab) for a in argv)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("custos: error: ") and says in err[0], err
    assert list(HashSet.objects.values_list("name", flat=True)) == ["Local"]
    assert not Path(lab["tmp"], "k.zip").exists() and not list(Path(lab["tmp"]).glob("*.tmp-*"))
