"""The offence catalogue: descriptive facts about each offence, held as data.

Pure module (no Django import). The facts (Home Office code, police.uk category, statute, which Victims'
Code flags follow from the offence itself) live in ``data/offences.csv``; the Cambridge Crime Harm Index
weights in ``data/cchi.csv``; their sources in ``data/SOURCES.md``. What a force may change, above all the
default tier of each offence, is policy (``[crimes.tiering]``), not catalogue.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
OFFENCES_FILE = DATA_DIR / "offences.csv"
CCHI_FILE = DATA_DIR / "cchi.csv"

# The 14 street-crime categories of police.uk (reference peers.md §5).
POLICE_UK_CATEGORIES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)

# Facts about an offence that the Victims' Code and outcome checks read (see data/SOURCES.md).
OFFENCE_FLAGS = frozenset(
    {
        "sexual",
        "trafficking",
        "stalking",
        "harassment",
        "domestic-abuse",
        "hate",
        "attempted-murder",
        "kidnap",
        "arson-endanger-life",
        "gbh-with-intent",
        "homicide",
        "terrorism",
        "child",
    }
)

SPECIALISMS = frozenset({"rasso", "child-abuse", "ocsae"})

# The tiering modifiers of reference §1, plus the critical-incident designation that alone reaches T4.
MODIFIERS = (
    "weapon",
    "serious-injury",
    "linked-series",
    "two-or-more-suspects",
    "commercial-victim",
    "child-or-vulnerable-victim",
    "high-risk",
    "many-lines-of-enquiry",
    "threat-to-life",
    "critical-incident",
)

UNKNOWN_OFFENCE = "unknown offence {key!r}; valid offences: {valid}"


class CatalogueError(Exception):
    """The catalogue data files are malformed (a packaging fault, not a user mistake)."""


class UnknownOffence(KeyError):
    """No offence has this key. The message lists the valid keys."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Offence:
    key: str
    ho_code: str
    description: str
    police_uk_category: str
    group: str
    cchi_group: str | None
    statute: str
    summary_only: bool
    specialism: str | None
    flags: frozenset[str]
    implies: frozenset[str]


@dataclass(frozen=True)
class CchiWeight:
    group: str
    description: str
    days: float
    source: str


def _split(cell: str) -> frozenset[str]:
    return frozenset(part.strip() for part in cell.split(";") if part.strip())


def _parse_bool(cell: str, where: str) -> bool:
    if cell in ("true", "false"):
        return cell == "true"
    raise CatalogueError(f"{where}: expected true or false, got {cell!r}")


@lru_cache(maxsize=1)
def cchi_table() -> dict[str, CchiWeight]:
    """CCHI weights by group, read from ``data/cchi.csv``."""
    table: dict[str, CchiWeight] = {}
    with CCHI_FILE.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{CCHI_FILE.name} line {line}"
            try:
                days = float(row["days"])
            except ValueError:
                raise CatalogueError(f"{where}: days {row['days']!r} is not a number") from None
            if days < 0:
                raise CatalogueError(f"{where}: days must not be negative")
            table[row["cchi_group"]] = CchiWeight(row["cchi_group"], row["description"], days, row["source"])
    return table


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Offence]:
    """Every offence by key, in file order, validated on load."""
    weights = cchi_table()
    offences: dict[str, Offence] = {}
    with OFFENCES_FILE.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{OFFENCES_FILE.name} line {line}"
            offences_row = _offence_from_row(row, where, weights)
            if offences_row.key in offences:
                raise CatalogueError(f"{where}: duplicate key {offences_row.key!r}")
            offences[offences_row.key] = offences_row
    return offences


def _offence_from_row(row: dict[str, str], where: str, weights: dict[str, CchiWeight]) -> Offence:
    key = row["key"].strip()
    if not key or key != key.lower() or " " in key:
        raise CatalogueError(f"{where}: key {key!r} must be lower-case words joined by hyphens")
    if row["police_uk_category"] not in POLICE_UK_CATEGORIES:
        raise CatalogueError(f"{where}: unknown police.uk category {row['police_uk_category']!r}")
    cchi_group = row["cchi_group"].strip() or None
    if cchi_group is not None and cchi_group not in weights:
        raise CatalogueError(f"{where}: unknown CCHI group {cchi_group!r}")
    specialism = row["specialism"].strip() or None
    if specialism is not None and specialism not in SPECIALISMS:
        raise CatalogueError(f"{where}: unknown specialism {specialism!r}")
    flags = _split(row["flags"])
    if flags - OFFENCE_FLAGS:
        raise CatalogueError(f"{where}: unknown flags {sorted(flags - OFFENCE_FLAGS)}")
    implies = _split(row["implies"])
    if implies - set(MODIFIERS):
        raise CatalogueError(f"{where}: unknown modifiers {sorted(implies - set(MODIFIERS))}")
    return Offence(
        key=key,
        ho_code=row["ho_code"].strip(),
        description=row["description"].strip(),
        police_uk_category=row["police_uk_category"],
        group=row["group"].strip(),
        cchi_group=cchi_group,
        statute=row["statute"].strip(),
        summary_only=_parse_bool(row["summary_only"], where),
        specialism=specialism,
        flags=flags,
        implies=implies,
    )


def offence(key: str) -> Offence:
    """The offence with this key; ``UnknownOffence`` (listing the valid keys) otherwise."""
    found = catalogue().get(key)
    if found is None:
        raise UnknownOffence(UNKNOWN_OFFENCE.format(key=key, valid=", ".join(catalogue())))
    return found
