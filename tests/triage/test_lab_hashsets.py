"""Hash sets in the database: idempotent all-or-nothing imports, NSRL in place, lookups, kit, CLI."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from custos.core.models import AuditEvent
from custos.triage import hashstore
from custos.triage.models import ExactHash, HashSet, HashSetImport, PdqHash

pytestmark = pytest.mark.django_db


def _sha(i: int) -> dict[str, str]:
    data = f"item-{i}".encode()
    return {
        "md5": hashlib.md5(data).hexdigest(),  # noqa: S324
        "sha1": hashlib.sha1(data).hexdigest(),  # noqa: S324
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def write_csv(path: Path, items: range, category: str = "A", bad_line: int | None = None) -> Path:
    lines = ["md5,sha1,sha256,category"]
    for i in items:
        h = _sha(i)
        lines.append(f"{h['md5']},{h['sha1']},{h['sha256']},{category}")
    if bad_line is not None:
        lines.insert(bad_line - 1, "nothex,,,A")
    path.write_text("\n".join(lines) + "\n")
    return path


def write_pdq(path: Path) -> Path:
    path.write_text("\n".join(f"{i:064x},B,test" for i in range(1, 6)) + "\n")
    return path


def write_rds(path: Path, items: range) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE FILE (sha256 TEXT, sha1 TEXT, md5 TEXT, file_name TEXT, file_size INTEGER)")
    conn.executemany(
        "INSERT INTO FILE VALUES (?, ?, ?, ?, ?)",
        [
            (_sha(i)["sha256"].upper(), _sha(i)["sha1"].upper(), _sha(i)["md5"].upper(), f"f{i}.dll", 10)
            for i in items
        ],
    )
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def examiner(force: Any) -> Any:
    return force.user("digital-forensic-examiner", "A")


def test_an_import_stores_indexed_exact_hashes_with_their_categories(tmp_path: Path, examiner: Any) -> None:
    outcome = hashstore.hashset_import(
        actor=examiner,
        path=str(write_csv(tmp_path / "v1.csv", range(50))),
        name="Local CAID",
        version="2026.1",
    )
    assert outcome.exact_added == 50 and not outcome.already_imported
    hs = HashSet.objects.get(name="Local CAID")
    assert (hs.kind, hs.version, hs.exact_count, hs.enabled) == ("known-bad", "2026.1", 50, True)
    assert set(ExactHash.objects.filter(hash_set=hs).values_list("category", flat=True)) == {"A"}
    assert hashstore.lookup("sha1", [_sha(7)["sha1"].upper()]) == {_sha(7)["sha1"]: [("Local CAID", "A")]}
    assert AuditEvent.objects.filter(action="custos.hashset.imported", actor=examiner).exists()
    indexed = {i.name for i in ExactHash._meta.indexes}
    assert {"triage_exact_md5", "triage_exact_sha1", "triage_exact_sha256"} <= indexed


def test_reimporting_the_same_file_adds_nothing(tmp_path: Path, examiner: Any) -> None:
    path = str(write_csv(tmp_path / "v1.csv", range(20)))
    hashstore.hashset_import(actor=examiner, path=path, name="Set")
    again = hashstore.hashset_import(actor=examiner, path=path, name="Set")
    assert again.already_imported and again.exact_added == 0
    assert ExactHash.objects.count() == 20
    assert HashSetImport.objects.count() == 1


def test_a_new_version_adds_only_the_new_hashes(tmp_path: Path, examiner: Any) -> None:
    hashstore.hashset_import(
        actor=examiner, path=str(write_csv(tmp_path / "v1.csv", range(20))), name="Set", version="1"
    )
    v2 = hashstore.hashset_import(
        actor=examiner, path=str(write_csv(tmp_path / "v2.csv", range(10, 30))), name="Set", version="2"
    )
    assert (v2.entries_read, v2.exact_added) == (20, 10)
    assert HashSet.objects.get(name="Set").exact_count == ExactHash.objects.count() == 30
    assert HashSet.objects.get(name="Set").version == "2"


def test_a_bad_line_is_reported_with_its_number_and_nothing_is_imported(
    tmp_path: Path, examiner: Any
) -> None:
    path = str(write_csv(tmp_path / "bad.csv", range(30), bad_line=17))
    with pytest.raises(ValidationError) as err:
        hashstore.hashset_import(actor=examiner, path=path, name="Broken")
    assert "line 17" in " ".join(err.value.messages)
    assert not HashSet.objects.filter(name="Broken").exists()
    assert ExactHash.objects.count() == 0 and HashSetImport.objects.count() == 0


def test_a_failure_while_writing_rolls_back_every_batch(
    tmp_path: Path, examiner: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(hashstore, "BATCH", 7)
    calls = {"n": 0}
    real = hashstore._insert

    def failing(*args: Any, **kw: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(*args, **kw)

    monkeypatch.setattr(hashstore, "_insert", failing)
    with pytest.raises(RuntimeError):
        hashstore.hashset_import(
            actor=examiner, path=str(write_csv(tmp_path / "x.csv", range(40))), name="Half"
        )
    assert ExactHash.objects.count() == 0
    assert not HashSet.objects.filter(name="Half").exists()


def test_pdq_lists_go_to_the_pdq_store(tmp_path: Path, examiner: Any) -> None:
    outcome = hashstore.hashset_import(actor=examiner, path=str(write_pdq(tmp_path / "pdq.txt")), name="PDQ")
    assert outcome.pdq_added == 5 and outcome.exact_added == 0
    assert PdqHash.objects.filter(category="B").count() == 5


def test_nsrl_rds_is_queried_in_place_or_loaded_on_request(tmp_path: Path, examiner: Any) -> None:
    rds = str(write_rds(tmp_path / "RDS_2026.09.1_modern_minimal.db", range(100)))
    in_place = hashstore.hashset_import(actor=examiner, path=rds, name="NSRL")
    hs = HashSet.objects.get(name="NSRL")
    assert in_place.in_place and hs.kind == "known-good" and hs.exact_count == 100
    assert ExactHash.objects.count() == 0
    assert hashstore.lookup("md5", [_sha(5)["md5"]]) == {_sha(5)["md5"]: [("NSRL", "known")]}
    loaded = hashstore.hashset_import(actor=examiner, path=rds, name="NSRL loaded", load_rds=True)
    assert loaded.exact_added == 100
    assert set(ExactHash.objects.values_list("category", flat=True)) == {"known"}


def test_disabled_sets_are_not_looked_up(tmp_path: Path, examiner: Any) -> None:
    hashstore.hashset_import(actor=examiner, path=str(write_csv(tmp_path / "a.csv", range(3))), name="Off")
    hs = HashSet.objects.get(name="Off")
    hashstore.hashset_set_enabled(actor=examiner, hash_set=hs, enabled=False)
    assert hashstore.lookup("md5", [_sha(1)["md5"]]) == {}
    assert AuditEvent.objects.filter(action="custos.hashset.disabled").exists()


def test_only_examiners_and_administrators_import(tmp_path: Path, force: Any) -> None:
    with pytest.raises(PermissionError):
        hashstore.hashset_import(
            actor=force.user("investigator"), path=str(write_csv(tmp_path / "a.csv", range(2))), name="Nope"
        )


def test_the_kit_holds_the_enabled_sets_signed_and_the_scanner_reads_it(
    tmp_path: Path, examiner: Any
) -> None:
    from custos.core.policy import current_policy
    from custos.triage.scanner.hashsets import import_hashset_file
    from custos.triage.scanner.kit import generate_key, open_kit

    hashstore.hashset_import(actor=examiner, path=str(write_csv(tmp_path / "a.csv", range(10))), name="Bad")
    hashstore.hashset_import(actor=examiner, path=str(write_pdq(tmp_path / "p.txt")), name="Bad PDQ")
    hashstore.hashset_import(
        actor=examiner, path=str(write_csv(tmp_path / "g.csv", range(100, 104))), name="Good", known_good=True
    )
    hashstore.hashset_import(
        actor=examiner, path=str(write_csv(tmp_path / "o.csv", range(200, 204))), name="Old"
    )
    hashstore.hashset_set_enabled(actor=examiner, hash_set=HashSet.objects.get(name="Old"), enabled=False)
    public = generate_key(str(tmp_path / "kit.key"))
    manifest = hashstore.hashset_kit_export(
        actor=examiner,
        key_path=str(tmp_path / "kit.key"),
        out=str(tmp_path / "kit.zip"),
        version="2026.11.25",
    )
    assert manifest["version"] == "2026.11.25"
    kit = open_kit(str(tmp_path / "kit.zip"), trusted_keys=[public])
    try:
        assert sorted(s.name for s in kit.sets) == ["Bad", "Bad PDQ", "Good"]
        policy = current_policy()
        parsed = {
            s.name: import_hashset_file(s.path, name=s.name, policy=policy, role=s.role) for s in kit.sets
        }
        assert parsed["Bad"].count == 10 and {e.category for e in parsed["Bad"].entries} == {"A"}
        assert parsed["Bad PDQ"].count == 5 and all(e.pdq for e in parsed["Bad PDQ"].entries)
        assert parsed["Good"].role == "known-good" and {e.category for e in parsed["Good"].entries} == {
            "known"
        }
    finally:
        kit.workdir.cleanup()
    from custos.triage.scanner.kit import KitError

    other = generate_key(str(tmp_path / "other.key"))
    with pytest.raises(KitError, match="not among the trusted kit keys"):
        open_kit(str(tmp_path / "kit.zip"), trusted_keys=[other])


def test_cli_imports_lists_disables_and_is_idempotent(tmp_path: Path, force: Any, capsys: Any) -> None:
    from custos.triage import lab_cli

    path = str(write_csv(tmp_path / "a.csv", range(12)))
    assert lab_cli.main(["hashset", "import", path, "--name", "CLI set", "--version", "7"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["exact_added"], first["version"], first["already_imported"]) == (12, "7", False)
    assert lab_cli.main(["hashset", "import", path, "--name", "CLI set"]) == 0
    assert json.loads(capsys.readouterr().out)["already_imported"] is True
    assert lab_cli.main(["hashset", "disable", "CLI set"]) == 0
    capsys.readouterr()
    assert lab_cli.main(["hashset", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "name": "CLI set",
            "kind": "known-bad",
            "version": "7",
            "enabled": False,
            "exact": 12,
            "pdq": 0,
            "in_place": False,
        }
    ]
    bad = str(write_csv(tmp_path / "bad.csv", range(5), bad_line=3))
    assert lab_cli.main(["hashset", "import", bad, "--name", "Bad"]) == 2
    assert "line 3" in capsys.readouterr().err
    assert lab_cli.main(["hashset", "import", path, "--name", "X", "--user", "investigator-a"]) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY path runs on PostgreSQL only")
def test_postgres_copy_import_is_idempotent(tmp_path: Path, examiner: Any) -> None:
    path = str(write_csv(tmp_path / "pg.csv", range(500)))
    assert hashstore.hashset_import(actor=examiner, path=path, name="PG").exact_added == 500
    path2 = str(write_csv(tmp_path / "pg2.csv", range(250, 750)))
    assert hashstore.hashset_import(actor=examiner, path=path2, name="PG").exact_added == 250


def test_a_bad_line_in_a_web_import_names_the_uploaded_file_and_its_line_not_a_server_path(
    tmp_path: Path, force: Any, client_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = write_csv(tmp_path / "caid-extract.csv", range(5), bad_line=4).read_bytes()
    client = client_for(force.user("digital-forensic-examiner", "A"))
    page = client.post(
        "/triage/hashsets/import/",
        {"file": SimpleUploadedFile("caid-extract.csv", content), "name": "Web import"},
    )
    assert page.status_code == 200
    errors = page.context["form"].errors["file"]
    assert errors[0].startswith("caid-extract.csv line 4: ")
    assert "custos-hashset-" not in page.content.decode()
    assert not HashSet.objects.filter(name="Web import").exists()


def test_a_kit_export_with_a_missing_signing_key_says_how_to_make_one(
    tmp_path: Path, force: Any, capsys: Any
) -> None:
    from custos.triage import lab_cli

    key = str(tmp_path / "nokey")
    args = ["hashset", "kit", "--key", key, "--out", str(tmp_path / "k.zip"), "--version", "1"]
    assert lab_cli.main(args) == 2
    assert f"signing key {key} does not exist; create one with 'custos triage kit keygen" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "k.zip").exists()
