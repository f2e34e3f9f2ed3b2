"""End to end on a generated folder: exact, perceptual and known-good matches, zips, reports, manifest."""

from __future__ import annotations

import base64
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from triage_fixtures import encode, require_tool, synthetic_image

from custos.core.policy import Policy
from custos.triage.scanner.hashing import hash_bytes
from custos.triage.scanner.hashsets import import_hashset_file
from custos.triage.scanner.pdq import hash_image
from custos.triage.scanner.report import vics_cases
from custos.triage.scanner.scan import ScanOptions, scan

EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"


@pytest.fixture
def evidence(tmp_path: Path) -> dict[str, Any]:
    """A phone dump: a known-bad exact copy, a resized known-bad image, a renamed image in a zip, a
    known-good file, an empty file and an unrelated photo."""
    root = tmp_path / "dump"
    (root / "DCIM").mkdir(parents=True)
    (root / "Download").mkdir()
    bad_exact = encode(synthetic_image(101), "JPEG", quality=90)
    bad_perceptual = synthetic_image(102)
    unrelated = encode(synthetic_image(103), "PNG")
    (root / "DCIM" / "IMG_0001.jpg").write_bytes(bad_exact)
    (root / "DCIM" / "IMG_0002.jpg").write_bytes(
        encode(bad_perceptual.resize((320, 240)), "JPEG", quality=70)
    )
    (root / "DCIM" / "IMG_0003.png").write_bytes(unrelated)
    (root / "Download" / "empty.dat").write_bytes(b"")
    (root / "Download" / "readme.txt").write_bytes(b"abc")
    with zipfile.ZipFile(root / "Download" / "photos.zip", "w") as zf:
        zf.writestr("inner/tax_return.doc", bad_exact)  # an image renamed to hide it
        zf.writestr("inner/notes.txt", b"nothing here")
    sets = tmp_path / "sets"
    sets.mkdir()
    pdq = hash_image(bad_perceptual, min_quality=50, min_side=5).pdq
    (sets / "caid.csv").write_text(
        f"md5,sha1,category\n{hash_bytes(bad_exact).md5.upper()},,1\n{EMPTY_MD5},,1\n"
    )
    (sets / "pdq.txt").write_text(f"{pdq},B,force-local\n")
    (sets / "NSRLFile.txt").write_text(
        '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\n'
        f'"{hash_bytes(b"abc").sha1.upper()}","{hash_bytes(b"abc").md5.upper()}","0","readme.txt",3,1,"1",""\n'
    )
    return {"root": root, "sets": sets, "bad_exact": bad_exact, "unrelated": unrelated}


def _scan(ev: dict[str, Any], tmp_path: Path, policy: Policy, **kw: Any) -> dict[str, Any]:
    opts = ScanOptions(
        source=str(ev["root"]),
        json_out=str(tmp_path / "report.json"),
        hashsets=[str(ev["sets"] / "caid.csv"), str(ev["sets"] / "pdq.txt")],
        known_good=[str(ev["sets"] / "NSRLFile.txt")],
        workers=kw.pop("workers", 1),
        progress=False,
        **kw,
    )
    return scan(opts, policy=policy)


def _by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}


def test_folder_scan_reports_exact_perceptual_known_good_and_archive_members(
    evidence: dict[str, Any], tmp_path: Path, policy: Policy
) -> None:
    report = _scan(evidence, tmp_path, policy, workers=2)
    on_disk = json.loads((tmp_path / "report.json").read_text())
    assert on_disk["schema_version"] == "1.2"
    assert on_disk["policy_version"] == policy.version
    files = _by_name(on_disk)
    exact = files["IMG_0001.jpg"]
    for field in (
        "path",
        "size",
        "deleted",
        "md5",
        "sha1",
        "sha256",
        "pdq",
        "pdq_quality",
        "matches",
        "known_good",
    ):
        assert field in exact
    assert exact["matches"][0] == {
        **exact["matches"][0],
        "set": "caid.csv",
        "category": "A",
        "kind": "exact",
        "distance": 0,
    }
    perceptual = files["IMG_0002.jpg"]
    assert [(m["set"], m["category"], m["kind"]) for m in perceptual["matches"]] == [
        ("pdq.txt", "B", "perceptual")
    ]
    assert 0 < perceptual["matches"][0]["distance"] <= 31
    hidden = files["tax_return.doc"]
    assert hidden["path"].endswith("photos.zip!/inner/tax_return.doc")
    assert hidden["extension_mismatch"] is True
    assert hidden["type"] == "jpeg"
    assert hidden["matches"][0]["kind"] == "exact"
    assert files["readme.txt"]["known_good"] is True
    assert files["readme.txt"]["matches"] == []
    assert files["empty.dat"]["matches"] == []
    assert files["empty.dat"]["size"] == 0
    assert files["IMG_0003.png"]["matches"] == []
    assert len(files["IMG_0003.png"]["pdq"]) == 64
    summary = report["summary"]
    assert summary["by_kind"] == {"exact": 2, "perceptual": 1}
    assert summary["by_category"]["A"] == 2
    assert summary["by_category"]["B"] == 1
    assert summary["likely_iioc"] is True
    assert "category A" in summary["likely_iioc_reason"]
    assert summary["lab_priority"] == "urgent"
    assert summary["known_good_files"] == 1
    assert report["scan"]["files_total"] == len(report["files"]) == 8


