"""Signed triage kits: build, verify, scan with one, and refuse any tampered or untrusted kit."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from triage_fixtures import encode, synthetic_image

from custos.core.policy import Policy
from custos.triage.cli import main
from custos.triage.scanner.hashing import hash_bytes
from custos.triage.scanner.kit import (
    ERR_DIGEST,
    ERR_SIGNATURE,
    ERR_UNLISTED,
    ERR_UNTRUSTED,
    KitError,
    open_kit,
)
from custos.triage.scanner.scan import ScanError, ScanOptions, scan


@pytest.fixture
def kit(tmp_path: Path) -> dict[str, Path]:
    photo = encode(synthetic_image(301), "JPEG", quality=90)
    (tmp_path / "dump").mkdir()
    (tmp_path / "dump" / "a.jpg").write_bytes(photo)
    bad = tmp_path / "caid.csv"
    bad.write_text(f"md5,category\n{hash_bytes(photo).md5},A\n")
    good = tmp_path / "NSRLFile.txt"
    good.write_text(
        '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\n'
        f'"{"A" * 40}","{"B" * 32}","0","x",1,1,"1",""\n'
    )
    key = tmp_path / "force.key"
    assert main(["triage", "kit", "keygen", "--out", str(key)]) == 0
    out = tmp_path / "kit.zip"
    assert (
        main(
            [
                "triage",
                "kit",
                "build",
                str(bad),
                "--known-good",
                str(good),
                "--key",
                str(key),
                "--out",
                str(out),
                "--version",
                "2026.11.25",
            ]
        )
        == 0
    )
    return {"kit": out, "key": key, "pub": Path(f"{key}.pub"), "dump": tmp_path / "dump", "tmp": tmp_path}


def _rewrite(src: Path, dst: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, replace.get(name, zin.read(name)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)


def test_a_signed_kit_verifies_and_drives_a_scan(kit: dict[str, Path], policy: Policy) -> None:
    opened = open_kit(str(kit["kit"]), trusted_keys=[kit["pub"].read_text().strip()])
    assert opened.describe()["version"] == "2026.11.25"
    assert opened.signer_trusted is True
    assert [s.role for s in opened.sets] == ["known-bad", "known-good"]
    opened.workdir.cleanup()
    report = scan(
        ScanOptions(
            source=str(kit["dump"]),
            json_out=str(kit["tmp"] / "r.json"),
            kit=str(kit["kit"]),
            workers=1,
            progress=False,
        ),
        policy=policy,
    )
    assert report["kit"]["signature_verified"] is True
    assert report["kit"]["signer_trusted"] is False
    assert report["files"][0]["matches"][0]["category"] == "A"


def test_a_tampered_set_inside_the_kit_is_refused(kit: dict[str, Path], policy: Policy) -> None:
    with zipfile.ZipFile(kit["kit"]) as zf:
        name = next(n for n in zf.namelist() if n.startswith("sets/") and n.endswith("caid.csv"))
    tampered = kit["tmp"] / "tampered.zip"
    _rewrite(kit["kit"], tampered, {name: b"md5,category\n" + b"0" * 32 + b",A\n"})
    with pytest.raises(KitError, match="does not match its signed digest"):
        open_kit(str(tampered), trusted_keys=[])
    with pytest.raises(ScanError, match="does not match its signed digest"):
        scan(
            ScanOptions(
                source=str(kit["dump"]),
                json_out=str(kit["tmp"] / "r.json"),
                kit=str(tampered),
                workers=1,
                progress=False,
            ),
            policy=policy,
        )
    assert "signed digest" in ERR_DIGEST


def test_an_edited_manifest_fails_the_signature(
    kit: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with zipfile.ZipFile(kit["kit"]) as zf:
        manifest = json.loads(zf.read("kit.json"))
    manifest["version"] = "2099.1.1"
    tampered = kit["tmp"] / "edited.zip"
    _rewrite(kit["kit"], tampered, {"kit.json": json.dumps(manifest, indent=1, sort_keys=True).encode()})
    with pytest.raises(KitError, match="signature verification failed"):
        open_kit(str(tampered), trusted_keys=[])
    assert main(["triage", "kit", "verify", str(tampered)]) == 2
    assert "signature verification failed" in capsys.readouterr().err
    assert "signature" in ERR_SIGNATURE


def test_an_extra_file_smuggled_into_the_kit_is_refused(kit: dict[str, Path]) -> None:
    tampered = kit["tmp"] / "extra.zip"
    _rewrite(kit["kit"], tampered, {}, add={"sets/99-extra.csv": b"md5,category\n" + b"1" * 32 + b",A\n"})
    with pytest.raises(KitError, match="does not list"):
        open_kit(str(tampered), trusted_keys=[])
    assert "does not list" in ERR_UNLISTED


def test_a_kit_from_an_untrusted_signer_is_refused_when_keys_are_configured(kit: dict[str, Path]) -> None:
    other = kit["tmp"] / "other.key"
    assert main(["triage", "kit", "keygen", "--out", str(other)]) == 0
    with pytest.raises(KitError, match="not among the trusted kit keys"):
        open_kit(str(kit["kit"]), trusted_keys=[Path(f"{other}.pub").read_text().strip()])
    assert "trusted" in ERR_UNTRUSTED


def test_scanning_with_a_kit_nobody_trusts_warns_with_the_signer(
    kit: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["triage", "scan", str(kit["dump"]), "--kit", str(kit["kit"]), "--quiet", "--workers", "1"]
    signer = kit["pub"].read_text().strip()
    assert main([*base, "--json", str(kit["tmp"] / "u.json")]) == 0
    err = capsys.readouterr().err
    assert f"signed by key {signer}, which nothing here trusts" in err
    assert main([*base, "--json", str(kit["tmp"] / "t.json"), "--kit-key", str(kit["pub"])]) == 0
    assert "warning" not in capsys.readouterr().err
