"""Every file system the scanner claims, built in the test: FAT16, FAT32, NTFS (with alternate data streams),
exFAT, HFS+/HFSX, ISO 9660 (Joliet, Rock Ridge, plain), and MBR/GPT disks whose partitions hold different file
systems. Each image is built and scanned
once per module; the tests assert paths, hashes, deleted flags and hash-set matches."""

from __future__ import annotations

import random
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytsk3
from triage_fixtures import assert_read_whole, encode, gpt_disk, mbr_disk, require_tool, synthetic_image
from triage_fs_builders import exfat_image, fat_image, iso_image, ntfs_image
from triage_hfsplus import hfsplus_image
from triage_lzvn import lzvn_opcodes, lzvn_unit

from custos.core.policy import current_policy
from custos.triage.scanner.hashing import hash_bytes
from custos.triage.scanner.pdq import hash_image_bytes
from custos.triage.scanner.scan import ScanOptions, scan
from custos.triage.scanner.sources import Opener, detect_source, list_source
from custos.triage.scanner.sources.decmpfs import ERR_DECMPFS_TYPE, ERR_DECMPFS_UNIT
from custos.triage.scanner.sources.lzvn import ERR_LZVN_UNDEFINED

KEEP = encode(synthetic_image(301, (320, 240)), "JPEG", quality=90)
GONE = encode(synthetic_image(302, (320, 240)), "JPEG", quality=90)
NOTE = b"meet at the usual place\n"
# The set knows GONE exactly and KEEP only perceptually (the PDQ of a smaller, re-encoded copy).
KEEP_COPY = encode(synthetic_image(301, (320, 240)).resize((200, 150)), "JPEG", quality=70)
# Known to the set exactly as well, and stored only compressed (HFS+ decmpfs): a thumbnail small enough for
# the attribute itself (type 3), and an uncompressed bitmap: four 64 KiB units in the resource fork (type 4).
THUMB = encode(synthetic_image(304, (48, 36)), "JPEG", quality=60)
PICTURE = encode(synthetic_image(305, (320, 240)), "BMP")


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, Callable[[Path], Path]], dict[str, Any]]:
    """Build an image once per module and scan it against the generated hash sets; cached by name."""
    root = tmp_path_factory.mktemp("fs")
    exact = root / "exact.csv"
    exact.write_text(
        "md5,category\n"
        f"{hash_bytes(GONE).md5.upper()},A\n{hash_bytes(PICTURE).md5},A\n{hash_bytes(THUMB).md5},C\n"
    )
    pdq = root / "pdq.csv"
    pdq_hash = hash_image_bytes(KEEP_COPY, min_quality=0, min_side=1).pdq
    pdq.write_text(f"pdq,category,source\n{pdq_hash},B,lab\n")
    reports: dict[str, dict[str, Any]] = {}

    def get(name: str, build: Callable[[Path], Path]) -> dict[str, Any]:
        if name not in reports:
            image = build(root / name)
            reports[name] = scan(
                ScanOptions(
                    source=str(image),
                    json_out=str(root / f"{name}.json"),
                    hashsets=[str(exact), str(pdq)],
                    workers=1,
                    progress=False,
                ),
                policy=current_policy(),
            )
        return reports[name]

    return get


def _files(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in report["files"]}


def _assert_keep_found(file: dict[str, Any]) -> None:
    assert file["deleted"] is False
    assert (file["md5"], file["sha1"], file["sha256"]) == (
        hash_bytes(KEEP).md5,
        hash_bytes(KEEP).sha1,
        hash_bytes(KEEP).sha256,
    )
    assert file["type"] == "jpeg"
    [match] = file["matches"]
    assert (match["kind"], match["category"]) == ("perceptual", "B")


def _assert_gone_recovered(file: dict[str, Any]) -> None:
    assert file["deleted"] is True
    assert file["sha256"] == hash_bytes(GONE).sha256
    assert [(m["kind"], m["category"]) for m in file["matches"]] == [("exact", "A")]


