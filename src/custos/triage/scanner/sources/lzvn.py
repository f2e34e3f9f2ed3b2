"""LZVN, the compression of HFS+ decmpfs types 7 and 8, decoded as Apple's decoder does (lzfse,
``src/lzvn_decode_base.c``).

A stream is a sequence of opcodes, each a literal (bytes copied from the stream), a match (bytes copied from
``distance`` bytes back in the output, byte by byte, so a match may overlap itself), or both, ending with
end-of-stream (0x06 and seven bytes). The opcode's first byte says which:

- ``LLMMMDDD D8``: small distance (D < 1536), ``101LLMMM`` then 16 bits little-endian ``D14 M2``: medium
  distance, ``LLMMM111 D16``: large distance, ``LLMMM110``: the previous distance; each with L literal
  bytes (0-3) before a match of M + 3 bytes (medium: five bits of M);
- ``1110LLLL`` / ``11100000 L8``: a literal of L bytes / of L + 16; ``1111MMMM`` / ``11110000 M8``: a match
  of M bytes / of M + 16 at the previous distance;
- 0x0E and 0x16 do nothing; 0x1E-0x3E (low bits 110), 0x70-0x7F and 0xD0-0xDF are undefined.

Like Apple's, the decoder stops once the expected bytes are out (the end-of-stream opcode may follow). It
never returns fewer: a stream that ends early, an undefined opcode or a match reaching before the output's
start is an error, so that a damaged unit is reported, not hashed short or shifted.
"""

from __future__ import annotations

ERR_LZVN_UNDEFINED = "undefined LZVN opcode {opcode:#04x} at {offset}"
ERR_LZVN_TRUNCATED = "LZVN stream ends inside an opcode at {offset}"
ERR_LZVN_DISTANCE = "LZVN match at {offset} copies from distance {distance}, outside the {length} bytes out"
ERR_LZVN_SHORT = "LZVN stream ends after {length} bytes where {expected} were expected"

_SMALL_D, _MEDIUM_D, _LARGE_D, _PREVIOUS_D = 0, 1, 2, 3
_SMALL_L, _LARGE_L, _SMALL_M, _LARGE_M = 4, 5, 6, 7
_END, _NOP, _UNDEFINED = 8, 9, 10


def _kind(opcode: int) -> int:
    if opcode == 0x06:
        return _END
    if opcode in (0x0E, 0x16):
        return _NOP
    if 0x70 <= opcode < 0x80 or 0xD0 <= opcode < 0xE0 or (opcode < 0x40 and opcode & 7 == 6):
        return _UNDEFINED
    if opcode >= 0xF0:
        return _LARGE_M if opcode == 0xF0 else _SMALL_M
    if opcode >= 0xE0:
        return _LARGE_L if opcode == 0xE0 else _SMALL_L
    if 0xA0 <= opcode < 0xC0:
        return _MEDIUM_D
    return {7: _LARGE_D, 6: _PREVIOUS_D}.get(opcode & 7, _SMALL_D)


_KINDS = bytes(_kind(opcode) for opcode in range(256))
# Bytes each opcode kind takes before its literal.
_HEAD = {_SMALL_D: 2, _MEDIUM_D: 3, _LARGE_D: 3, _PREVIOUS_D: 1, _SMALL_L: 1, _LARGE_L: 2}
_HEAD |= {_SMALL_M: 1, _LARGE_M: 2, _NOP: 1}


# Opcode kinds that set the match distance: Apple's decoder checks it (not 0, not before the output's start).
LZVN_SETS_DISTANCE = frozenset({_SMALL_D, _MEDIUM_D, _LARGE_D})


def lzvn_first_copy(stream: bytes) -> int | None:
    """The kind of the first opcode of ``stream`` that copies (neither a literal nor a nop), None if none.

    Only the leading literals are walked (a few opcodes), not the stream."""
    pos, end = 0, len(stream)
    while pos < end:
        opcode = stream[pos]
        kind = _KINDS[opcode]
        if kind == _SMALL_L:
            pos += 1 + (opcode & 0x0F)
        elif kind == _LARGE_L:
            if pos + 1 >= end:
                return None
            pos += 2 + stream[pos + 1] + 16
        elif kind == _NOP:
            pos += 1
        else:
            return kind
    return None


class LzvnError(ValueError):
    """The stream is not valid LZVN or decodes to fewer bytes than expected."""


def lzvn_decode(stream: bytes, expected: int) -> bytes:
    """The ``expected`` bytes ``stream`` decodes to; LzvnError when it cannot give them all."""
    out = bytearray()
    pos, end, distance = 0, len(stream), 0
    while len(out) < expected:
        if pos >= end:
            raise LzvnError(ERR_LZVN_SHORT.format(length=len(out), expected=expected))
        opcode = stream[pos]
        kind = _KINDS[opcode]
        if kind == _END:
            raise LzvnError(ERR_LZVN_SHORT.format(length=len(out), expected=expected))
        if kind == _UNDEFINED:
            raise LzvnError(ERR_LZVN_UNDEFINED.format(opcode=opcode, offset=pos))
        head = _HEAD[kind]
        if pos + head > end:
            raise LzvnError(ERR_LZVN_TRUNCATED.format(offset=pos))
        literal = match = 0
        if kind == _SMALL_L:
            literal = opcode & 0x0F
        elif kind == _LARGE_L:
            literal = stream[pos + 1] + 16
        elif kind == _SMALL_M:
            match = opcode & 0x0F
        elif kind == _LARGE_M:
            match = stream[pos + 1] + 16
        elif kind == _MEDIUM_D:
            word = stream[pos + 1] | stream[pos + 2] << 8
            literal, match, distance = opcode >> 3 & 3, ((opcode & 7) << 2 | word & 3) + 3, word >> 2
        elif kind != _NOP:
            literal, match = opcode >> 6, (opcode >> 3 & 7) + 3
            if kind == _SMALL_D:
                distance = (opcode & 7) << 8 | stream[pos + 1]
            elif kind == _LARGE_D:
                distance = stream[pos + 1] | stream[pos + 2] << 8
        start = pos
        pos += head
        if literal:
            if pos + literal > end:
                raise LzvnError(ERR_LZVN_TRUNCATED.format(offset=start))
            out += stream[pos : pos + literal]
            pos += literal
        if match:
            source = len(out) - distance
            if distance == 0 or source < 0:
                raise LzvnError(ERR_LZVN_DISTANCE.format(offset=start, distance=distance, length=len(out)))
            if distance >= match:
                out += out[source : source + match]
            else:  # the match overlaps itself: the last ``distance`` bytes repeat
                out += (out[source:] * (match // distance + 1))[:match]
    return bytes(out[:expected])
