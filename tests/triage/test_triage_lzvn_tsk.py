"""Type-8 LZVN units decoded by TSK, as the scanner lets it (``sources.decmpfs``): fast, and never trusted
where it could be wrong. Every unit TSK gives must be what the scanner's own decoder gives, and every unit
that decoder rejects must still be reported unread with the unit named: for the damage the other tests
cover, for the two cases TSK and libfshfs read wrong without an error, and for random damage."""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pyfshfs
import pytest
import pytsk3
import triage_hfsplus
from triage_hfsplus import DECMPFS_LZVN_RSRC, hfsplus_image
from triage_lzvn import END_OF_STREAM, lzvn_unit

from custos.triage.scanner.sources import Opener, detect_source, list_source
from custos.triage.scanner.sources.decmpfs import ERR_DECMPFS_UNIT, DecmpfsError, open_decmpfs
from custos.triage.scanner.sources.lzvn import (
    ERR_LZVN_DISTANCE,
    ERR_LZVN_SHORT,
    ERR_LZVN_TRUNCATED,
    ERR_LZVN_UNDEFINED,
    LZVN_SETS_DISTANCE,
    lzvn_first_copy,
)

UNIT = 1 << 16
TEXT = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % i for i in range(2000))[:UNIT]
NOISE = random.Random(11).randbytes(UNIT)  # stored: LZVN cannot shrink it
FILL = b"\xe0\x20" + b"q" * 48  # a literal of 48 bytes
# A second unit damaged each way, with the error the scanner's decoder gives for it (expected: 56 bytes).
DAMAGE = {
    # Apple's decoder does not check the previous distance of a match-only opcode (0xF0-0xFF), which is 0
    # until an opcode sets one: TSK copies from distance 0 and gives the unit whole, wrong, with no error.
    "match-before-any-distance": (
        b"\xe4abcd\xf4" + FILL + END_OF_STREAM,
        ERR_LZVN_DISTANCE.format(offset=5, distance=0, length=4),
    ),
    # libfshfs (libfmos) checks no distance against 0: it gives this unit whole, wrong, with no error.
    "previous-distance-before-any": (
        b"\xe4abcd\x46x" + FILL + END_OF_STREAM,
        ERR_LZVN_DISTANCE.format(offset=5, distance=0, length=5),
    ),
    # A small-distance opcode with distance 0 (0x08 0x00: a match of 4), as a zeroed sector holds them.
    "small-distance-0": (
        b"\xe4abcd\x08\x00" + FILL + END_OF_STREAM,
        ERR_LZVN_DISTANCE.format(offset=5, distance=0, length=4),
    ),
    "zeroed-run": (
        b"\xe4abcd\x08\x04" + bytes(40) + END_OF_STREAM,
        ERR_LZVN_DISTANCE.format(offset=7, distance=0, length=8),
    ),
    "undefined": (b"\xe4abcd\x70" + FILL + END_OF_STREAM, ERR_LZVN_UNDEFINED.format(opcode=0x70, offset=5)),
    "match-before-the-start": (
        b"\xe4abcd\x08\x05" + FILL + END_OF_STREAM,
        ERR_LZVN_DISTANCE.format(offset=5, distance=5, length=4),
    ),
    "early-end-of-stream": (b"\xe4abcd" + END_OF_STREAM, ERR_LZVN_SHORT.format(length=4, expected=56)),
    "no-end-of-stream": (b"\xe4abcd" + FILL, ERR_LZVN_SHORT.format(length=52, expected=56)),
    "literal-cut-short": (b"\xe4abcd" + FILL[:20], ERR_LZVN_TRUNCATED.format(offset=5)),
    "opcode-cut-short": (b"\xe4abcd\xa0\x04", ERR_LZVN_TRUNCATED.format(offset=5)),
    "stored-short": (b"\x06" + b"q" * 20, "20 bytes where 56 were expected"),
}
SECOND = {name: bytes([i]) * 56 for i, name in enumerate(DAMAGE)}  # what each second unit should hold


_encoded = cache(lzvn_unit)


