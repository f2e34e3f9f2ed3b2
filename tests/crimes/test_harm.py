from __future__ import annotations

import pytest

from custos.crimes.rules import crime_harm


def test_worked_example_12_one_robbery_and_ten_shopliftings_is_375_days() -> None:
    result = crime_harm({"robbery-personal": 1, "shoplifting": 10})
    assert result.total_days == 375
    assert [(i.offence_key, i.days) for i in result.items] == [("robbery-personal", 365), ("shoplifting", 10)]


def test_repeated_offences_in_a_list_are_added_together() -> None:
    assert crime_harm([("shoplifting", 4), ("shoplifting", 6)]).total_days == 10


def test_an_offence_without_a_weight_is_reported_not_silently_zero() -> None:
    result = crime_harm({"fraud": 3, "shoplifting": 1})
    assert result.total_days == 1
    assert result.unweighted == ("fraud",)
    assert any("fraud: no CCHI weight" in line for line in result.basis)


def test_quarter_day_weights_add_exactly() -> None:
    assert crime_harm({"possession-blade": 4}).total_days == 1095


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        crime_harm({"shoplifting": -1})
