"""APFS volumes holding files in folders, built in the test (mkapfs makes the empty container and
triage_apfs_builder writes the files into it) and scanned. The Sleuth Kit reads no APFS, so the scanner
reads them through dfvfs (libfsapfs); the tests assert paths, sizes, hashes, dates and hash-set matches, and
that apfsck finds the hand-built volume consistent, so what the scanner reads is a well-formed APFS."""

from __future__ import annotations

import mmap
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from triage_apfs_builder import apfs_image
from triage_fixtures import assert_read_whole, encode, require_tool, synthetic_image

from custos.core.policy import current_policy
from custos.triage.scanner.hashing import hash_bytes
from custos.triage.scanner.pdq import hash_image_bytes
from custos.triage.scanner.scan import ScanOptions, scan

KEEP = encode(synthetic_image(311, (320, 240)), "JPEG", quality=90)
KEEP_COPY = encode(synthetic_image(311, (320, 240)).resize((200, 150)), "JPEG", quality=70)
SENT = encode(synthetic_image(312, (320, 240)), "JPEG", quality=85)
OTHER = encode(synthetic_image(313, (240, 320)), "JPEG", quality=85)
PICTURE = encode(synthetic_image(314, (80, 60)), "BMP")  # four blocks, stored one block per extent
NOTE = b"meet at the usual place\n"
FILES = {
    "/DCIM/100APPLE/IMG_0001.JPG": KEEP,
    "/DCIM/100APPLE/IMG_0002.JPG": OTHER,
    "/Downloads/picture.bmp": PICTURE,
    "/Documents/Caf\u00e9 notes.txt": NOTE,
    "/sent.jpg": SENT,
    "/empty.txt": b"",
}
FRAGMENTED = ("/Downloads/picture.bmp",)
# Only a case-sensitive volume can hold both: a second file whose name differs from the first only in case.
CASE_TWIN = {"/DCIM/100APPLE/img_0001.jpg": b"a different file\n"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[bool], tuple[Path, dict[str, Any]]]:
    """(image, report) for a case-insensitive or case-sensitive volume, built and scanned once per module."""
    root = tmp_path_factory.mktemp("apfs")
    exact = root / "exact.csv"
    exact.write_text(f"md5,category\n{hash_bytes(SENT).md5.upper()},A\n{hash_bytes(PICTURE).md5},A\n")
    pdq = root / "pdq.csv"
    pdq.write_text(
        f"pdq,category,source\n{hash_image_bytes(KEEP_COPY, min_quality=0, min_side=1).pdq},B,lab\n"
    )
    reports: dict[bool, tuple[Path, dict[str, Any]]] = {}

    def get(case_sensitive: bool) -> tuple[Path, dict[str, Any]]:
        if case_sensitive not in reports:
            name = "apfs-case-sensitive.raw" if case_sensitive else "apfs.raw"
            files = {**FILES, **CASE_TWIN} if case_sensitive else FILES
            image = apfs_image(root / name, files, case_sensitive=case_sensitive, fragmented=FRAGMENTED)
            options = ScanOptions(
                source=str(image),
                json_out=str(root / f"{name}.json"),
                hashsets=[str(exact), str(pdq)],
                workers=1,
                progress=False,
            )
            reports[case_sensitive] = image, scan(options, policy=current_policy())
        return reports[case_sensitive]

    return get


@pytest.mark.parametrize("case_sensitive", [False, True], ids=["case-insensitive", "case-sensitive"])
def test_apfs_files_in_folders_are_found_hashed_and_matched(
    built: Callable[[bool], tuple[Path, dict[str, Any]]], case_sensitive: bool
) -> None:
    _, report = built(case_sensitive)
    [tsk, dfvfs] = report["source"]["volumes"]
    assert tsk["error"].startswith("no file system that The Sleuth Kit can read")
    assert (dfvfs["reader"], dfvfs["file_system"]) == ("dfvfs", "apfs")
    assert report["source"]["errors"] == []
    expected = {**FILES, **CASE_TWIN} if case_sensitive else FILES
    files = {f["path"]: f for f in report["files"]}
    assert sorted(files) == sorted(expected)  # folders are walked, not reported; no private-dir entries
    for path, data in expected.items():
        found = files[path]
        assert_read_whole(found, data, path)
        assert found["deleted"] is False
        # APFS stores nanoseconds since 1970 (UTC); the builder stamps every date 2024-05-17 14:30:12.
        assert set(found["timestamps"].values()) == {"2024-05-17T14:30:12.000000000Z"}, path
    keep = files["/DCIM/100APPLE/IMG_0001.JPG"]
    assert (keep["type"], keep["pdq"]) == ("jpeg", hash_image_bytes(KEEP, min_quality=0, min_side=1).pdq)
    assert [(m["kind"], m["category"]) for m in keep["matches"]] == [("perceptual", "B")]
    for known_bad in ("/sent.jpg", "/Downloads/picture.bmp"):
        assert [(m["kind"], m["category"]) for m in files[known_bad]["matches"]] == [("exact", "A")], (
            known_bad
        )
    assert (
        files["/DCIM/100APPLE/IMG_0002.JPG"]["type"],
        files["/DCIM/100APPLE/IMG_0002.JPG"]["matches"],
    ) == (
        "jpeg",
        [],
    )
    assert files["/empty.txt"]["matches"] == []
    assert report["summary"]["by_category"]["A"] == 2
    assert report["summary"]["by_category"]["B"] == 1


def test_a_fragmented_apfs_file_is_read_in_file_order_from_its_extents(
    built: Callable[[bool], tuple[Path, dict[str, Any]]],
) -> None:
    # The picture's four blocks lie apart and last-first on the disk: only following its extent records in
    # logical order gives the bytes whose hash the set knows.
    image, report = built(False)
    with open(image, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as disk:
        assert disk.find(PICTURE) == -1
        blocks = [disk.find(PICTURE[at : at + 4096]) for at in range(0, len(PICTURE), 4096)]
    assert -1 not in blocks and blocks == sorted(blocks, reverse=True)
    found = {f["path"]: f for f in report["files"]}["/Downloads/picture.bmp"]
    assert (found["size"], found["sha256"]) == (len(PICTURE), hash_bytes(PICTURE).sha256)


@pytest.mark.parametrize("case_sensitive", [False, True], ids=["case-insensitive", "case-sensitive"])
def test_the_hand_built_apfs_volume_is_consistent_for_apfsck(
    built: Callable[[bool], tuple[Path, dict[str, Any]]], case_sensitive: bool
) -> None:
    # apfsck checks name hashes, key order, inode and folder counts, extent references, the space manager's
    # bitmap and free counts and every checksum: the scanner is tested on a volume a real APFS would accept.
    image, _ = built(case_sensitive)
    checked = subprocess.run(
        [require_tool("apfsck", "apfsprogs"), "-cuw", str(image)], capture_output=True, text=True, check=False
    )
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")
