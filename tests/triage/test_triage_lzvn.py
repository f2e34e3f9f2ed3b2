"""LZVN. The tests' encoder (``triage_lzvn``) against the format: each opcode written bit for bit as Apple's
decoder reads it (lzfse ``lzvn_decode_base.c``), and its streams, in HFS+ files compressed as decmpfs types 7
and 8, decoded to the same bytes by two independent decoders: libfshfs (libfmos's LZVN) and The Sleuth Kit
(its copy of Apple's decoder). Then the scanner's decoder (``sources.lzvn``): what the encoder writes, the
opcodes it does not write, and damaged streams, which must fail rather than decode short."""

from __future__ import annotations

import random
from pathlib import Path

import pyfshfs
import pytest
import pytsk3
from hypothesis import given
from hypothesis import strategies as st
from triage_hfsplus import DECMPFS_LZVN_ATTR, DECMPFS_LZVN_RSRC, hfsplus_image
from triage_lzvn import END_OF_STREAM, lzvn_encode, lzvn_opcodes, lzvn_unit

from custos.triage.scanner.sources.lzvn import (
    ERR_LZVN_DISTANCE,
    ERR_LZVN_SHORT,
    ERR_LZVN_TRUNCATED,
    ERR_LZVN_UNDEFINED,
    LzvnError,
    lzvn_decode,
)

NOISE = random.Random(8).randbytes(276)
# FAR shares no 4 bytes with the filler nor with itself: the encoder's only match for it is its repeat.
FAR = random.Random(7).randbytes(40)
FAR_REPEAT = FAR + b"abcdefgh" * 2500 + FAR  # FAR, 20,000 bytes of period 8, FAR again 20,040 bytes on

# (content, the stream without its end-of-stream opcode), each worked out by hand from the opcode layouts.
VECTORS = {
    "empty": (b"", b""),
    "small-literal": (b"abc", b"\xe3abc"),  # 1110LLLL: L = 3
    # 11100000 L-16: 20 bytes (no match: a match must repeat 4 bytes).
    "large-literal": (bytes(range(20)), b"\xe0\x04" + bytes(range(20))),
    # 276 bytes with no 4 repeated: a large literal of 271 (the most it holds), then a small literal of 5.
    "long-literal": (NOISE, b"\xe0\xff" + NOISE[:271] + b"\xe5" + NOISE[271:]),
    # The same twice: 273 literal bytes (271 and 2), the last 3 before a medium-distance match of 34 at 276
    # (0b101_11_111; 276 << 2 | 3 = 0x0453), then a large match of the other 242 (226 + 16).
    "repeated-literal": (
        NOISE * 2,
        b"\xe0\xff" + NOISE[:271] + b"\xe2" + NOISE[271:273] + b"\xbf\x53\x04" + NOISE[273:] + b"\xf0\xe2",
    ),
    # "ab", then LLMMMDDD DDDDDDDD with L = 3 ("cdX" first), M = 4, D = 5: 11 001 000, 0x05.
    "small-distance": (b"abcdXabcd", b"\xe2ab\xc8\x05cdX"),
    # A run: "a" then a match at distance 1 (each copied byte is the one before it). 101LLMMM DDDDDDMM
    # DDDDDDDD: L = 1, M = 34 (31 = 0b111_11), D = 1: 0xAF, 0x07 0x00 ("a"); then 11110000 M-16 with 271 and
    # 1111MMMM with 5 repeat that distance for the other 276 bytes.
    "medium-distance-and-repeats": (b"a" * 311, b"\xaf\x07\x00a\xf0\xff\xf5"),
    # FAR and "abcde" as a large literal (45), "fgh" before a medium-distance match (D = 8, M = 34: 0xBF,
    # 0x23 0x00), 19,958 more bytes at distance 8 (73 large matches of 271, one of 175), then FAR again:
    # LLMMM111 DDDDDDDD DDDDDDDD with L = 0, M = 10, D = 20,040 (0x4E48, little-endian) and 30 more bytes.
    "large-distance": (
        FAR_REPEAT,
        b"\xe0\x1d" + FAR + b"abcde\xbf\x23\x00fgh" + b"\xf0\xff" * 73 + b"\xf0\x9f\x3f\x48\x4e\xf0\x0e",
    ),
}