def _image_with_units(
    out: Path, monkeypatch: pytest.MonkeyPatch, units: dict[bytes, bytes], files: dict[str, bytes]
) -> Path:
    """An image of type-8 ``files`` in which each 64 KiB piece found in ``units`` is written as that unit."""
    with monkeypatch.context() as patch:
        patch.setattr(triage_hfsplus, "lzvn_unit", lambda data: units.get(data) or _encoded(data))
        return hfsplus_image(out, files, compressed=dict.fromkeys(files, DECMPFS_LZVN_RSRC), size=8 << 20)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """Two-unit files, the second damaged each way; and a whole one (compressed, stored, compressed)."""
    files = {f"/{name}.bin": TEXT + SECOND[name] for name in DAMAGE}
    files["/whole.bin"] = TEXT + NOISE + TEXT[:5000]
    units = {SECOND[name]: unit for name, (unit, _) in DAMAGE.items()}
    with pytest.MonkeyPatch.context() as patch:
        yield _image_with_units(tmp_path_factory.mktemp("damaged") / "d.raw", patch, units, files), files


def _fs(image: Path) -> Any:
    return pytsk3.FS_Info(pytsk3.Img_Info(str(image)))


def _cnid(fs: Any, path: str) -> int:
    return int(fs.open(path).info.meta.addr)


def _read_counted(fs: Any, path: str, *, tsk_lzvn: bool) -> tuple[bytes | str, int]:
    """(content or error, units TSK gave) of a type-8 file read through the scanner's reader."""
    reader = open_decmpfs(fs, _cnid(fs, path), tsk_lzvn=tsk_lzvn)
    try:
        return reader.readall(), reader.units_by_tsk
    except DecmpfsError as exc:
        return str(exc), reader.units_by_tsk


def _read(fs: Any, path: str, *, tsk_lzvn: bool) -> bytes | str:
    return _read_counted(fs, path, tsk_lzvn=tsk_lzvn)[0]


def test_the_scanner_reads_type_8_units_through_tsk_and_gets_what_its_own_decoder_gets(
    damaged: tuple[Path, dict[str, bytes]],
) -> None:
    image, files = damaged
    fs = _fs(image)
    assert _read_counted(fs, "/whole.bin", tsk_lzvn=True) == (files["/whole.bin"], 2)  # stored: a copy
    assert _read_counted(fs, "/whole.bin", tsk_lzvn=False) == (files["/whole.bin"], 0)


def test_the_scanner_s_reader_is_the_tsk_path_when_a_scan_opens_a_type_8_file(
    damaged: tuple[Path, dict[str, bytes]],
) -> None:
    image, files = damaged
    spec = detect_source(str(image))
    [ref] = [ref for ref in list_source(spec).refs if ref.path == "/whole.bin"]
    with Opener(spec).open(ref) as fh:
        assert fh.read() == files["/whole.bin"]
        assert fh.raw.units_by_tsk == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_damaged_unit_read_through_tsk_is_reported_unread_with_the_unit_named(
    damaged: tuple[Path, dict[str, bytes]], name: str
) -> None:
    image, _ = damaged
    fs = _fs(image)
    error = ERR_DECMPFS_UNIT.format(index=1, reason=DAMAGE[name][1])
    assert _read_counted(fs, f"/{name}.bin", tsk_lzvn=True) == (error, 1)  # the first unit by TSK
    assert _read(fs, f"/{name}.bin", tsk_lzvn=False) == error
    # The first unit was read whole before the damaged one was reached.
    reader = open_decmpfs(fs, _cnid(fs, f"/{name}.bin"))
    assert reader.read(UNIT) == TEXT


def test_tsk_reads_a_match_before_any_distance_whole_and_wrong_so_the_scanner_decodes_such_a_unit_itself(
    damaged: tuple[Path, dict[str, bytes]],
) -> None:
    # Why the guard: Apple's decoder checks the distance each opcode sets, but a match-only opcode reuses the
    # previous one, which starts at 0. Should a TSK that checks it arrive, this fails and the guard can go.
    image, _ = damaged
    handle = _fs(image).open("/match-before-any-distance.bin")
    data = handle.read_random(UNIT, 56)
    assert len(data) == 56
    assert data != SECOND["match-before-any-distance"]
    assert lzvn_first_copy(DAMAGE["match-before-any-distance"][0]) not in LZVN_SETS_DISTANCE


