"""s.82 notification period: reference §1.2 and worked examples 1, 2, 4 and 5."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.offenders.rules import (
    Conviction,
    Disposal,
    aggregate_term_months,
    governing_notification_period,
    notification_period,
)
from custos.offenders.rules.period import (
    DISCHARGE_MONTHS_REQUIRED,
    MONTHS_NOT_ALLOWED,
    MONTHS_REQUIRED,
    OVERLAP_TOO_LONG,
)

ADULT_DOB = date(1990, 1, 1)


def prison(conviction: date, months: int | str) -> Conviction:
    return Conviction(conviction, Disposal.IMPRISONMENT, months=Decimal(months))


@pytest.mark.parametrize(
    ("example", "conviction", "dob", "years", "last_day", "free_from"),
    [
        (
            "1 adult 24 months",
            prison(date(2020, 3, 1), 24),
            date(1990, 1, 1),
            10,
            date(2030, 2, 28),
            date(2030, 3, 1),
        ),
        (
            "2 conviction date",
            prison(date(2020, 1, 15), 24),
            ADULT_DOB,
            10,
            date(2030, 1, 14),
            date(2030, 1, 15),
        ),
        ("4 age 16, 8-month DTO", prison(date(2021, 6, 10), 8), date(2004, 9, 1), 5, date(2026, 6, 9), None),
        ("4 turns 18 that day", prison(date(2021, 6, 10), 8), date(2003, 6, 10), 10, date(2031, 6, 9), None),
        (
            "5 adult caution",
            Conviction(date(2022, 1, 15), Disposal.CAUTION),
            ADULT_DOB,
            2,
            date(2024, 1, 14),
            None,
        ),
        (
            "5 youth caution",
            Conviction(date(2022, 1, 15), Disposal.CAUTION),
            date(2006, 1, 1),
            1,
            date(2023, 1, 14),
            None,
        ),
    ],
)
def test_worked_examples(
    example: str,
    conviction: Conviction,
    dob: date,
    years: int,
    last_day: date,
    free_from: date | None,
    policy: Policy,
) -> None:
    period = notification_period(conviction, date_of_birth=dob, policy=policy)
    assert not period.indefinite
    assert period.years == years
    assert period.last_day == last_day
    if free_from is not None:
        assert period.free_from == free_from
    assert "s.82" in period.basis


def test_the_sentence_date_would_give_the_wrong_last_day(policy: Policy) -> None:
    """Worked example 2: convicted 2020-01-15, sentenced 2020-03-01. Only the conviction date is right."""
    right = notification_period(prison(date(2020, 1, 15), 24), date_of_birth=ADULT_DOB, policy=policy)
    wrong = notification_period(prison(date(2020, 3, 1), 24), date_of_birth=ADULT_DOB, policy=policy)
    assert right.last_day == date(2030, 1, 14)
    assert wrong.last_day != date(2030, 1, 14)
    assert "s.82(6)" in right.basis


@pytest.mark.parametrize(
    ("months", "indefinite", "years"),
    [
        ("36", True, None),
        ("30", True, None),
        ("29.9", False, 10),
        ("7", False, 10),
        ("6.5", False, 10),
        ("6", False, 7),
        ("1", False, 7),
    ],
)
def test_imprisonment_bands(months: str, indefinite: bool, years: int | None, policy: Policy) -> None:
    period = notification_period(prison(date(2020, 5, 5), months), date_of_birth=ADULT_DOB, policy=policy)
    assert period.indefinite is indefinite
    assert period.years == years
    assert (period.last_day is None) is indefinite


@pytest.mark.parametrize(
    ("disposal", "adult_years", "youth_years"),
    [
        (Disposal.HOSPITAL_ORDER, Fraction(7), Fraction(7, 2)),
        (Disposal.CAUTION, Fraction(2), Fraction(1)),
        (Disposal.OTHER, Fraction(5), Fraction(5, 2)),
    ],
)
def test_under_18_halves_the_fixed_periods(
    disposal: Disposal, adult_years: Fraction, youth_years: Fraction, policy: Policy
) -> None:
    when = date(2020, 8, 31)
    adult = notification_period(Conviction(when, disposal), date_of_birth=date(1980, 1, 1), policy=policy)
    youth = notification_period(Conviction(when, disposal), date_of_birth=date(2005, 1, 1), policy=policy)
    assert (adult.years, youth.years) == (adult_years, youth_years)
    assert youth.under_18
    assert not adult.under_18
    assert "s.82(2)" in youth.basis


def test_three_and_a_half_years_is_three_years_and_six_months(policy: Policy) -> None:
    period = notification_period(prison(date(2021, 8, 31), 3), date_of_birth=date(2005, 1, 1), policy=policy)
    assert period.years == Fraction(7, 2)
    # 31 August + 42 months has no 31 February: free from 1 March, last day the end of February.
    assert period.free_from == date(2025, 3, 1)
    assert period.last_day == date(2025, 2, 28)


def test_restricted_hospital_order_is_indefinite_even_for_a_youth(policy: Policy) -> None:
    period = notification_period(
        Conviction(date(2020, 1, 1), Disposal.RESTRICTED_HOSPITAL_ORDER),
        date_of_birth=date(2005, 1, 1),
        policy=policy,
    )
    assert period.indefinite
    assert period.last_day is None
    assert period.years is None


def test_conditional_discharge_lasts_the_discharge_period_and_is_not_halved(policy: Policy) -> None:
    cd = Conviction(date(2023, 3, 10), Disposal.CONDITIONAL_DISCHARGE, discharge_months=18)
    youth = notification_period(cd, date_of_birth=date(2008, 1, 1), policy=policy)
    assert youth.years == Fraction(3, 2)
    assert youth.last_day == date(2024, 9, 9)
    assert youth.policy_version == policy.version
    assert "conditional_discharge_halved_for_under_18" in youth.basis


def test_conditional_discharge_halving_follows_policy() -> None:
    halving = current_policy().with_overrides(
        {"offenders.notification.conditional_discharge_halved_for_under_18": True}
    )
    cd = Conviction(date(2023, 3, 10), Disposal.CONDITIONAL_DISCHARGE, discharge_months=12)
    assert notification_period(cd, date_of_birth=date(2008, 1, 1), policy=halving).years == Fraction(1, 2)


def test_other_disposal_period_comes_from_policy() -> None:
    six = current_policy().with_overrides({"offenders.notification.other_disposal_years": 6})
    period = notification_period(
        Conviction(date(2020, 1, 1), Disposal.OTHER), date_of_birth=ADULT_DOB, policy=six
    )
    assert period.years == 6
    assert period.policy_version == six.version
    assert "other_disposal_years" in period.basis


@pytest.mark.parametrize(
    ("conviction", "message"),
    [
        (Conviction(date(2020, 1, 1), Disposal.IMPRISONMENT), MONTHS_REQUIRED),
        (Conviction(date(2020, 1, 1), Disposal.CAUTION, months=Decimal(3)), MONTHS_NOT_ALLOWED),
        (Conviction(date(2020, 1, 1), Disposal.CONDITIONAL_DISCHARGE), DISCHARGE_MONTHS_REQUIRED),
    ],
)
def test_invalid_combinations_are_refused(conviction: Conviction, message: str, policy: Policy) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        notification_period(conviction, date_of_birth=ADULT_DOB, policy=policy)


def test_consecutive_terms_are_summed_and_partly_concurrent_overlap_subtracted() -> None:
    assert aggregate_term_months([Decimal(18), Decimal(18)]) == 36
    assert aggregate_term_months([Decimal(20), Decimal(12)], [Decimal(6)]) == 26
    with pytest.raises(ValueError, match=OVERLAP_TOO_LONG):
        aggregate_term_months([Decimal(20), Decimal(4)], [Decimal(6)])


def test_two_consecutive_18_month_terms_make_the_period_indefinite(policy: Policy) -> None:
    total = aggregate_term_months([Decimal(18), Decimal(18)])
    period = notification_period(
        Conviction(date(2020, 1, 1), Disposal.IMPRISONMENT, months=total),
        date_of_birth=ADULT_DOB,
        policy=policy,
    )
    assert period.indefinite


def test_a_new_conviction_recalculates_the_governing_period(policy: Policy) -> None:
    caution = Conviction(date(2022, 1, 15), Disposal.CAUTION)
    later = prison(date(2023, 6, 1), 3)
    alone = governing_notification_period([caution], date_of_birth=ADULT_DOB, policy=policy)
    both = governing_notification_period([later, caution], date_of_birth=ADULT_DOB, policy=policy)
    assert alone.governing.last_day == date(2024, 1, 14)
    assert both.governing.last_day == date(2030, 5, 31)
    assert len(both.periods) == 2


def test_an_indefinite_period_governs_over_any_later_fixed_one(policy: Policy) -> None:
    result = governing_notification_period(
        [prison(date(2010, 1, 1), 48), Conviction(date(2024, 1, 1), Disposal.CAUTION)],
        date_of_birth=ADULT_DOB,
        policy=policy,
    )
    assert result.governing.indefinite


DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
FIXED = st.sampled_from([Disposal.HOSPITAL_ORDER, Disposal.CAUTION, Disposal.OTHER])


@given(conviction_date=DATES, disposal=FIXED, age_days=st.integers(min_value=10 * 365, max_value=80 * 365))
def test_last_day_is_never_before_the_relevant_date_and_free_from_follows_it(
    conviction_date: date, disposal: Disposal, age_days: int
) -> None:
    period = notification_period(
        Conviction(conviction_date, disposal),
        date_of_birth=conviction_date - timedelta(days=age_days),
        policy=current_policy(),
    )
    assert period.last_day is not None
    assert period.free_from is not None
    assert period.last_day >= conviction_date
    assert period.free_from == period.last_day + timedelta(days=1)
    assert period.covers(conviction_date)
    assert period.covers(period.last_day)
    assert not period.covers(period.free_from)


@given(conviction_date=DATES, disposal=FIXED, months=st.sampled_from(["3", "12", "29"]))
def test_halving_is_exact(conviction_date: date, disposal: Disposal, months: str) -> None:
    policy = current_policy()
    for conv in (Conviction(conviction_date, disposal), prison(conviction_date, months)):
        adult = notification_period(
            conv, date_of_birth=conviction_date - timedelta(days=40 * 365), policy=policy
        )
        youth = notification_period(
            conv, date_of_birth=conviction_date - timedelta(days=15 * 365), policy=policy
        )
        assert adult.years is not None
        assert youth.years is not None
        assert youth.years * 2 == adult.years
        assert youth.last_day is not None
        assert adult.last_day is not None
        assert youth.last_day < adult.last_day


@given(dob=st.dates(min_value=date(1980, 1, 1), max_value=date(2010, 12, 31)))
def test_the_18th_birthday_itself_is_adult(dob: date) -> None:
    policy = current_policy()
    # The 18th birthday (1 March for a 29 February birthday in a common year).
    eighteen = (
        date(dob.year + 18, 3, 1) if (dob.month, dob.day) == (2, 29) else dob.replace(year=dob.year + 18)
    )
    on = notification_period(Conviction(eighteen, Disposal.CAUTION), date_of_birth=dob, policy=policy)
    day_before = notification_period(
        Conviction(eighteen - timedelta(days=1), Disposal.CAUTION), date_of_birth=dob, policy=policy
    )
    assert not on.under_18
    assert day_before.under_18
