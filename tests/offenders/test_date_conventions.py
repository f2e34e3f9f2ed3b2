"""Statutory date conventions (reference §0): days and years "beginning with", "within 1 year after"."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.offenders.rules.dates import (
    add_months_clamped,
    age_on,
    anniversary,
    free_from_after_months,
    months_beginning_with,
    years_to_months,
)

DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "last_day", "free_from"),
    [
        (date(2020, 3, 1), 120, date(2030, 2, 28), date(2030, 3, 1)),
        (date(2019, 3, 1), 12, date(2020, 2, 29), date(2020, 3, 1)),
        (date(2020, 2, 29), 12, date(2021, 2, 28), date(2021, 3, 1)),
        (date(2020, 2, 29), 48, date(2024, 2, 28), date(2024, 2, 29)),
        (date(2021, 8, 31), 6, date(2022, 2, 28), date(2022, 3, 1)),
        (date(2024, 1, 31), 1, date(2024, 2, 29), date(2024, 3, 1)),
    ],
)
def test_periods_beginning_with_a_date(start: date, months: int, last_day: date, free_from: date) -> None:
    assert months_beginning_with(start, months) == (last_day, free_from)


def test_within_a_year_after_29_february_ends_on_28_february() -> None:
    assert anniversary(date(2024, 2, 29)) == date(2025, 2, 28)
    assert anniversary(date(2024, 4, 11)) == date(2025, 4, 11)


@pytest.mark.parametrize(("years", "months"), [(10, 120), (3.5, 42), ("2.5", 30), (0.75, 9)])
def test_years_are_exact_months(years: float | str, months: int) -> None:
    assert years_to_months(years) == months


def test_a_period_that_is_not_whole_months_is_refused() -> None:
    with pytest.raises(ValueError, match="not a whole number of months"):
        years_to_months(0.1)


@given(start=DATES, years=st.integers(min_value=1, max_value=30))
def test_n_years_beginning_with_d_lasts_365_or_366_days_a_year(start: date, years: int) -> None:
    last_day, free_from = months_beginning_with(start, 12 * years)
    assert free_from == last_day + timedelta(days=1)
    length = (free_from - start).days
    assert 365 * years <= length <= 365 * years + years // 4 + 1


@given(start=DATES, months=st.integers(min_value=1, max_value=400))
def test_month_arithmetic_lands_in_the_right_month_and_never_loses_a_day(start: date, months: int) -> None:
    clamped = add_months_clamped(start, months)
    free = free_from_after_months(start, months)
    target = (start.year * 12 + start.month - 1 + months) % 12 + 1
    assert clamped.month == target
    assert clamped <= free <= clamped + timedelta(days=1)
    assert clamped.day == min(start.day, calendar.monthrange(clamped.year, clamped.month)[1])


@given(dob=DATES, a=DATES, b=DATES)
def test_age_never_goes_down(dob: date, a: date, b: date) -> None:
    lo, hi = sorted((a, b))
    if lo >= dob:
        assert age_on(dob, lo) <= age_on(dob, hi)