def test_html_report_never_shows_a_matched_image_and_blurs_thumbnails(
    evidence: dict[str, Any], tmp_path: Path, policy: Policy
) -> None:
    _scan(evidence, tmp_path, policy, html_out=str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text()
    assert "IMG_0001.jpg" in html
    assert "IMG_0002.jpg" in html
    thumbs = [part.split("'", 1)[0] for part in html.split("data:image/jpeg;base64,")[1:]]
    assert len(thumbs) == 1  # only the unrelated photo
    shown = Image.open(__import__("io").BytesIO(base64.b64decode(thumbs[0])))
    assert hash_image(shown, min_quality=0, min_side=5).pdq is not None
    matched = hash_image(synthetic_image(101), min_quality=0, min_side=5).pdq or ""
    from custos.triage.scanner.pdq import hamming

    assert hamming(hash_image(shown.convert("RGB"), min_quality=0, min_side=5).pdq or "", matched) > 31
    assert ".thumb{filter:blur(" in html


def test_hashdeep_manifest_passes_hashdeep_audit(
    evidence: dict[str, Any], tmp_path: Path, policy: Policy
) -> None:
    hashdeep = require_tool("hashdeep")
    _scan(evidence, tmp_path, policy, manifest_out=str(tmp_path / "manifest.txt"))
    manifest = (tmp_path / "manifest.txt").read_text()
    assert manifest.startswith("%%%% HASHDEEP-1.0\n%%%% size,md5,sha1,sha256,filename\n")
    assert "!/" not in manifest  # archive members are not files hashdeep can see
    audit = subprocess.run(
        [hashdeep, "-a", "-k", str(tmp_path / "manifest.txt"), "-r", str(evidence["root"])],
        capture_output=True,
        text=True,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "Audit passed" in audit.stdout
    (evidence["root"] / "Download" / "readme.txt").write_bytes(b"abd")
    tampered = subprocess.run(
        [hashdeep, "-a", "-k", str(tmp_path / "manifest.txt"), "-r", str(evidence["root"])],
        capture_output=True,
        text=True,
    )
    assert tampered.returncode != 0


def test_known_vectors_for_abc() -> None:
    d = hash_bytes(b"abc")
    assert (d.md5, d.sha1, d.sha256) == (
        "900150983cd24fb0d6963f7d28e17f72",
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    )


def test_vics_cases_export_is_valid_vics_and_round_trips(
    evidence: dict[str, Any], tmp_path: Path, policy: Policy
) -> None:
    _scan(evidence, tmp_path, policy, vics_out=str(tmp_path / "vics.json"))
    doc = json.loads((tmp_path / "vics.json").read_text())
    assert doc["@odata.context"].endswith("2.0.xml/UK/$metadata#Cases")
    media = doc["value"][0]["Media"]
    graded = {m["MD5"]: m.get("Category") for m in media}
    assert graded[hash_bytes(evidence["bad_exact"]).md5.upper()] == 1
    assert graded[hash_bytes(evidence["unrelated"]).md5.upper()] is None
    exact_entry = next(m for m in media if m["MD5"] == hash_bytes(evidence["bad_exact"]).md5.upper())
    assert len(exact_entry["MediaFiles"]) == 2  # found on disk and inside the zip
    parsed = import_hashset_file(tmp_path / "vics.json", name="lab", policy=policy)
    assert {e.category for e in parsed.entries} >= {"A", "B", "uncategorised"}


def test_vics_export_leaves_out_known_good_files(policy: Policy) -> None:
    report = {
        "files": [
            {
                "md5": "a" * 32,
                "sha1": "b" * 40,
                "size": 1,
                "kind": "image",
                "known_good": True,
                "path": "/x.jpg",
            }
        ],
        "source": {},
        "generated_at": "t",
        "generator": {"version": "1"},
    }
    assert vics_cases(report, policy=policy)["value"][0]["Media"] == []


def test_missing_hash_set_and_bad_lines_are_user_errors(
    evidence: dict[str, Any], tmp_path: Path, policy: Policy, capsys: pytest.CaptureFixture[str]
) -> None:
    from custos.triage.cli import main

    assert (
        main(
            [
                "triage",
                "scan",
                str(evidence["root"]),
                "--json",
                str(tmp_path / "o.json"),
                "--hashset",
                str(tmp_path / "nope.csv"),
                "--quiet",
            ]
        )
        == 2
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("md5,category\n" + "0" * 32 + ",A\nzz,A\n")
    assert (
        main(
            [
                "triage",
                "scan",
                str(evidence["root"]),
                "--json",
                str(tmp_path / "o.json"),
                "--hashset",
                str(bad),
                "--quiet",
            ]
        )
        == 2
    )
    assert "bad.csv line 3: MD5 'zz'" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()


@pytest.mark.parametrize("option", ["--json", "--html", "--manifest", "--vics"])
def test_an_output_in_a_missing_folder_is_a_user_error_before_anything_is_scanned(
    evidence: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    from custos.triage.cli import main

    report = tmp_path / "o.json"
    missing = tmp_path / "no-such-folder" / "out.file"
    outputs = {"--json": str(report), option: str(missing)}
    args = ["triage", "scan", str(evidence["root"]), "--quiet", "--workers", "1"]
    for flag, path in outputs.items():
        args += [flag, path]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{option} {missing}" in err and "does not exist" in err
    assert not list(tmp_path.glob("o.json*"))  # neither a report nor a checkpoint left behind
