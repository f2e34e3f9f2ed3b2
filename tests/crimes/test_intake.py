"""Crime intake: police.uk CSV (line-numbered errors, all or nothing), the JSON API, tiering on intake."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custos.crimes.models import Crime
from custos.crimes.services import crimes_import_csv
from tests.crimes.factories import Unit


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
)


def _row(crime_id: str, crime_type: str = "Burglary", month: str = "2025-03") -> str:
    return (
        f"{crime_id},{month},Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,"
        f"On or near High Street,E01000001,Camden 001A,{crime_type},Under investigation,\n"
    )


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(unit: Any) -> None:
    text = HEADER + _row("a" * 64) + _row("b" * 63) + _row("c" * 64, crime_type="Burglery") + _row("d" * 64)

    result = crimes_import_csv(actor=unit.investigator, text=text, borough=unit.borough)

    assert not result.ok
    assert [e.line for e in result.errors] == [3, 4]
    assert "line 3, Crime ID" in str(result.errors[0])
    assert Crime.objects.count() == 0


def test_a_valid_file_is_imported_whole_with_the_tier_and_its_basis(unit: Any) -> None:
    text = (
        HEADER
        + _row("a" * 64)
        + _row("b" * 64, crime_type="Shoplifting")
        + _row("", crime_type="Anti-social behaviour").replace("Under investigation", "")
    )

    result = crimes_import_csv(actor=unit.investigator, text=text, borough=unit.borough)

    assert result.ok, result.errors
    assert (result.created, result.skipped_asb) == (2, 1)
    burglary = Crime.objects.get(police_uk_id="a" * 64)
    assert burglary.offence_key == "burglary-residential"
    assert burglary.tier == "T1" and burglary.required_pip == 1
    assert burglary.tier_basis and burglary.policy_version
    assert burglary.borough == unit.borough


def test_a_crime_already_imported_is_a_line_numbered_error_and_the_file_is_refused(unit: Any) -> None:
    crimes_import_csv(actor=unit.investigator, text=HEADER + _row("a" * 64), borough=unit.borough)

    result = crimes_import_csv(
        actor=unit.investigator, text=HEADER + _row("e" * 64) + _row("a" * 64), borough=unit.borough
    )

    assert [(e.line, e.column) for e in result.errors] == [(3, "Crime ID")]
    assert not Crime.objects.filter(police_uk_id="e" * 64).exists()


def test_the_cli_imports_and_reports_errors_by_line(unit: Any, tmp_path: Any, capsys: Any) -> None:
    from custos.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + _row("a" * 64, month="2025-13"))

    code = main(["crimes", "import", str(bad), "--borough", "UA", "--user", "unit-dc", "--json"])

    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["created"] == 0
    assert out["errors"][0].startswith("line 2, Month")

    assert main(["crimes", "import", str(bad), "--borough", "UA", "--user", "unit-dc"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "nothing imported: 1 error"


def test_api_intake_tiers_the_crime_and_returns_the_basis_and_policy_version(
    unit: Any, client_for: Any
) -> None:
    client = client_for(unit.investigator)
    body = {
        "offence_key": "robbery-personal",
        "borough": "UA",
        "recorded_on": "2025-05-01",
        "weapon": True,
        "suspects": [{"status": "named", "name": "Sam Doe", "offender_reference": "RSO/123"}],
    }

    response = client.post("/api/v1/crimes", data=json.dumps(body), content_type="application/json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["tier"] == "T2" and data["required_pip"] == 2
    assert any("weapon" in line for line in data["tier_basis"])
    assert data["policy_version"]
    assert data["suspects"][0]["offender_reference"] == "RSO/123"


def test_api_intake_rejects_an_unknown_offence_field_by_field(unit: Any, client_for: Any) -> None:
    response = client_for(unit.investigator).post(
        "/api/v1/crimes",
        data=json.dumps({"offence_key": "jaywalking", "borough": "UA", "recorded_on": "2025-05-01"}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "offence_key" in response.json()["errors"]


@pytest.mark.parametrize(
    ("occurred", "reported", "recorded", "field", "message"),
    [
        ("2025-05-03", None, "2025-05-01", "recorded_on", "the recorded date is before the date the crime"),
        ("2025-05-03", "2025-05-02", "2025-05-04", "reported_on", "the reported date is before the date"),
        ("2025-05-01", "2025-05-03", "2025-05-02", "recorded_on", "the recorded date is before the reported"),
        ("2025-05-01", None, "2025-05-01", None, None),
    ],
)
def test_api_intake_refuses_a_crime_recorded_before_it_occurred_or_was_reported(
    unit: Any,
    client_for: Any,
    occurred: str,
    reported: str | None,
    recorded: str,
    field: str | None,
    message: str | None,
) -> None:
    body = {"offence_key": "theft-other", "borough": "UA", "recorded_on": recorded, "occurred_on": occurred}
    if reported:
        body["reported_on"] = reported
    response = client_for(unit.investigator).post(
        "/api/v1/crimes", data=json.dumps(body), content_type="application/json"
    )

    if field is None:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 422
        assert any(m.startswith(message or "") for m in response.json()["errors"][field])
        assert not Crime.objects.exists()


def test_patch_with_a_stale_if_match_is_refused_and_a_current_one_retiers(unit: Any, client_for: Any) -> None:
    crime = unit.crime(offence="theft-other")
    client = client_for(unit.investigator)
    url = f"/api/v1/crimes/{crime.pk}"

    stale = client.patch(
        url, data=json.dumps({"weapon": True}), content_type="application/json", headers={"If-Match": '"7"'}
    )
    fresh = client.patch(
        url,
        data=json.dumps({"offence_key": "robbery-personal", "weapon": True}),
        content_type="application/json",
        headers={"If-Match": f'"{crime.version}"'},
    )

    assert stale.status_code == 412
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["tier"] == "T2"
    assert fresh.headers["ETag"] == f'"{crime.version + 1}"'