def test_libfshfs_reads_a_match_at_distance_0_whole_and_wrong_so_the_scanner_does_not_use_it(
    damaged: tuple[Path, dict[str, bytes]],
) -> None:
    # Why not libfshfs, though it is a C decoder too: libfmos copies from distance 0 without an error.
    image, _ = damaged
    volume = pyfshfs.open(str(image))
    for name in ("previous-distance-before-any", "small-distance-0"):
        entry = volume.get_file_entry_by_path(f"/{name}.bin")
        data = entry.read_buffer_at_offset(56, UNIT)
        assert len(data) == 56 and data != SECOND[name], name


def test_libfshfs_after_a_damaged_unit_may_return_the_unit_before_it_wrong(
    damaged: tuple[Path, dict[str, bytes]],
) -> None:
    # A second reason: after a unit fails, libfshfs's cached unit is the failed one's partial output.
    image, _ = damaged
    entry = pyfshfs.open(str(image)).get_file_entry_by_path("/undefined.bin")
    entry.seek_offset(0)
    assert entry.read_buffer(UNIT) == TEXT
    entry.seek_offset(UNIT)
    with pytest.raises(OSError, match="invalid oppcode"):
        entry.read_buffer(56)
    entry.seek_offset(0)
    assert entry.read_buffer(UNIT) != TEXT


@pytest.mark.parametrize(
    ("stream", "kind"),
    [
        (b"\xe4abcd\x08\x04", "small distance"),
        (b"\x0e\xe0\x00" + bytes(16) + b"\xa0\x04\x00", "medium distance"),
        (b"\x16\x07\x01\x00", "large distance"),
        (b"\xe1a\xf1", "match"),
        (b"\xe1a\xf0\x00", "match"),
        (b"\xe1a\x46", "previous distance"),
        (b"\xe1a\x06", "end"),
        (b"\xe1a\x70", "undefined"),
        (b"\xe4ab", None),  # the stream ends inside the literal
        (b"\xe0", None),
    ],
)
def test_the_guard_finds_the_first_copying_opcode_past_the_leading_literals(
    stream: bytes, kind: str | None
) -> None:
    sets_distance = kind in ("small distance", "medium distance", "large distance")
    assert (lzvn_first_copy(stream) in LZVN_SETS_DISTANCE) is sets_distance
    assert (lzvn_first_copy(stream) is None) is (kind is None)


def _mutations(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    good = lzvn_unit(TEXT)
    units = []
    for _ in range(count):
        unit = bytearray(good)
        for _ in range(rng.choice((1, 1, 2, 5))):
            unit[rng.randrange(len(unit))] = rng.randrange(256)
        if rng.random() < 0.2:
            del unit[rng.randrange(1, len(unit)) :]
        if rng.random() < 0.15:
            start = rng.randrange(len(unit))
            unit[start:] = bytes(len(unit) - start)
        if rng.random() < 0.15:  # damage where the guard looks: the first opcodes
            unit[rng.randrange(min(8, len(unit)))] = rng.choice((0xF1, 0xF0, 0x46, 0x00, 0x70))
        units.append(bytes(unit))
    return units


@pytest.mark.parametrize("seed", range(4))
def test_randomly_damaged_units_read_through_tsk_exactly_as_the_scanner_s_decoder_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    mutations = _mutations(seed, 30)
    seconds = [i.to_bytes(4) + TEXT[4:] for i in range(len(mutations))]  # distinct, so each maps to its unit
    files = {f"/m{i}.bin": TEXT + second for i, second in enumerate(seconds)}
    image = _image_with_units(
        tmp_path / "m.raw", monkeypatch, dict(zip(seconds, mutations, strict=True)), files
    )
    fs = _fs(image)
    outcomes = {"read": 0, "unreadable": 0, "units by TSK": 0}
    for path in files:
        expected = _read(fs, path, tsk_lzvn=False)
        read, by_tsk = _read_counted(fs, path, tsk_lzvn=True)
        assert read == expected, path
        outcomes["unreadable" if isinstance(expected, str) else "read"] += 1
        outcomes["units by TSK"] += by_tsk
    # The damage reached the decoders (not only bytes they skip), and TSK decoded the units it could.
    assert outcomes["unreadable"] > 0
    assert outcomes["units by TSK"] >= len(files)
