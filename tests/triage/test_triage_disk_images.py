"""Disk images built in the test: ext2 with a deleted file, E01 (single, segmented, byte-flipped), split raw,
an MBR-partitioned disk and a fixed VHD."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from triage_fixtures import encode, gpt_disk, mbr_disk, qcow2_image, require_tool, synthetic_image, vhd_fixed

from custos.core.policy import Policy
from custos.triage.scanner.hashing import hash_bytes
from custos.triage.scanner.scan import ScanOptions, scan


@pytest.fixture
def card(tmp_path: Path) -> dict[str, Any]:
    src = tmp_path / "card"
    (src / "DCIM").mkdir(parents=True)
    photo = encode(synthetic_image(201), "JPEG", quality=90)
    gone = encode(synthetic_image(202), "JPEG", quality=90)
    (src / "DCIM" / "keep.jpg").write_bytes(photo)
    (src / "DCIM" / "gone.jpg").write_bytes(gone)
    (src / "notes.txt").write_bytes(b"shopping list\n")
    sets = tmp_path / "caid.csv"
    sets.write_text(f"md5,category\n{hash_bytes(gone).md5},A\n")
    return {"src": src, "photo": photo, "gone": gone, "set": sets}


def _scan(source: Path, tmp_path: Path, policy: Policy, sets: list[str], workers: int = 1) -> dict[str, Any]:
    return scan(
        ScanOptions(
            source=str(source),
            json_out=str(tmp_path / f"{source.name}.json"),
            hashsets=sets,
            workers=workers,
            progress=False,
        ),
        policy=policy,
    )


def _files(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in report["files"]}


def test_deleted_file_on_ext2_is_recovered_flagged_and_matched(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path, policy: Policy
) -> None:
    img = make_ext2(card["src"], delete=("/DCIM/gone.jpg",))
    report = _scan(img, tmp_path, policy, [str(card["set"])])
    files = _files(report)
    gone = files["/DCIM/gone.jpg"]
    assert gone["deleted"] is True
    assert gone["md5"] == hash_bytes(card["gone"]).md5
    assert gone["matches"][0]["category"] == "A"
    assert files["/DCIM/keep.jpg"]["deleted"] is False
    assert files["/DCIM/keep.jpg"]["pdq"]
    assert files["/DCIM/keep.jpg"]["timestamps"]["modified"]
    assert report["source"]["volumes"][0]["file_system"] == "ext2"
    assert report["summary"]["deleted_files"] == 1
    assert report["summary"]["likely_iioc"] is True


def _ewfacquire(raw: Path, target: Path, *extra: str) -> Path:
    ewfacquire = require_tool("ewfacquire")
    subprocess.run(
        [
            ewfacquire,
            "-u",
            "-t",
            str(target),
            "-f",
            "encase6",
            "-c",
            "deflate:fast",
            "-C",
            "CASE-42",
            "-D",
            "phone card",
            "-e",
            "DC 1234",
            "-E",
            "EXH-7",
            "-N",
            "synthetic",
            *extra,
            str(raw),
        ],
        check=True,
        capture_output=True,
    )
    return target.with_suffix(".E01")


def test_e01_verifies_and_reports_case_metadata(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path, policy: Policy
) -> None:
    raw = make_ext2(card["src"], delete=("/DCIM/gone.jpg",))
    e01 = _ewfacquire(raw, tmp_path / "card")
    report = _scan(e01, tmp_path, policy, [str(card["set"])], workers=2)
    source = report["source"]
    assert source["kind"] == "ewf"
    assert source["verification"]["verified"] is True
    assert (
        source["verification"]["stored_md5"]
        == source["verification"]["computed_md5"]
        == hash_bytes(raw.read_bytes()).md5
    )
    assert source["case_metadata"]["case_number"] == "CASE-42"
    assert source["case_metadata"]["evidence_number"] == "EXH-7"
    assert _files(report)["/DCIM/gone.jpg"]["deleted"] is True


def test_byte_flipped_e01_fails_verification(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path, policy: Policy
) -> None:
    e01 = _ewfacquire(make_ext2(card["src"]), tmp_path / "card")
    data = bytearray(e01.read_bytes())
    data[len(data) // 2] ^= 0xFF
    flipped = tmp_path / "flipped.E01"
    flipped.write_bytes(bytes(data))
    report = _scan(flipped, tmp_path, policy, [])
    assert report["source"]["verification"]["verified"] is False
    assert report["source"]["verification"]["stored_md5"] != report["source"]["verification"]["computed_md5"]


def test_segmented_e01_is_read_across_segments(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path, policy: Policy
) -> None:
    (card["src"] / "noise.bin").write_bytes(__import__("os").urandom(3_000_000))
    e01 = _ewfacquire(make_ext2(card["src"]), tmp_path / "seg", "-S", "1MiB")
    assert (tmp_path / "seg.E02").exists()
    report = _scan(e01, tmp_path, policy, [])
    assert len(report["source"]["segments"]) >= 3
    assert report["source"]["verification"]["verified"] is True
    noise = _files(report)["/noise.bin"]
    assert noise["md5"] == hash_bytes((card["src"] / "noise.bin").read_bytes()).md5


def test_split_raw_is_read_as_one_disk(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path, policy: Policy
) -> None:
    data = make_ext2(card["src"]).read_bytes()
    part = len(data) // 3 + 1
    for i in range(3):
        (tmp_path / f"split.{i:03d}").write_bytes(data[i * part : (i + 1) * part])
    report = _scan(tmp_path / "split.000", tmp_path, policy, [str(card["set"])])
    assert report["source"]["kind"] == "split-raw"
    assert len(report["source"]["segments"]) == 3
    assert _files(report)["/DCIM/keep.jpg"]["md5"] == hash_bytes(card["photo"]).md5


@pytest.mark.parametrize(("table", "build"), [("dos", mbr_disk), ("gpt", gpt_disk)])
def test_every_partition_of_a_partitioned_disk_is_scanned(
    card: dict[str, Any],
    make_ext2: Callable[..., Path],
    tmp_path: Path,
    policy: Policy,
    table: str,
    build: Callable[[Path, list[Path]], list[int]],
) -> None:
    first = make_ext2(card["src"], name="p1.raw", size="4M")
    second_src = tmp_path / "second"
    second_src.mkdir()
    (second_src / "other.jpg").write_bytes(card["gone"])
    second = make_ext2(second_src, name="p2.raw", size="4M")
    disk = tmp_path / "disk.dd"
    build(disk, [first, second])
    report = _scan(disk, tmp_path, policy, [str(card["set"])])
    volumes = report["source"]["volumes"]
    assert [v.get("file_system") for v in volumes] == ["ext2", "ext2"]
    assert {v["table"] for v in volumes} == {table}
    files = _files(report)
    assert "p1:/DCIM/keep.jpg" in files
    assert files["p2:/other.jpg"]["matches"][0]["category"] == "A"


def test_fixed_vhd_is_opened_through_dfvfs(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path, policy: Policy
) -> None:
    vhd = tmp_path / "card.vhd"
    vhd_fixed(make_ext2(card["src"]), vhd)
    report = _scan(vhd, tmp_path, policy, [])
    assert report["source"]["kind"] == "vhd"
    assert _files(report)["/DCIM/keep.jpg"]["md5"] == hash_bytes(card["photo"]).md5


def test_qcow2_is_opened_through_dfvfs_and_deleted_files_still_recovered(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path, policy: Policy
) -> None:
    qcow = tmp_path / "card.qcow2"
    qcow2_image(make_ext2(card["src"], delete=("/DCIM/gone.jpg",)), qcow)
    report = _scan(qcow, tmp_path, policy, [str(card["set"])])
    assert report["source"]["kind"] == "qcow2"
    files = _files(report)
    assert files["/DCIM/keep.jpg"]["md5"] == hash_bytes(card["photo"]).md5
    assert files["/DCIM/gone.jpg"]["deleted"] is True
    assert files["/DCIM/gone.jpg"]["matches"][0]["category"] == "A"


def test_unreadable_file_content_is_an_error_on_that_file_and_the_scan_continues(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path, policy: Policy
) -> None:
    img = make_ext2(card["src"])
    data = img.read_bytes()
    contents = {
        "/DCIM/keep.jpg": card["photo"],
        "/DCIM/gone.jpg": card["gone"],
        "/notes.txt": b"shopping list\n",
    }
    offsets = {path: data.find(content[:4096]) for path, content in contents.items()}
    victim = max(offsets, key=lambda p: offsets[p])  # the file stored last on the disk
    truncated = tmp_path / "truncated.raw"
    # Cut the image short inside the victim's blocks: its content cannot be read, the others can.
    truncated.write_bytes(data[: offsets[victim] + 100])
    report = _scan(truncated, tmp_path, policy, [])
    files = _files(report)
    assert files[victim]["errors"]
    assert files[victim]["md5"] is None
    for path, content in contents.items():
        if path != victim:
            assert files[path]["md5"] == hash_bytes(content).md5


def test_dfvfs_reads_file_systems_when_tsk_cannot(
    card: dict[str, Any], make_ext2: Callable[..., Path], tmp_path: Path
) -> None:
    from custos.triage.scanner import worker
    from custos.triage.scanner.sources import detect_source, list_source

    spec = detect_source(str(make_ext2(card["src"], delete=("/DCIM/gone.jpg",))))
    listing = list_source(spec, use_dfvfs=True)  # as for APFS/XFS, which TSK does not read
    assert [v["reader"] for v in listing.volumes] == ["dfvfs"]
    assert sorted(r.path for r in listing.refs) == ["/DCIM/keep.jpg", "/notes.txt"]  # dfvfs: allocated only
    worker.init_worker(spec, worker.WorkerOptions())
    keep = next(r for r in listing.refs if r.path == "/DCIM/keep.jpg")
    [record] = worker.process_ref(keep)
    assert record["md5"] == hash_bytes(card["photo"]).md5
    assert record["pdq"]
    assert record["timestamps"]["modified"].endswith("Z")


def test_an_image_with_no_readable_file_system_is_not_reported_as_no_hits(
    card: dict[str, Any], tmp_path: Path, policy: Policy, capsys: pytest.CaptureFixture[str]
) -> None:
    from custos.triage.cli import main

    blob = tmp_path / "encrypted.raw"
    blob.write_bytes(bytes(range(256)) * 4096)  # 1 MiB with no file system a reader knows
    report = _scan(blob, tmp_path, policy, [str(card["set"])])
    summary = report["summary"]
    assert report["files"] == [] and summary["nothing_read"] is True
    assert "no file could be read from this raw image" in summary["likely_iioc_reason"]
    assert "not a 'no hits' result" in summary["likely_iioc_reason"]
    args = ["triage", "scan", str(blob), "--json", str(tmp_path / "cli.json"), "--quiet", "--workers", "1"]
    assert main(args) == 3  # the report is written, but nothing was triaged
    assert "custos: error: no file could be read" in capsys.readouterr().err
    folder = tmp_path / "empty-folder"
    folder.mkdir()
    assert _scan(folder, tmp_path, policy, [])["summary"]["nothing_read"] is False  # an empty folder is read


def test_an_empty_but_readable_card_is_read_and_reported_as_no_hits(
    card: dict[str, Any], tmp_path: Path, policy: Policy, make_ext2: Callable[..., Path]
) -> None:
    empty = tmp_path / "blank"
    empty.mkdir()
    report = _scan(make_ext2(empty, name="blank.raw"), tmp_path, policy, [str(card["set"])])
    assert report["files"] == [] and report["summary"]["nothing_read"] is False
    assert report["summary"]["likely_iioc_reason"].startswith("no file matched a known-bad hash set")
