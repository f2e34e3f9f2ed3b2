"""police.uk street-crime and outcomes CSVs: parse and validate every row before anything is accepted.

Schemas (reference peers.md §5 [S]): street
``Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,
Last outcome category,Context``; outcomes: the first nine street columns, then ``Outcome type``.
The import is all or nothing: when any row is wrong the result carries
every error, each with its line number, and no crimes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from custos.crimes.offences import POLICE_UK_CATEGORIES

STREET_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

OUTCOMES_COLUMNS = (*STREET_COLUMNS[:9], "Outcome type")

# "Last outcome category" values in the street CSV (peers.md §5). Blank means no outcome (always for ASB).
POLICE_UK_OUTCOMES = (
    "Investigation complete; no suspect identified",
    "Under investigation",
    "Unable to prosecute suspect",
    "Formal action is not in the public interest",
    "Further action is not in the public interest",
    "Further investigation is not in the public interest",
    "Local resolution",
    "Action to be taken by another organisation",
    "Status update unavailable",
    "Awaiting court outcome",
    "Court result unavailable",
    "Court case unable to proceed",
    "Suspect charged",
    "Suspect charged as part of another case",
    "Defendant sent to Crown Court",
    "Defendant found not guilty",
    "Offender given a caution",
    "Offender given a drugs possession warning",
    "Offender given penalty notice",
    "Offender fined",
    "Offender given community sentence",
    "Offender given suspended prison sentence",
    "Offender sent to prison",
    "Offender given conditional discharge",
    "Offender given absolute discharge",
    "Offender ordered to pay compensation",
    "Offender deprived of property",
    "Offender otherwise dealt with",
)
# The API spells one outcome differently from the CSV; accept it and keep the CSV wording.
OUTCOME_ALIASES = {"Offender given a penalty notice": "Offender given penalty notice"}

ASB = "Anti-social behaviour"
CRIME_ID = re.compile(r"^[0-9a-f]{64}$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
# Generous bounds around England and Wales: catches swapped or zeroed coordinates.
LATITUDE_RANGE = (49.5, 56.0)
LONGITUDE_RANGE = (-6.5, 2.0)

EMPTY_FILE = "the file is empty; expected the header row"
BAD_HEADER = "header must be exactly: {expected}"
WRONG_FIELD_COUNT = "expected {expected} fields, found {found}"
CRIME_ID_REQUIRED = "required for every crime type except Anti-social behaviour"
CRIME_ID_FORMAT = "must be 64 lower-case hexadecimal characters"
CRIME_ID_DUPLICATE = "duplicate of line {line}"
MONTH_FORMAT = "must be YYYY-MM, got {value!r}"
REQUIRED = "required"
COORDINATES_PAIRED = "Longitude and Latitude must both be given or both be blank"
NOT_A_NUMBER = "{value!r} is not a number"
OUT_OF_RANGE = "{value} is outside England and Wales ({low} to {high})"
LSOA_FORMAT = "must look like E01000001 or W01000001, got {value!r}"
LSOA_NAME_WITHOUT_CODE = "LSOA name given without an LSOA code"
CRIME_TYPE_UNKNOWN = "{value!r} is not a police.uk crime type; valid types: {valid}"
OUTCOME_UNKNOWN = "{value!r} is not a police.uk outcome category"
ASB_HAS_OUTCOME = "Anti-social behaviour rows never carry an outcome"


@dataclass(frozen=True)
class StreetCrime:
    line: int
    crime_id: str | None
    month: str
    reported_by: str
    falls_within: str
    longitude: float | None
    latitude: float | None
    location: str
    lsoa_code: str | None
    lsoa_name: str | None
    crime_type: str
    last_outcome: str | None
    context: str


@dataclass(frozen=True)
class CrimeOutcome:
    line: int
    crime_id: str
    month: str
    reported_by: str
    falls_within: str
    longitude: float | None
    latitude: float | None
    location: str
    lsoa_code: str | None
    lsoa_name: str | None
    outcome: str


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class StreetImport:
    crimes: tuple[StreetCrime, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class OutcomesImport:
    outcomes: tuple[CrimeOutcome, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


_Row = tuple[int, dict[str, str]]


def _read_rows(source: str | Iterable[str], columns: tuple[str, ...], errors: list[RowError]) -> list[_Row]:
    """Check the header and field counts; every other row as (line, {column: stripped value})."""
    lines = source.splitlines(keepends=True) if isinstance(source, str) else source
    reader = csv.reader(iter(lines))
    try:
        header = next(reader)
    except StopIteration:
        errors.append(RowError(1, None, EMPTY_FILE))
        return []
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    if tuple(cell.strip() for cell in header) != columns:
        errors.append(RowError(1, None, BAD_HEADER.format(expected=",".join(columns))))
        return []
    rows: list[_Row] = []
    previous_end = reader.line_num
    for cells in reader:
        line = previous_end + 1  # a quoted field may span lines: report where the record starts
        previous_end = reader.line_num
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            errors.append(
                RowError(line, None, WRONG_FIELD_COUNT.format(expected=len(columns), found=len(cells)))
            )
            continue
        rows.append((line, dict(zip(columns, (c.strip() for c in cells), strict=True))))
    return rows


def parse_street_csv(source: str | Iterable[str]) -> StreetImport:
    """Validate a whole street CSV; crimes only when every row is valid."""
    errors: list[RowError] = []
    crimes: list[StreetCrime] = []
    seen_ids: dict[str, int] = {}
    for line, row in _read_rows(source, STREET_COLUMNS, errors):
        row_errors: list[RowError] = []
        crime = _street_crime(line, row, row_errors)
        if crime.crime_id is not None:
            if crime.crime_id in seen_ids:
                row_errors.append(
                    RowError(line, "Crime ID", CRIME_ID_DUPLICATE.format(line=seen_ids[crime.crime_id]))
                )
            else:
                seen_ids[crime.crime_id] = line
        errors.extend(row_errors)
        crimes.append(crime)
    if errors:
        return StreetImport((), tuple(sorted(errors, key=lambda e: e.line)))
    return StreetImport(tuple(crimes), ())


def parse_outcomes_csv(source: str | Iterable[str]) -> OutcomesImport:
    """Validate a whole outcomes CSV; outcomes only when every row is valid. A crime may appear more than
    once (police.uk publishes each new outcome as its own row)."""
    errors: list[RowError] = []
    outcomes: list[CrimeOutcome] = []
    for line, row in _read_rows(source, OUTCOMES_COLUMNS, errors):

        def error(column: str, message: str, line: int = line) -> None:
            errors.append(RowError(line, column, message))

        crime_id = row["Crime ID"]
        if not crime_id:
            error("Crime ID", REQUIRED)
        elif not CRIME_ID.match(crime_id):
            error("Crime ID", CRIME_ID_FORMAT)
        _check_month_and_force(row, error)
        longitude, latitude, lsoa_code = _location(row, error)
        outcome = OUTCOME_ALIASES.get(row["Outcome type"], row["Outcome type"])
        if not outcome:
            error("Outcome type", REQUIRED)
        elif outcome not in POLICE_UK_OUTCOMES:
            error("Outcome type", OUTCOME_UNKNOWN.format(value=outcome))
        outcomes.append(
            CrimeOutcome(
                line=line,
                crime_id=crime_id,
                **_place_and_time(row, longitude, latitude, lsoa_code),
                outcome=outcome,
            )
        )
    if errors:
        return OutcomesImport((), tuple(sorted(errors, key=lambda e: e.line)))
    return OutcomesImport(tuple(outcomes), ())


def _check_month_and_force(row: dict[str, str], error: Callable[[str, str], None]) -> None:
    if not MONTH.match(row["Month"]):
        error("Month", MONTH_FORMAT.format(value=row["Month"]))
    for column in ("Reported by", "Falls within"):
        if not row[column]:
            error(column, REQUIRED)


def _place_and_time(
    row: dict[str, str], longitude: float | None, latitude: float | None, lsoa_code: str | None
) -> dict[str, Any]:
    """The columns a street-crime row and an outcome row share, as record fields."""
    return {
        "month": row["Month"],
        "reported_by": row["Reported by"],
        "falls_within": row["Falls within"],
        "longitude": longitude,
        "latitude": latitude,
        "location": row["Location"],
        "lsoa_code": lsoa_code,
        "lsoa_name": row["LSOA name"] or None,
    }


def _location(
    row: dict[str, str], error: Callable[[str, str], None]
) -> tuple[float | None, float | None, str | None]:
    longitude = _coordinate(row, "Longitude", LONGITUDE_RANGE, error)
    latitude = _coordinate(row, "Latitude", LATITUDE_RANGE, error)
    if bool(row["Longitude"]) != bool(row["Latitude"]):
        error("Longitude", COORDINATES_PAIRED)
    lsoa_code = row["LSOA code"] or None
    if lsoa_code is not None and not LSOA_CODE.match(lsoa_code):
        error("LSOA code", LSOA_FORMAT.format(value=lsoa_code))
    if lsoa_code is None and row["LSOA name"]:
        error("LSOA name", LSOA_NAME_WITHOUT_CODE)
    return longitude, latitude, lsoa_code


def _street_crime(line: int, row: dict[str, str], errors: list[RowError]) -> StreetCrime:
    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    crime_type = row["Crime type"]
    if crime_type not in POLICE_UK_CATEGORIES:
        error(
            "Crime type", CRIME_TYPE_UNKNOWN.format(value=crime_type, valid=", ".join(POLICE_UK_CATEGORIES))
        )
    crime_id = row["Crime ID"] or None
    if crime_id is None and crime_type != ASB:
        error("Crime ID", CRIME_ID_REQUIRED)
    elif crime_id is not None and not CRIME_ID.match(crime_id):
        error("Crime ID", CRIME_ID_FORMAT)
    _check_month_and_force(row, error)
    longitude, latitude, lsoa_code = _location(row, error)
    outcome = OUTCOME_ALIASES.get(row["Last outcome category"], row["Last outcome category"]) or None
    if outcome is not None:
        if crime_type == ASB:
            error("Last outcome category", ASB_HAS_OUTCOME)
        elif outcome not in POLICE_UK_OUTCOMES:
            error("Last outcome category", OUTCOME_UNKNOWN.format(value=outcome))
    return StreetCrime(
        line=line,
        crime_id=crime_id,
        **_place_and_time(row, longitude, latitude, lsoa_code),
        crime_type=crime_type,
        last_outcome=outcome,
        context=row["Context"],
    )


def _coordinate(
    row: dict[str, str], column: str, bounds: tuple[float, float], report: Callable[[str, str], None]
) -> float | None:
    text = row[column]
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        report(column, NOT_A_NUMBER.format(value=text))
        return None
    low, high = bounds
    if not low <= value <= high:
        report(column, OUT_OF_RANGE.format(value=value, low=low, high=high))
        return None
    return value
