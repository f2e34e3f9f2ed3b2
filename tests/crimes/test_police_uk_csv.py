from __future__ import annotations

from custos.crimes.rules import parse_outcomes_csv, parse_street_csv
from custos.crimes.rules.policeuk import BAD_HEADER, CRIME_ID_REQUIRED, OUTCOMES_COLUMNS, STREET_COLUMNS

HEADER = ",".join(STREET_COLUMNS)
ID_A = "a" * 64
ID_B = "0123456789abcdef" * 4
FORCE = "Metropolitan Police Service,Metropolitan Police Service"


def row(
    crime_id: str = ID_A,
    month: str = "2026-09",
    lon: str = "-0.1276",
    lat: str = "51.5072",
    crime_type: str = "Burglary",
    outcome: str = "Under investigation",
    lsoa: str = "E01000001",
) -> str:
    return (
        f"{crime_id},{month},{FORCE},{lon},{lat},On or near High Street,{lsoa},City of London 001A,"
        f"{crime_type},{outcome},"
    )


def test_a_valid_file_is_accepted_whole() -> None:
    text = (
        "\n".join(
            [
                HEADER,
                row(),
                row(ID_B, crime_type="Shoplifting", outcome=""),
                row("", crime_type="Anti-social behaviour", outcome=""),
            ]
        )
        + "\n"
    )
    result = parse_street_csv(text)
    assert result.ok
    assert [c.line for c in result.crimes] == [2, 3, 4]
    assert result.crimes[0].latitude == 51.5072
    assert result.crimes[1].last_outcome is None
    assert result.crimes[2].crime_id is None


def test_one_bad_row_means_nothing_is_accepted_and_every_error_has_its_line() -> None:
    text = "\n".join(
        [
            HEADER,
            row(),
            row(ID_B, month="2026-13"),
            row("", crime_type="Robbery"),
            row("c" * 64, crime_type="Mugging", lat="", lsoa="X1"),
        ]
    )
    result = parse_street_csv(text)
    assert result.crimes == ()
    found = {(e.line, e.column) for e in result.errors}
    assert found == {
        (3, "Month"),
        (4, "Crime ID"),
        (5, "Crime type"),
        (5, "Longitude"),
        (5, "LSOA code"),
    }
    assert str(next(e for e in result.errors if e.line == 4)) == f"line 4, Crime ID: {CRIME_ID_REQUIRED}"


def test_a_wrong_header_is_one_error_on_line_1() -> None:
    result = parse_street_csv("Crime ID,Month\n" + row())
    assert [(e.line, e.message) for e in result.errors] == [(1, BAD_HEADER.format(expected=HEADER))]


def test_a_byte_order_mark_is_tolerated() -> None:
    assert parse_street_csv("\ufeff" + HEADER + "\n" + row()).ok


def test_line_numbers_count_physical_lines_when_a_field_spans_lines() -> None:
    multi = f'{ID_A},2026-09,{FORCE},,,"On or near\nHigh Street",,,Burglary,,'
    result = parse_street_csv("\n".join([HEADER, multi, row(ID_B, month="bad")]))
    assert [(e.line, e.column) for e in result.errors] == [(4, "Month")]


def test_a_repeated_crime_id_points_at_the_first() -> None:
    result = parse_street_csv("\n".join([HEADER, row(), row()]))
    assert [(e.line, e.message) for e in result.errors] == [(3, "duplicate of line 2")]


def test_the_api_spelling_of_the_penalty_notice_outcome_is_read_as_the_csv_one() -> None:
    result = parse_street_csv("\n".join([HEADER, row(outcome="Offender given a penalty notice")]))
    assert result.crimes[0].last_outcome == "Offender given penalty notice"


def test_anti_social_behaviour_never_has_an_outcome() -> None:
    result = parse_street_csv("\n".join([HEADER, row("", crime_type="Anti-social behaviour")]))
    assert [(e.line, e.column) for e in result.errors] == [(2, "Last outcome category")]


def test_a_row_with_too_few_fields_is_reported() -> None:
    result = parse_street_csv(HEADER + "\n" + ID_A + ",2026-09\n")
    assert [(e.line, e.message) for e in result.errors] == [(2, "expected 12 fields, found 2")]


def test_an_empty_file_is_reported() -> None:
    assert [e.line for e in parse_street_csv("").errors] == [1]


OUTCOMES_HEADER = ",".join(OUTCOMES_COLUMNS)


def outcome_row(crime_id: str = ID_A, outcome: str = "Investigation complete; no suspect identified") -> str:
    place = "-0.1276,51.5072,On or near High Street,E01000001,City of London 001A"
    return f"{crime_id},2026-09,{FORCE},{place},{outcome}"


def test_an_outcomes_file_may_repeat_a_crime_with_each_new_outcome() -> None:
    text = "\n".join(
        [OUTCOMES_HEADER, outcome_row(), outcome_row(outcome="Suspect charged"), outcome_row(ID_B)]
    )
    result = parse_outcomes_csv(text)
    assert result.ok
    assert [o.outcome for o in result.outcomes][:2] == [
        "Investigation complete; no suspect identified",
        "Suspect charged",
    ]


def test_an_outcomes_file_with_any_bad_row_is_refused_whole() -> None:
    text = "\n".join(
        [OUTCOMES_HEADER, outcome_row(), outcome_row(""), outcome_row(ID_B, "Case closed"), "x,y"]
    )
    result = parse_outcomes_csv(text)
    assert result.outcomes == ()
    assert [(e.line, e.column) for e in result.errors] == [(3, "Crime ID"), (4, "Outcome type"), (5, None)]


def test_a_street_file_is_not_an_outcomes_file() -> None:
    assert parse_outcomes_csv(HEADER + "\n" + row()).errors[0].line == 1
