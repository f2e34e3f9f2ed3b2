"""An LZVN encoder for the tests (no tool here writes LZVN): the format Apple's decoder reads (lzfse,
``src/lzvn_decode_base.c``), which macOS uses for decmpfs types 7 and 8.

A stream is a sequence of opcodes ending with end-of-stream (0x06 and seven zero bytes). The encoder is a
plain greedy LZ77 (the last position of each 4-byte prefix, no lazy matching): it is not a good compressor,
but it writes every opcode a decoder must handle but two ("previous distance" and nop):

- small literal ``1110LLLL`` (1-15 bytes) and large literal ``11100000 L-16`` (16-271 bytes);
- small distance ``LLMMMDDD DDDDDDDD`` (distance below 1536, match 3-10 bytes after 0-3 literal bytes);
- medium distance ``101LLMMM DDDDDDMM DDDDDDDD`` (distance below 16384, match 3-34 bytes, little-endian);
- large distance ``LLMMM111 DDDDDDDD DDDDDDDD`` (distance to 65535, little-endian, match 3-10 bytes);
- small match ``1111MMMM`` (1-15 bytes) and large match ``11110000 M-16`` (16-271 bytes), which repeat the
  previous distance: how a match longer than its opcode allows goes on.

A match may overlap what it copies (distance below length): the decoder copies byte by byte, so a run of
one byte is a literal and a match at distance 1.
"""

from __future__ import annotations

import struct

END_OF_STREAM = b"\x06" + bytes(7)
LZVN_STORED = 0x06  # decmpfs: a unit whose first byte is this holds the bytes after it as they are
_MIN_MATCH = 4  # the hash key's length; shorter matches cost as much as their literals
_MAX_DISTANCE = 0xFFFF
_SMALL_DISTANCE, _MEDIUM_DISTANCE = 1536, 16384
# The longest match a small- or large-distance opcode holds, by the literal bytes (0-3) it carries: the rest
# of each range is other opcodes (0x70-0x7F and 0xD0-0xDF are undefined, 0xA0-0xBF is medium distance).
_MAX_SMALL_MATCH_BY_LITERALS = {0: 10, 1: 8, 2: 6, 3: 4}


def _literals(data: bytes) -> bytes:
    out = bytearray()
    for start in range(0, len(data), 271):
        part = data[start : start + 271]
        if len(part) < 16:
            out += bytes([0xE0 | len(part)]) + part
        else:
            out += bytes([0xE0, len(part) - 16]) + part
    return bytes(out)


def _match(literal: bytes, distance: int, length: int) -> tuple[bytes, int]:
    """An opcode with ``literal`` (0-3 bytes) and the start of a match: (its bytes, length copied)."""
    count = len(literal)
    if distance < _SMALL_DISTANCE and length <= _MAX_SMALL_MATCH_BY_LITERALS[count]:
        taken = min(length, _MAX_SMALL_MATCH_BY_LITERALS[count])
        opcode = count << 6 | (taken - 3) << 3 | distance >> 8
        return bytes([opcode, distance & 0xFF]) + literal, taken
    if distance < _MEDIUM_DISTANCE:
        taken = min(length, 34)
        opcode = 0xA0 | count << 3 | (taken - 3) >> 2
        return bytes([opcode]) + struct.pack("<H", distance << 2 | (taken - 3) & 3) + literal, taken
    taken = min(length, _MAX_SMALL_MATCH_BY_LITERALS[count])
    opcode = count << 6 | (taken - 3) << 3 | 0x07
    return bytes([opcode]) + struct.pack("<H", distance) + literal, taken


def _repeat(length: int) -> bytes:
    """Match-only opcodes for ``length`` more bytes at the previous distance."""
    out = bytearray()
    while length:
        if length < 16:
            out.append(0xF0 | length)
            length = 0
        else:
            taken = min(length, 271)
            out += bytes([0xF0, taken - 16])
            length -= taken
    return bytes(out)


def lzvn_encode(data: bytes) -> bytes:
    """An LZVN stream that decodes to ``data``, ending with the end-of-stream opcode."""
    out = bytearray()
    last: dict[bytes, int] = {}
    pending = 0  # start of the literal bytes not yet written
    pos = 0
    while pos + _MIN_MATCH <= len(data):
        key = data[pos : pos + _MIN_MATCH]
        candidate = last.get(key)
        last[key] = pos
        if candidate is None or pos - candidate > _MAX_DISTANCE:
            pos += 1
            continue
        length = _MIN_MATCH
        while pos + length < len(data) and data[candidate + length] == data[pos + length]:
            length += 1
        literal = data[pending:pos]
        out += _literals(literal[:-3] if len(literal) > 3 else b"")
        opcode, taken = _match(literal[-3:], pos - candidate, length)
        out += opcode + _repeat(length - taken)
        for inner in range(pos + 1, min(pos + length, len(data) - _MIN_MATCH + 1)):
            last[data[inner : inner + _MIN_MATCH]] = inner
        pos += length
        pending = pos
    out += _literals(data[pending:])
    return bytes(out + END_OF_STREAM)


def lzvn_unit(data: bytes) -> bytes:
    """One decmpfs LZVN unit: the LZVN stream, or 0x06 and the bytes when LZVN would not shrink them."""
    packed = lzvn_encode(data)
    return packed if len(packed) < len(data) + 1 else bytes([LZVN_STORED]) + data


def lzvn_opcodes(stream: bytes) -> list[tuple[int, str]]:
    """(offset, kind) of each opcode of ``stream`` in order, up to and with end-of-stream."""
    kinds: list[tuple[int, str]] = []
    pos = 0
    while True:
        opcode = stream[pos]
        if opcode == 0x06:
            return [*kinds, (pos, "end of stream")]
        if opcode in (0x0E, 0x16):
            kind, size, literal = "nop", 1, 0
        elif 0x70 <= opcode < 0x80 or 0xD0 <= opcode < 0xE0 or (opcode < 0x40 and opcode & 7 == 6):
            raise ValueError(f"undefined LZVN opcode {opcode:#04x} at {pos}")
        elif opcode >= 0xF0:
            kind, size, literal = ("large match", 2, 0) if opcode == 0xF0 else ("small match", 1, 0)
        elif opcode >= 0xE0:
            kind, size = ("large literal", 2) if opcode == 0xE0 else ("small literal", 1)
            literal = stream[pos + 1] + 16 if opcode == 0xE0 else opcode & 0x0F
        elif 0xA0 <= opcode < 0xC0:
            kind, size, literal = "medium distance", 3, opcode >> 3 & 3
        elif opcode & 7 == 7:
            kind, size, literal = "large distance", 3, opcode >> 6
        elif opcode & 7 == 6:
            kind, size, literal = "previous distance", 1, opcode >> 6
        else:
            kind, size, literal = "small distance", 2, opcode >> 6
        kinds.append((pos, kind))
        pos += size + literal
