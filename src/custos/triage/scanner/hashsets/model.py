"""Hash-set records shared by every format parser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from custos.core.policy import Policy

    from .nsrl import RdsDatabase

# The categories a match can carry (issue 5): UK A/B/C, non-indecent, uncategorised; known-good sets: known.
CATEGORY_A = "A"
CATEGORY_B = "B"
CATEGORY_C = "C"
NON_INDECENT = "non-indecent"
UNCATEGORISED = "uncategorised"
KNOWN = "known"
CATEGORIES = (CATEGORY_A, CATEGORY_B, CATEGORY_C, NON_INDECENT, UNCATEGORISED)
# Most severe first: used for per-file and per-device verdicts.
SEVERITY = {CATEGORY_A: 0, CATEGORY_B: 1, CATEGORY_C: 2, UNCATEGORISED: 3, NON_INDECENT: 4, KNOWN: 5}

KNOWN_BAD = "known-bad"
KNOWN_GOOD = "known-good"

_HEX = re.compile(r"^[0-9a-fA-F]+$")
HEX_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}


class HashSetError(Exception):
    """A hash-set file cannot be used; the message names the file and line (or record)."""


@dataclass(frozen=True)
class HashEntry:
    line: int  # 1-based line (or record) number in the source file
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    category: str = UNCATEGORISED
    raw_category: str | None = None  # the code as written in the file, e.g. VICS "1"
    source: str | None = None
    video_id: str | None = None  # vPDQ: frames of one video share an id
    quality: int | None = None
    label: str | None = None  # file name or media id, for the examiner

    def hashes(self) -> dict[str, str]:
        return {k: v for k, v in (("md5", self.md5), ("sha1", self.sha1), ("sha256", self.sha256)) if v}


@dataclass
class ParsedHashSet:
    """A validated hash set. Parsing is atomic: a parser either returns this complete or raises."""

    name: str
    format: str
    role: str
    path: str
    sha256: str
    version: str | None = None
    date: str | None = None
    source: str | None = None
    category_map: dict[str, str] = field(default_factory=dict)
    entries: tuple[HashEntry, ...] = ()
    ignored: int = 0  # e.g. entries for the empty file, PhotoDNA-only records
    rds: RdsDatabase | None = None  # NSRL RDSv3: queried in place, never loaded
    policy_version: str | None = None

    @property
    def count(self) -> int:
        return self.rds.count() if self.rds is not None else len(self.entries)

    def iter_entries(self) -> Iterator[HashEntry]:
        """Every entry; for an RDS database this streams rows (hundreds of millions) in batches."""
        if self.rds is not None:
            yield from self.rds.iter_entries()
        else:
            yield from self.entries

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "role": self.role,
            "version": self.version,
            "date": self.date,
            "source": self.source,
            "entries": self.count,
            "ignored": self.ignored,
            "sha256": self.sha256,
        }


def clean_hex(value: Any, kind: str, where: str) -> str | None:
    """Validate a hex digest of ``kind`` and return it lower-case; empty -> None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) != HEX_LENGTHS[kind] or not _HEX.match(text):
        raise HashSetError(
            f"{where}: {kind.upper()} {text[:80]!r} is not {HEX_LENGTHS[kind]} hexadecimal digits"
        )
    return text.lower()


def vics_category_map(policy: Policy) -> dict[str, str]:
    raw = policy.get("triage.vics_category_map")
    return {str(k): str(v) for k, v in raw.items()}


_CATEGORY_WORDS = {
    "a": CATEGORY_A,
    "b": CATEGORY_B,
    "c": CATEGORY_C,
    "cat a": CATEGORY_A,
    "cat b": CATEGORY_B,
    "cat c": CATEGORY_C,
    "category a": CATEGORY_A,
    "category b": CATEGORY_B,
    "category c": CATEGORY_C,
    "non-indecent": NON_INDECENT,
    "non indecent": NON_INDECENT,
    "nonindecent": NON_INDECENT,
    "non-pertinent": NON_INDECENT,
    "uncategorised": UNCATEGORISED,
    "uncategorized": UNCATEGORISED,
    "": UNCATEGORISED,
}


def normalise_category(value: Any, category_map: dict[str, str], where: str) -> tuple[str, str | None]:
    """(category, raw code). Integers go through the VICS map; words are UK grades. Missing = uncategorised.

    Category 0 is *not* missing: it maps through the policy (non-indecent by default).
    """
    if value is None:
        return UNCATEGORISED, None
    if isinstance(value, bool):
        raise HashSetError(f"{where}: category {value!r} is not a category code")
    text = str(value).strip()
    if isinstance(value, int) or text.lstrip("-").isdigit():
        code = str(int(text))
        if code not in category_map:
            known = ", ".join(sorted(category_map))
            raise HashSetError(f"{where}: category code {code} is not in triage.vics_category_map ({known})")
        return category_map[code], code
    word = _CATEGORY_WORDS.get(text.lower())
    if word is None:
        raise HashSetError(
            f"{where}: unknown category {text[:40]!r} (use A, B, C, non-indecent or a VICS code)"
        )
    return word, text or None