OPCODES = {
    "small literal",
    "large literal",
    "small distance",
    "medium distance",
    "large distance",
    "small match",
    "large match",
    "end of stream",
}


@pytest.mark.parametrize(("content", "stream"), list(VECTORS.values()), ids=list(VECTORS))
def test_the_lzvn_encoder_writes_each_opcode_bit_for_bit_as_apple_s_decoder_reads_it(
    content: bytes, stream: bytes
) -> None:
    assert lzvn_encode(content) == stream + END_OF_STREAM


def test_an_lzvn_unit_that_would_not_shrink_is_stored_after_0x06() -> None:
    # A decmpfs unit starting with 0x06 (end-of-stream: no stream starts with it) holds the bytes as they are.
    assert lzvn_unit(NOISE) == b"\x06" + NOISE
    assert lzvn_unit(NOISE * 2) == lzvn_encode(NOISE * 2)


def _alphabet_text(seed: int) -> bytes:
    """Text of a few letters: many short matches at short distances, and runs."""
    rng = random.Random(seed)
    letters = rng.randbytes(rng.randint(2, 8))
    return bytes(rng.choice(letters) for _ in range(rng.randint(500, 3000)))


# Compressed as files: inline (type 7) while the attribute node has room, else in the resource fork (8).
INLINE = {f"/inline/{name}.bin": VECTORS[name][0] for name in ("repeated-literal", "large-distance")}
INLINE |= {"/inline/run.bin": b"a" * 311, "/inline/noise.bin": NOISE}
INLINE |= {f"/inline/text-{seed}.bin": _alphabet_text(seed) for seed in range(3)}
FORK = {f"/fork/{name}.bin": VECTORS[name][0] for name in ("repeated-literal", "large-distance")}
FORK |= {f"/fork/text-{seed}.bin": _alphabet_text(seed) for seed in range(3, 30)}
# Several units, one stored (noise) between compressed ones, the last short.
FORK["/fork/units.bin"] = bytes(65536) + random.Random(9).randbytes(65536) + FAR_REPEAT


