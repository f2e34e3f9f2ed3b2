"""Seeding's bulk writer: rows as tuples read back as the ORM would have written them, parents before
their children, and indexes dropped for a load and rebuilt after it (also when the load fails)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from custos.crimes.models import Crime, Suspect
from custos.demo.bulk import Table, indexes_deferred, next_id

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "reference", "borough_id", "recorded_on", "offence_key", "tier_basis", "outcome_on")


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = %s",
            [table],
        )
        return {name for (name,) in cursor.fetchall()}


def test_rows_given_as_tuples_read_back_as_the_orm_writes_them(force: Any) -> None:
    borough = force.boroughs["A"]
    first = next_id(Crime)
    crimes = Table(Crime, COLUMNS)
    crimes.add((first, "T/1", borough.pk, date(2026, 3, 2), "theft-other", ("a", "b"), None))
    crimes.add((first + 1, "T/2", borough.pk, date(2026, 3, 3), "rape", ["c"], date(2026, 4, 1)))
    assert crimes.close() == 2

    one, two = Crime.objects.filter(pk__in=[first, first + 1]).order_by("pk")
    assert (one.reference, one.recorded_on, one.tier_basis, one.outcome_on) == (
        "T/1",
        date(2026, 3, 2),
        ["a", "b"],
        None,
    )
    assert (two.offence_key, two.tier_basis, two.outcome_on) == ("rape", ["c"], date(2026, 4, 1))
    # Columns not named take the model's defaults, as bulk_create would have given them.
    assert (one.status, one.version, one.solvability_factors, one.summary) == ("open", 1, [], "")
    assert one.created_at is not None and one.borough == borough
    assert next_id(Crime) == first + 2


def test_a_row_of_the_wrong_width_is_refused(force: Any) -> None:
    crimes = Table(Crime, COLUMNS)
    crimes.add((next_id(Crime), "T/1", force.boroughs["A"].pk, date(2026, 3, 2), "theft-other", ()))
    with pytest.raises(ValueError, match="6 values for 7 columns"):
        crimes.flush()


def test_a_child_row_is_never_written_before_its_parent(force: Any) -> None:
    crime_id = next_id(Crime)
    crimes = Table(Crime, ("id", "reference", "borough_id", "recorded_on"), batch=100)
    suspects = Table(Suspect, ("crime_id", "status", "name"), batch=1, parents=(crimes,))
    crimes.add((crime_id, "T/1", force.boroughs["A"].pk, date(2026, 3, 2)))
    suspects.add((crime_id, "named", "A suspect"))  # a full batch: the pending crime goes first

    assert Crime.objects.filter(pk=crime_id).exists()
    assert Suspect.objects.get().crime_id == crime_id


@pytest.mark.skipif(connection.vendor != "sqlite", reason="indexes are deferred on SQLite only")
def test_indexes_are_dropped_for_the_load_and_rebuilt_after_it(force: Any) -> None:
    before = _indexes("crimes_crime")
    assert "crime_rates_by_offence" in before
    with indexes_deferred(Crime):
        assert _indexes("crimes_crime") == set()
        crimes = Table(Crime, ("id", "reference", "borough_id", "recorded_on"))
        crimes.add((next_id(Crime), "T/1", force.boroughs["A"].pk, date(2026, 3, 2)))
        crimes.close()
    assert _indexes("crimes_crime") == before
    assert Crime.objects.filter(status="open", offence_key="", borough=force.boroughs["A"]).count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="indexes are deferred on SQLite only")
def test_indexes_led_by_a_column_that_grows_with_the_load_are_kept_through_it(force: Any) -> None:
    before = _indexes("crimes_crime")
    with indexes_deferred(Crime, ascending=("borough_id",)):
        kept = _indexes("crimes_crime")
    assert kept and kept < before
    assert "crimes_crim_borough_ac4ac8_idx" in kept  # (borough, status)
    assert "crime_rates_by_offence" not in kept  # (status, offence_key, ...)
    assert _indexes("crimes_crime") == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="indexes are deferred on SQLite only")
def test_a_failed_load_leaves_the_indexes_and_writes_nothing(force: Any) -> None:
    before = _indexes("crimes_crime")
    with pytest.raises(RuntimeError, match="load failed"):
        _load_then_fail(force.boroughs["A"])
    assert _indexes("crimes_crime") == before
    assert not Crime.objects.filter(reference="T/1").exists()


def _load_then_fail(borough: Any) -> None:
    with indexes_deferred(Crime):
        crimes = Table(Crime, ("id", "reference", "borough_id", "recorded_on"))
        crimes.add((next_id(Crime), "T/1", borough.pk, date(2026, 3, 2)))
        crimes.close()
        raise RuntimeError("load failed")
