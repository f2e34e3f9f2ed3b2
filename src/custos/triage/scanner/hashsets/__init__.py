"""Hash sets: detect the format by content, parse, validate every line, atomically.

``import_hashset_file`` is the one entry point, used by the scanner and by the Django side
(``custos hashset import``). It either returns a complete :class:`ParsedHashSet` or raises
:class:`HashSetError` naming the file and the first bad line; nothing is ever half-parsed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from custos.core.policy import Policy

from .model import (
    CATEGORIES,
    KNOWN,
    KNOWN_BAD,
    KNOWN_GOOD,
    NON_INDECENT,
    SEVERITY,
    UNCATEGORISED,
    HashEntry,
    HashSetError,
    ParsedHashSet,
    vics_category_map,
)
from .nsrl import SQLITE_MAGIC, RdsDatabase, looks_like_nsrl_file, open_rds, parse_nsrl_file
from .text import (
    decode_text,
    looks_like_csv,
    looks_like_hash_list,
    looks_like_hashdeep,
    looks_like_pdq_list,
    parse_csv,
    parse_hash_list,
    parse_hashdeep,
    parse_pdq_list,
)
from .vics import looks_like_vics, parse_vics

__all__ = [
    "CATEGORIES",
    "KNOWN",
    "KNOWN_BAD",
    "KNOWN_GOOD",
    "NON_INDECENT",
    "SEVERITY",
    "UNCATEGORISED",
    "HashEntry",
    "HashSetError",
    "ParsedHashSet",
    "RdsDatabase",
    "import_hashset_file",
]

ERR_NOT_FOUND = "hash set {path} does not exist or is not a readable file"
ERR_UNKNOWN_FORMAT = (
    "{path}: unrecognised hash-set format (expected VICS JSON, CSV with a md5/sha1/sha256/pdq header, "
    "NSRL RDS SQLite, NSRLFile.txt, hashdeep, a PDQ list or a plain hash list)"
)
ERR_EMPTY = "{path}: hash set holds no usable hashes"
# Formats that are NSRL by nature: "known" files, never evidence of IIOC.
_KNOWN_GOOD_FORMATS = {"nsrl-rds-sqlite", "nsrl-file"}
_EMPTY_DIGESTS = {
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
}


def _file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_empty_file_entry(entry: HashEntry) -> bool:
    """IPED ignores zero-length hashes: an entry for the empty file would flag every empty file."""
    return any(v in _EMPTY_DIGESTS for v in entry.hashes().values())


def detect_format(path: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(SQLITE_MAGIC):
        return "nsrl-rds-sqlite"
    if looks_like_vics(head):
        return "vics"
    if looks_like_nsrl_file(head):
        return "nsrl-file"
    text = decode_text(head, path)
    if looks_like_hashdeep(text):
        return "hashdeep"
    if looks_like_csv(text):
        return "csv"
    if looks_like_pdq_list(text):
        return "pdq-list"
    if looks_like_hash_list(text):
        return "hash-list"
    raise HashSetError(ERR_UNKNOWN_FORMAT.format(path=path))


def import_hashset_file(
    path: str | os.PathLike[str], *, name: str, policy: Policy, role: str | None = None
) -> ParsedHashSet:
    """Parse and validate a hash-set file (format detected by content). Atomic: complete or ``HashSetError``.

    ``role`` is ``known-bad`` (default) or ``known-good``; NSRL formats are always known-good.
    """
    p = str(path)
    if not Path(p).is_file() or not os.access(p, os.R_OK):
        raise HashSetError(ERR_NOT_FOUND.format(path=p))
    fmt = detect_format(p)
    role = KNOWN_GOOD if fmt in _KNOWN_GOOD_FORMATS else (role or KNOWN_BAD)
    if role not in (KNOWN_BAD, KNOWN_GOOD):
        raise HashSetError(f"{p}: role {role!r} must be {KNOWN_BAD} or {KNOWN_GOOD}")
    default_category = KNOWN if role == KNOWN_GOOD else UNCATEGORISED
    cmap = vics_category_map(policy)
    parsed = ParsedHashSet(
        name=name,
        format=fmt,
        role=role,
        path=p,
        sha256=_file_sha256(p),
        category_map=cmap,
        policy_version=policy.version,
    )
    if fmt == "nsrl-rds-sqlite":
        parsed.rds = open_rds(p, p)
        parsed.source = "NIST NSRL RDSv3"
        return parsed
    raw = Path(p).read_bytes()
    entries: list[HashEntry]
    if fmt == "vics":
        entries, parsed.ignored, parsed.version = parse_vics(raw, p, cmap)
        parsed.source = "VICS"
    elif fmt == "nsrl-file":
        entries = parse_nsrl_file(raw, p)
        parsed.source = "NIST NSRL RDSv2"
    else:
        text = decode_text(raw, p)
        if fmt == "hashdeep":
            entries = parse_hashdeep(text, p, default_category)
        elif fmt == "csv":
            entries = parse_csv(text, p, cmap, default_category)
        elif fmt == "pdq-list":
            entries = parse_pdq_list(text, p, cmap)
        else:
            entries = parse_hash_list(text, p, default_category)
    if role == KNOWN_GOOD:
        entries = [HashEntry(**{**e.__dict__, "category": KNOWN}) for e in entries]
    kept = [e for e in entries if not _is_empty_file_entry(e)]
    parsed.ignored += len(entries) - len(kept)
    if not kept:
        raise HashSetError(ERR_EMPTY.format(path=p))
    parsed.entries = tuple(kept)
    return parsed
