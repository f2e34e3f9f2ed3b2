"""Police ranks and police-staff grades with a single seniority scale.

Detective ranks are the same rank as their uniform equivalents (a DS is a sergeant), so they share a
seniority. Staff grades are placed beside the officer ranks they usually supervise alongside; a force can
only change this in code because "outranks" is a statement about the rank structure, not a tunable number.
"""

from __future__ import annotations

from enum import StrEnum


class Rank(StrEnum):
    STAFF_BAND_E = "staff-band-e"
    PCSO = "pcso"
    CONSTABLE = "constable"
    DETECTIVE_CONSTABLE = "detective-constable"
    STAFF_BAND_D = "staff-band-d"
    SERGEANT = "sergeant"
    DETECTIVE_SERGEANT = "detective-sergeant"
    STAFF_BAND_C = "staff-band-c"
    INSPECTOR = "inspector"
    DETECTIVE_INSPECTOR = "detective-inspector"
    STAFF_BAND_B = "staff-band-b"
    CHIEF_INSPECTOR = "chief-inspector"
    DETECTIVE_CHIEF_INSPECTOR = "detective-chief-inspector"
    STAFF_BAND_A = "staff-band-a"
    SUPERINTENDENT = "superintendent"
    DETECTIVE_SUPERINTENDENT = "detective-superintendent"
    CHIEF_SUPERINTENDENT = "chief-superintendent"
    COMMANDER = "commander"


_INFO: dict[Rank, tuple[str, str, int, bool]] = {
    # rank: (label, abbreviation, seniority, is_police_officer)
    Rank.STAFF_BAND_E: ("Police staff band E", "Staff E", 5, False),
    Rank.PCSO: ("Police community support officer", "PCSO", 5, False),
    Rank.CONSTABLE: ("Police constable", "PC", 10, True),
    Rank.DETECTIVE_CONSTABLE: ("Detective constable", "DC", 10, True),
    Rank.STAFF_BAND_D: ("Police staff band D", "Staff D", 12, False),
    Rank.SERGEANT: ("Police sergeant", "PS", 20, True),
    Rank.DETECTIVE_SERGEANT: ("Detective sergeant", "DS", 20, True),
    Rank.STAFF_BAND_C: ("Police staff band C", "Staff C", 22, False),
    Rank.INSPECTOR: ("Inspector", "Insp", 30, True),
    Rank.DETECTIVE_INSPECTOR: ("Detective inspector", "DI", 30, True),
    Rank.STAFF_BAND_B: ("Police staff band B", "Staff B", 32, False),
    Rank.CHIEF_INSPECTOR: ("Chief inspector", "CI", 40, True),
    Rank.DETECTIVE_CHIEF_INSPECTOR: ("Detective chief inspector", "DCI", 40, True),
    Rank.STAFF_BAND_A: ("Police staff band A", "Staff A", 42, False),
    Rank.SUPERINTENDENT: ("Superintendent", "Supt", 50, True),
    Rank.DETECTIVE_SUPERINTENDENT: ("Detective superintendent", "Det Supt", 50, True),
    Rank.CHIEF_SUPERINTENDENT: ("Chief superintendent", "Ch Supt", 60, True),
    Rank.COMMANDER: ("Commander", "Cdr", 70, True),
}

RANK_CHOICES = [(r.value, _INFO[r][0]) for r in Rank]


def seniority(rank: str) -> int:
    return _INFO[Rank(rank)][2]


def abbreviation(rank: str) -> str:
    return _INFO[Rank(rank)][1]


def label(rank: str) -> str:
    return _INFO[Rank(rank)][0]


def is_officer(rank: str) -> bool:
    return _INFO[Rank(rank)][3]


def outranks(a: str, b: str) -> bool:
    """True when rank ``a`` is strictly senior to rank ``b``."""
    return seniority(a) > seniority(b)


def ranks_at_or_above(rank: str) -> list[str]:
    s = seniority(rank)
    return [r.value for r in Rank if _INFO[r][2] >= s]