@pytest.fixture(scope="module")
def lzvn_volume(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kinds = {path: DECMPFS_LZVN_ATTR for path in INLINE} | {path: DECMPFS_LZVN_RSRC for path in FORK}
    out = tmp_path_factory.mktemp("lzvn") / "lzvn.raw"
    return hfsplus_image(out, INLINE | FORK, compressed=kinds)


def test_the_fixture_s_streams_hold_every_opcode_the_encoder_writes_and_stored_units() -> None:
    units = [lzvn_unit(data) for data in INLINE.values()]
    for data in FORK.values():
        units += [lzvn_unit(data[i : i + 65536]) for i in range(0, len(data), 65536)]
    streams = [unit for unit in units if unit[0] != 0x06]
    assert {kind for stream in streams for _, kind in lzvn_opcodes(stream)} == OPCODES
    assert len(streams) < len(units)  # some units stored too


def test_libfshfs_decodes_the_encoder_s_lzvn_files_to_their_content(lzvn_volume: Path) -> None:
    # libfshfs decodes LZVN with libfmos, written apart from Apple's decoder: the independent check.
    volume = pyfshfs.open(str(lzvn_volume))
    for path, data in (INLINE | FORK).items():
        entry = volume.get_file_entry_by_path(path)
        assert (entry.get_size(), entry.read()) == (len(data), data), path


def test_the_sleuth_kit_decodes_lzvn_files_inline_and_in_the_resource_fork(lzvn_volume: Path) -> None:
    # TSK's LZVN decoder (Apple's) needs no zlib and reads valid streams right: a second check on the encoder.
    # The scanner decodes types 7 and 8 itself all the same: TSK reads a damaged unit short and the next one
    # at the wrong offset, without an error (test_triage_file_systems).
    fs = pytsk3.FS_Info(pytsk3.Img_Info(str(lzvn_volume)))
    for path, data in (INLINE | FORK).items():
        handle = fs.open(path)
        assert int(handle.info.meta.size) == len(data), path
        assert handle.read_random(0, len(data)) == data, path


@pytest.mark.parametrize(("content", "stream"), list(VECTORS.values()), ids=list(VECTORS))
def test_the_scanner_decodes_each_opcode_of_the_worked_vectors(content: bytes, stream: bytes) -> None:
    assert lzvn_decode(stream + END_OF_STREAM, len(content)) == content


@given(
    st.lists(st.sampled_from([b"a", b"b", b"ab", b"\x00", b"abcd", b"xyz\n"]), max_size=400),
    st.binary(max_size=300),
)
def test_whatever_the_encoder_writes_the_scanner_decodes_to_the_same_bytes(
    words: list[bytes], noise: bytes
) -> None:
    content = b"".join(words) + noise + b"".join(reversed(words))
    assert lzvn_decode(lzvn_encode(content), len(content)) == content


def test_the_scanner_decodes_the_opcodes_the_encoder_never_writes() -> None:
    # Previous distance (LLMMM110) and nop (0x0E, 0x16), as Apple's encoder may write them.
    stream = b"\xe4abcd" + b"\x08\x04"  # "abcd", then a match of 4 at distance 4
    stream += b"\x0e" + b"\x46x"  # nop; "x" and a match of 3 at the previous distance (4): "bcd"
    stream += b"\x16" + b"\xf2"  # nop; a match of 2 at that distance again: "xb"
    assert lzvn_decode(stream + END_OF_STREAM, 14) == b"abcdabcdxbcdxb"


def test_the_scanner_stops_once_the_expected_bytes_are_out_as_apple_s_decoder_does() -> None:
    assert lzvn_decode(b"\xe3abc", 3) == b"abc"  # no end-of-stream needed
    assert lzvn_decode(b"\xe1a\xa0\x04\x00\xf0\xff" + END_OF_STREAM, 100) == b"a" * 100  # nor whole matches


@pytest.mark.parametrize(
    ("stream", "expected", "error"),
    [
        (b"\x70" + END_OF_STREAM, 4, ERR_LZVN_UNDEFINED.format(opcode=0x70, offset=0)),
        (b"\xe1a\x1e" + END_OF_STREAM, 4, ERR_LZVN_UNDEFINED.format(opcode=0x1E, offset=2)),
        (b"\xe1a\xdf" + END_OF_STREAM, 4, ERR_LZVN_UNDEFINED.format(opcode=0xDF, offset=2)),
        (b"\xe1a\x08\x04" + END_OF_STREAM, 5, ERR_LZVN_DISTANCE.format(offset=2, distance=4, length=1)),
        (
            b"\xe1a\xf1" + END_OF_STREAM,
            2,
            ERR_LZVN_DISTANCE.format(offset=2, distance=0, length=1),
        ),  # none yet
        (b"\xe3abc" + END_OF_STREAM, 5, ERR_LZVN_SHORT.format(length=3, expected=5)),
        (b"\xe3abc", 5, ERR_LZVN_SHORT.format(length=3, expected=5)),
        (b"\xe3ab", 3, ERR_LZVN_TRUNCATED.format(offset=0)),
        (b"\xe1a\xa0\x04", 5, ERR_LZVN_TRUNCATED.format(offset=2)),
    ],
    ids=[
        "undefined",
        "undefined-low-bits-110",
        "undefined-0xd0-0xdf",
        "match-before-the-start",
        "match-with-no-distance",
        "early-end-of-stream",
        "no-end-of-stream",
        "literal-cut-short",
        "opcode-cut-short",
    ],
)
def test_a_damaged_lzvn_stream_fails_and_never_decodes_short(
    stream: bytes, expected: int, error: str
) -> None:
    with pytest.raises(LzvnError) as raised:
        lzvn_decode(stream, expected)
    assert str(raised.value) == error