@pytest.mark.parametrize("bits", [16, 32])
def test_fat_files_long_names_and_a_deleted_file_are_found_hashed_and_matched(
    built: Callable[..., dict[str, Any]], bits: int
) -> None:
    report = built(
        f"fat{bits}.raw",
        lambda p: fat_image(
            p,
            {
                "/DCIM/keep.jpg": KEEP,
                "/DCIM/Holiday photo from the lake.txt": NOTE,
                "/DCIM/gone.jpg": GONE,
            },
            bits=bits,
            delete=("/DCIM/gone.jpg",),
        ),
    )
    assert [v["file_system"] for v in report["source"]["volumes"]] == [f"fat{bits}"]
    files = _files(report)
    _assert_keep_found(files["/DCIM/keep.jpg"])
    assert files["/DCIM/Holiday photo from the lake.txt"]["md5"] == hash_bytes(NOTE).md5
    [deleted] = [f for f in report["files"] if f["deleted"]]
    # FAT overwrites the first character of a deleted short name: TSK shows it as "_".
    assert deleted["path"] == "/DCIM/_one.jpg"
    _assert_gone_recovered(deleted)
    assert len(files) == 3  # no volume-label entry, no $FAT1/$MBR virtual files
    assert report["summary"]["deleted_files"] == 1


def test_ntfs_files_and_a_deleted_file_are_found_without_the_file_system_own_files(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built(
        "ntfs.raw",
        lambda p: ntfs_image(
            p, {"/keep.jpg": KEEP, "/notes.txt": NOTE, "/gone.jpg": GONE}, delete=("/gone.jpg",)
        ),
    )
    assert [v["file_system"] for v in report["source"]["volumes"]] == ["ntfs"]
    files = _files(report)
    assert sorted(files) == ["/gone.jpg", "/keep.jpg", "/notes.txt"]  # no $MFT, $LogFile, $Extend/...
    _assert_keep_found(files["/keep.jpg"])
    assert files["/notes.txt"]["timestamps"]["born"]
    _assert_gone_recovered(files["/gone.jpg"])


def test_an_image_hidden_in_an_ntfs_alternate_data_stream_is_found_and_matched(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built(
        "ntfs-ads.raw",
        lambda p: ntfs_image(
            p,
            {"/notes.txt": NOTE, "/keep.jpg": KEEP},
            streams={
                "/notes.txt:hidden": GONE,
                "/keep.jpg:Zone.Identifier": b"[ZoneTransfer]\r\nZoneId=3\r\n",
            },
        ),
    )
    files = _files(report)
    assert sorted(files) == ["/keep.jpg", "/keep.jpg:Zone.Identifier", "/notes.txt", "/notes.txt:hidden"]
    main = files["/notes.txt"]  # the file's own content is still reported, unaffected by its stream
    assert (main["size"], main["md5"], main["stream"], main["matches"]) == (
        len(NOTE),
        hash_bytes(NOTE).md5,
        None,
        [],
    )
    hidden = files["/notes.txt:hidden"]
    assert (hidden["stream"], hidden["size"], hidden["inode"]) == ("hidden", len(GONE), main["inode"])
    assert (hidden["md5"], hidden["sha1"], hidden["sha256"]) == (
        hash_bytes(GONE).md5,
        hash_bytes(GONE).sha1,
        hash_bytes(GONE).sha256,
    )
    assert hidden["pdq"] == hash_image_bytes(GONE, min_quality=0, min_side=1).pdq
    # A JPEG in a stream named "hidden": the stream's own name is checked against the signature.
    assert (hidden["type"], hidden["extension_mismatch"]) == ("jpeg", True)
    assert [(m["kind"], m["category"]) for m in hidden["matches"]] == [("exact", "A")]
    _assert_keep_found(files["/keep.jpg"])
    assert files["/keep.jpg:Zone.Identifier"]["stream"] == "Zone.Identifier"
    assert report["summary"]["by_category"]["A"] == 1


def test_ntfs_streams_of_the_root_folder_and_of_a_deleted_file_are_found(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built(
        "ntfs-ads-more.raw",
        lambda p: ntfs_image(
            p,
            {"/old.txt": NOTE},
            delete=("/old.txt",),
            streams={"/:cache": KEEP, "/old.txt:hidden": GONE},
        ),
    )
    files = _files(report)
    assert sorted(files) == ["/:cache", "/old.txt", "/old.txt:hidden"]
    _assert_keep_found(files["/:cache"])
    assert files["/:cache"]["stream"] == "cache"
    assert files["/old.txt"]["deleted"] is True
    _assert_gone_recovered(files["/old.txt:hidden"])  # deleted with its file, still read and matched


def test_an_empty_exfat_volume_opens_and_reports_its_file_system(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built("exfat-empty.raw", lambda p: exfat_image(p, {}))
    assert [v["file_system"] for v in report["source"]["volumes"]] == ["exfat"]
    assert report["files"] == []  # the label, allocation bitmap and up-case table are not user files
    assert report["source"]["errors"] == []


def test_exfat_files_and_a_deleted_file_are_found_hashed_and_matched(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built(
        "exfat.raw",
        lambda p: exfat_image(
            p, {"/keep.jpg": KEEP, "/notes.txt": NOTE, "/gone.jpg": GONE}, delete=("/gone.jpg",)
        ),
    )
    files = _files(report)
    assert sorted(files) == ["/gone.jpg", "/keep.jpg", "/notes.txt"]
    _assert_keep_found(files["/keep.jpg"])
    # exFAT (like FAT) stores wall-clock time; TSK reads it in the scanning process's zone (Django sets TZ).
    written = datetime(2024, 5, 17, 14, 30, 12).astimezone(UTC)
    assert files["/keep.jpg"]["timestamps"]["modified"] == written.isoformat().replace("+00:00", "Z")
    _assert_gone_recovered(files["/gone.jpg"])


OTHER = encode(synthetic_image(303, (240, 320)), "JPEG", quality=85)
HFS_FILES = {
    "/DCIM/keep.jpg": KEEP,
    "/gone.jpg": GONE,
    "/Holiday.JPG": OTHER,
    "/notes.txt": NOTE,
    "/empty.txt": b"",
}


@pytest.mark.parametrize("case_sensitive", [False, True], ids=["hfsplus", "hfsx"])
def test_hfsplus_files_in_folders_are_found_hashed_and_matched(
    built: Callable[..., dict[str, Any]], case_sensitive: bool
) -> None:
    name = "hfsx.raw" if case_sensitive else "hfsplus.raw"
    report = built(name, lambda p: hfsplus_image(p, HFS_FILES, case_sensitive=case_sensitive))
    assert [v["file_system"] for v in report["source"]["volumes"]] == ["hfs"]
    assert report["source"]["errors"] == []
    files = _files(report)
    assert sorted(files) == sorted(HFS_FILES)  # no $ExtentsFile, $CatalogFile, $AllocationFile ...
    for path, data in HFS_FILES.items():
        found = files[path]
        assert_read_whole(found, data, path)
        assert found["deleted"] is False
    _assert_keep_found(files["/DCIM/keep.jpg"])
    assert files["/DCIM/keep.jpg"]["pdq"] == hash_image_bytes(KEEP, min_quality=0, min_side=1).pdq
    assert [(m["kind"], m["category"]) for m in files["/gone.jpg"]["matches"]] == [("exact", "A")]
    assert (files["/Holiday.JPG"]["type"], files["/Holiday.JPG"]["matches"]) == ("jpeg", [])
    assert files["/empty.txt"]["matches"] == []
    # HFS+ stores UTC; the builder stamps every date 2024-05-17 14:30:12 (backup date unset).
    assert files["/notes.txt"]["timestamps"] == dict.fromkeys(
        ("modified", "accessed", "changed", "born"), "2024-05-17T14:30:12Z"
    )
    assert report["summary"]["by_category"]["A"] == 1
    assert report["summary"]["by_category"]["B"] == 1


def test_an_image_hidden_in_an_hfsplus_resource_fork_is_found_and_matched(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built(
        "hfsplus-rsrc.raw",
        lambda p: hfsplus_image(
            p,
            {"/notes.txt": NOTE, "/DCIM/keep.jpg": KEEP, "/plain.txt": b"no fork"},
            resource_forks={"/notes.txt": GONE, "/DCIM/keep.jpg": b"icns" * 1000},
        ),
    )
    assert report["source"]["errors"] == []
    files = _files(report)
    assert sorted(files) == [
        "/DCIM/keep.jpg",
        "/DCIM/keep.jpg/..namedfork/rsrc",
        "/notes.txt",
        "/notes.txt/..namedfork/rsrc",
        "/plain.txt",
    ]
    main = files["/notes.txt"]  # the data fork is still reported as the file, unaffected by its fork
    assert (main["size"], main["md5"], main["stream"], main["matches"]) == (
        len(NOTE),
        hash_bytes(NOTE).md5,
        None,
        [],
    )
    fork = files["/notes.txt/..namedfork/rsrc"]
    assert (fork["stream"], fork["size"], fork["inode"]) == ("rsrc", len(GONE), main["inode"])
    assert (fork["md5"], fork["sha1"], fork["sha256"]) == (
        hash_bytes(GONE).md5,
        hash_bytes(GONE).sha1,
        hash_bytes(GONE).sha256,
    )
    assert fork["pdq"] == hash_image_bytes(GONE, min_quality=0, min_side=1).pdq
    assert (fork["type"], fork["extension_mismatch"]) == ("jpeg", True)  # a picture where none belongs
    assert [(m["kind"], m["category"]) for m in fork["matches"]] == [("exact", "A")]
    assert fork["timestamps"] == main["timestamps"]
    _assert_keep_found(files["/DCIM/keep.jpg"])
    other = files["/DCIM/keep.jpg/..namedfork/rsrc"]
    assert (other["size"], other["sha256"]) == (4000, hash_bytes(b"icns" * 1000).sha256)
    assert report["summary"]["by_category"]["A"] == 1


def test_the_hand_built_hfsplus_image_reads_the_same_through_dfvfs(tmp_path: Path) -> None:
    # libfshfs (dfvfs) is a second, independent HFS+ reader: a check on the builder, not only on TSK.
    image = hfsplus_image(tmp_path / "hfsplus.raw", HFS_FILES)
    listing = list_source(detect_source(str(image)), use_dfvfs=True)
    assert [v["file_system"] for v in listing.volumes] == ["hfs"]
    assert sorted((r.path, r.size) for r in listing.refs) == sorted((p, len(d)) for p, d in HFS_FILES.items())
    assert listing.errors == []


def test_an_hfsplus_catalog_of_several_leaf_nodes_lists_every_file(
    built: Callable[..., dict[str, Any]],
) -> None:
    # About 60 records fill five 4 KiB leaf nodes, so the catalog has an index node for TSK to descend.
    many = {f"/Camera Roll/IMG_{i:04d}.txt": f"frame {i}\n".encode() * (i + 1) for i in range(60)}
    report = built("hfsplus-many.raw", lambda p: hfsplus_image(p, {**many, "/DCIM/keep.jpg": KEEP}))
    files = _files(report)
    assert sorted(files) == sorted([*many, "/DCIM/keep.jpg"])
    assert all(files[path]["sha256"] == hash_bytes(data).sha256 for path, data in many.items())
    _assert_keep_found(files["/DCIM/keep.jpg"])


NOISE = random.Random(5).randbytes(1500)  # zlib cannot shrink it: the unit is stored, not compressed
# Three units in the resource fork: compressed, stored (noise LZVN cannot shrink), compressed and short.
UNITS = bytes(1 << 16) + random.Random(6).randbytes(1 << 16) + NOTE * 40
COMPRESSED = {  # path: (content, decmpfs type)
    "/notes.txt": (NOTE * 40, 3),
    "/DCIM/thumb.jpg": (THUMB, 3),
    "/noise.bin": (NOISE, 3),
    "/DCIM/picture.bmp": (PICTURE, 4),
    "/DCIM/gone.jpg": (GONE, 4),
    "/future.bin": (NOTE * 10, 11),  # LZFSE: neither the scanner nor TSK decodes it
    # LZVN (the tests' encoder, triage_lzvn): inline (type 7) and in the resource fork (type 8).
    "/lzvn/notes.txt": (NOTE * 40, 7),
    "/lzvn/thumb.jpg": (THUMB, 7),
    "/lzvn/noise.bin": (NOISE, 7),
    "/lzvn/picture.bmp": (PICTURE, 8),
    "/lzvn/keep.jpg": (KEEP, 8),
    "/lzvn/units.bin": (UNITS, 8),
}


def _compressed_image(out: Path) -> Path:
    files = {path: data for path, (data, _) in COMPRESSED.items()}
    kinds = {path: kind for path, (_, kind) in COMPRESSED.items()}
    return hfsplus_image(out, {**files, "/plain.txt": NOTE}, compressed=kinds)


def test_hfsplus_compressed_files_are_hashed_and_matched_on_their_decompressed_content(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built("hfsplus-decmpfs.raw", _compressed_image)
    assert report["source"]["errors"] == []
    files = _files(report)
    # The resource forks holding the type-4 files' compressed units are not listed as hidden streams.
    assert sorted(files) == sorted([*COMPRESSED, "/plain.txt"])
    for path, (data, kind) in COMPRESSED.items():
        if kind == 11:
            continue
        assert_read_whole(files[path], data, path)
    assert [(m["kind"], m["category"]) for m in files["/DCIM/thumb.jpg"]["matches"]] == [("exact", "C")]
    assert [(m["kind"], m["category"]) for m in files["/DCIM/gone.jpg"]["matches"]] == [("exact", "A")]
    picture = files["/DCIM/picture.bmp"]
    assert [(m["kind"], m["category"]) for m in picture["matches"]] == [("exact", "A")]
    assert (picture["type"], picture["pdq"]) == (
        "bmp",
        hash_image_bytes(PICTURE, min_quality=0, min_side=1).pdq,
    )
    assert files["/plain.txt"]["md5"] == hash_bytes(NOTE).md5


def test_lzvn_compressed_hfsplus_files_are_hashed_and_matched_on_their_decompressed_content(
    built: Callable[..., dict[str, Any]],
) -> None:
    # Sizes and digests of every type-7 and type-8 file are checked above; here, what the examiner sees.
    files = _files(built("hfsplus-decmpfs.raw", _compressed_image))
    assert lzvn_unit(NOISE)[0] == 0x06  # stored, as LZVN could not shrink it
    assert [(m["kind"], m["category"]) for m in files["/lzvn/thumb.jpg"]["matches"]] == [("exact", "C")]
    picture = files["/lzvn/picture.bmp"]  # four units in the resource fork
    assert [(m["kind"], m["category"]) for m in picture["matches"]] == [("exact", "A")]
    assert (picture["type"], picture["pdq"]) == (
        "bmp",
        hash_image_bytes(PICTURE, min_quality=0, min_side=1).pdq,
    )
    _assert_keep_found(files["/lzvn/keep.jpg"])
    assert not [path for path in files if path.startswith("/lzvn/") and "namedfork" in path]


def test_an_hfsplus_file_of_a_compression_nothing_here_decodes_is_reported_unread_never_as_empty(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built("hfsplus-decmpfs.raw", _compressed_image)
    future = _files(report)["/future.bin"]
    assert future["errors"] == [ERR_DECMPFS_TYPE.format(kind=11)]
    assert (future["size"], future["md5"], future["sha256"]) == (len(NOTE * 10), None, None)
    assert report["summary"]["error_files"] == 1


def test_the_sleuth_kit_alone_reads_zlib_compressed_hfsplus_files_as_empty_or_not_at_all(
    tmp_path: Path,
) -> None:
    # Why the scanner inflates them itself: the pytsk3 wheel's TSK has no zlib. A type-3 file's attributes
    # fail to load (size 0, reads refused); a type-4 file's data attribute has no read function. Should a
    # build with zlib arrive, this fails, and sources/decmpfs.py can give the work back to TSK.
    image = _compressed_image(tmp_path / "decmpfs.raw")
    fs = pytsk3.FS_Info(pytsk3.Img_Info(str(image)))
    inline, in_fork = fs.open("/notes.txt"), fs.open("/DCIM/picture.bmp")
    assert int(inline.info.meta.size) == 0
    assert int(in_fork.info.meta.size) == len(PICTURE)
    for handle in (inline, in_fork):
        with pytest.raises(OSError, match=r"compressed|corrupt"):
            handle.read_random(0, 4096)


def _damaged_lzvn_image(out: Path) -> Path:
    """Type 7 and type 8 files, an undefined opcode (0x70) halfway through the inline stream and through the
    second of the picture's four units."""
    hfsplus_image(out, {"/thumb.jpg": THUMB, "/picture.bmp": PICTURE}, compressed=DAMAGED_KINDS)
    image = bytearray(out.read_bytes())
    for unit in (lzvn_unit(THUMB), lzvn_unit(PICTURE[1 << 16 : 2 << 16])):
        opcodes = lzvn_opcodes(unit)
        image[image.index(unit) + opcodes[len(opcodes) // 2][0]] = 0x70
    out.write_bytes(bytes(image))
    return out


DAMAGED_KINDS = {"/thumb.jpg": 7, "/picture.bmp": 8}


def test_a_damaged_lzvn_unit_is_reported_unread_never_hashed_shifted_or_short(
    built: Callable[..., dict[str, Any]],
) -> None:
    report = built("hfsplus-lzvn-damaged.raw", _damaged_lzvn_image)
    files = _files(report)
    for path, unit in (("/thumb.jpg", 0), ("/picture.bmp", 1)):
        [error] = files[path]["errors"]
        assert error.startswith("read error: " + ERR_DECMPFS_UNIT.format(index=unit, reason="")), error
        assert ERR_LZVN_UNDEFINED.split("{")[0] in error
        assert (files[path]["md5"], files[path]["sha256"], files[path]["matches"]) == (None, None, [])
    assert report["summary"]["error_files"] == 2


def test_the_sleuth_kit_reads_a_damaged_lzvn_unit_in_the_resource_fork_short_and_the_next_unit_up(
    tmp_path: Path,
) -> None:
    # Why the scanner decodes LZVN itself: TSK does not check a type-8 unit's decoded length ("apparently
    # this can't fail"). A read of the damaged unit ends where the decoder gave up, without an error; read on
    # from there, as any reader does after a short read, and the next unit's bytes come at the wrong offset:
    # the whole file is read, shifted. Should a TSK that checks arrive, this fails, and LZVN can go back.
    image = _damaged_lzvn_image(tmp_path / "damaged.raw")
    picture = pytsk3.FS_Info(pytsk3.Img_Info(str(image))).open("/picture.bmp")
    read, offset = [], 0
    while offset < len(PICTURE):
        read.append(picture.read_random(offset, min(1 << 16, len(PICTURE) - offset)))
        offset += len(read[-1])
    short = len(read[1])
    assert 0 < short < 1 << 16
    assert read[0] + read[1] == PICTURE[: (1 << 16) + short]
    assert read[2][:4096] == PICTURE[2 << 16 : (2 << 16) + 4096]  # the third unit, at the second's offset
    assert offset == len(PICTURE)


def test_the_hand_built_compressed_files_read_the_same_through_dfvfs(tmp_path: Path) -> None:
    # libfshfs inflates decmpfs itself: an independent check of the writer's attribute, fork and units.
    image = _compressed_image(tmp_path / "decmpfs.raw")
    spec = detect_source(str(image))
    listing = list_source(spec, use_dfvfs=True)
    opener = Opener(spec)
    refs = {ref.path: ref for ref in listing.refs}
    assert sorted(refs) == sorted([*COMPRESSED, "/plain.txt"])
    for path, (data, kind) in COMPRESSED.items():
        if kind == 11:
            continue  # libfshfs tries LZFSE and finds no valid data (the writer stores none)
        with opener.open(refs[path]) as fh:
            assert fh.read() == data, path


def test_a_file_deleted_from_an_hfsplus_catalog_is_not_listed_though_its_blocks_still_hold_it(
    built: Callable[..., dict[str, Any]],
) -> None:
    # TSK lists HFS+ files from catalog records only (its inode walk skips IDs the catalog no longer has, and
    # HFS+ gets no $OrphanFiles): once the records are removed, TSK has no file, though its blocks are intact.
    files = {"/DCIM/keep.jpg": KEEP, "/DCIM/gone.jpg": GONE, "/notes.txt": NOTE}
    report = built("hfsplus-deleted.raw", lambda p: hfsplus_image(p, files, delete=("/DCIM/gone.jpg",)))
    assert GONE in Path(report["source"]["path"]).read_bytes()  # the content is there to be carved
    assert sorted(_files(report)) == ["/DCIM/keep.jpg", "/notes.txt"]
    assert report["summary"]["deleted_files"] == 0
    assert report["summary"]["by_category"]["A"] == 0
    assert report["source"]["errors"] == []
    _assert_keep_found(_files(report)["/DCIM/keep.jpg"])


def test_an_empty_apfs_container_is_read_through_dfvfs_when_tsk_cannot(
    built: Callable[..., dict[str, Any]],
) -> None:
    # mkapfs (apfsprogs) makes an empty container; adding files would need the kernel driver and a mount.
    def build(out: Path) -> Path:
        out.write_bytes(b"")
        with open(out, "r+b") as fh:
            fh.truncate(128 << 20)  # sparse: mkapfs refuses smaller containers, writes well under 1 MiB
        subprocess.run(
            [require_tool("mkapfs", "apfsprogs"), "-L", "CARD", str(out)], check=True, capture_output=True
        )
        return out

    report = built("apfs.raw", build)
    [tsk, dfvfs] = report["source"]["volumes"]
    assert tsk["error"].startswith("no file system that The Sleuth Kit can read")
    assert (dfvfs["reader"], dfvfs["file_system"]) == ("dfvfs", "apfs")
    assert report["files"] == []
    assert report["source"]["errors"] == []


TREE = {"/DCIM/Long photo name.jpg": KEEP, "/DCIM/Camera Roll/notes.txt": NOTE}


@pytest.mark.parametrize(
    ("extensions", "paths"),
    [
        (("-J", "-R"), ["/DCIM/Camera Roll/notes.txt", "/DCIM/Long photo name.jpg"]),
        # TSK reads Joliet names but not Rock Ridge ones: without Joliet the examiner sees ISO 9660 names.
        (("-R",), ["/DCIM/CAMERA_R/NOTES.TXT", "/DCIM/LONG_PHO.JPG"]),
    ],
)
def test_iso9660_files_are_found_with_joliet_names_when_present(
    built: Callable[..., dict[str, Any]], extensions: tuple[str, ...], paths: list[str]
) -> None:
    report = built(f"disc{''.join(extensions)}.iso", lambda p: iso_image(p, TREE, *extensions))
    assert [v["file_system"] for v in report["source"]["volumes"]] == ["iso9660"]
    files = _files(report)
    assert sorted(files) == paths
    _assert_keep_found(files[paths[1]])
    assert files[paths[0]]["md5"] == hash_bytes(NOTE).md5


def _ext2(out: Path, files: dict[str, bytes]) -> Path:
    src = out.with_suffix(".src")
    for path, data in files.items():
        (src / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (src / path.lstrip("/")).write_bytes(data)
    subprocess.run(
        [require_tool("mke2fs", "e2fsprogs"), "-q", "-t", "ext2", "-d", str(src), "-F", str(out), "4M"],
        check=True,
    )
    return out


def _disk(build: Callable[[Path, list[Path]], list[int]], parts: list[Path], out: Path) -> Path:
    build(out, parts)
    return out


@pytest.mark.parametrize(
    ("table", "layout"),
    [
        ("dos", [("fat16", "ext2")]),
        ("gpt", [("ntfs", "exfat")]),
    ],
)
def test_every_partition_of_a_disk_with_different_file_systems_is_scanned(
    built: Callable[..., dict[str, Any]], table: str, layout: list[tuple[str, str]]
) -> None:
    [(first, second)] = layout
    makers: dict[str, Callable[[Path, dict[str, bytes]], Path]] = {
        "fat16": lambda p, f: fat_image(p, f, bits=16),
        "ext2": _ext2,
        "ntfs": ntfs_image,
        "exfat": exfat_image,
    }

    def build(out: Path) -> Path:
        one = makers[first](out.with_name(f"{table}-p1.raw"), {"/keep.jpg": KEEP})
        two = makers[second](out.with_name(f"{table}-p2.raw"), {"/gone.jpg": GONE})
        return _disk(mbr_disk if table == "dos" else gpt_disk, [one, two], out)

    report = built(f"{table}-disk.raw", build)
    volumes = report["source"]["volumes"]
    assert [v.get("file_system") for v in volumes] == [first, second]
    assert {v["table"] for v in volumes} == {table}
    files = _files(report)
    assert sorted(files) == ["p1:/keep.jpg", "p2:/gone.jpg"]
    _assert_keep_found(files["p1:/keep.jpg"])
    assert files["p2:/gone.jpg"]["matches"][0]["category"] == "A"
    assert files["p2:/gone.jpg"]["deleted"] is False
