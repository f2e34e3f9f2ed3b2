"""The notification period, s.82 SOA 2003: how long a relevant offender is subject, and when it ends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from custos.core.policy import Policy

from .dates import age_on, months_beginning_with, years_to_months


class Disposal(StrEnum):
    IMPRISONMENT = "imprisonment"  # includes detention, DTO/YOI and suspended sentences (s.131)
    HOSPITAL_ORDER = "hospital-order"
    RESTRICTED_HOSPITAL_ORDER = "restricted-hospital-order"
    CAUTION = "caution"
    CONDITIONAL_DISCHARGE = "conditional-discharge"
    OTHER = "other"  # community order, fine and any other description


MONTHS_REQUIRED = "imprisonment needs the term in months (--months)"
MONTHS_NOT_ALLOWED = "a term in months only applies to imprisonment"
DISCHARGE_MONTHS_REQUIRED = (
    "a conditional discharge needs the discharge period in months (--discharge-months)"
)
DISCHARGE_MONTHS_NOT_ALLOWED = "a discharge period only applies to a conditional discharge"
NEGATIVE_TERM = "a term must be more than zero months"
BORN_AFTER_CONVICTION = "the date of birth is after the conviction date"
OVERLAP_TOO_LONG = "an overlap cannot be longer than either of the terms it joins"
NO_CONVICTIONS = "there are no convictions or cautions to take a notification period from"

INDEFINITE_FROM_MONTHS = 30  # s.82(1) table: imprisonment for 30 months or more
SHORT_TERM_MONTHS = 6  # s.82(1) table: imprisonment for 6 months or less
HALVED_YEARS = frozenset({Fraction(10), Fraction(7), Fraction(5), Fraction(2)})  # s.82(2)
ADULT_AGE = 18


@dataclass(frozen=True)
class NotificationPeriod:
    """How long the notification requirements last (s.82), counted from the relevant date (s.82(6))."""

    relevant_date: date
    indefinite: bool
    years: Fraction | None
    last_day: date | None
    free_from: date | None
    under_18: bool
    basis: str
    policy_version: str | None = None

    @property
    def years_number(self) -> int | float | None:
        """Years as a JSON number: 10, 3.5, 0.75."""
        if self.years is None:
            return None
        return int(self.years) if self.years.denominator == 1 else float(self.years)

    def covers(self, day: date) -> bool:
        return day >= self.relevant_date and (
            self.indefinite or (self.last_day is not None and day <= self.last_day)
        )


@dataclass(frozen=True)
class Conviction:
    """A conviction, finding or caution for a Schedule 3 offence, reduced to what s.82 needs.

    ``months`` is the (aggregated) term of imprisonment; see :func:`aggregate_term_months`.
    ``conviction_date`` is the relevant date: the date of conviction, never the sentence date.
    """

    conviction_date: date
    disposal: Disposal
    months: Decimal | None = None
    discharge_months: int | None = None


def aggregate_term_months(terms: Sequence[Decimal], overlaps: Sequence[Decimal] = ()) -> Decimal:
    """The single term s.82(4) substitutes for consecutive or partly concurrent terms.

    ``terms`` are in the order served; ``overlaps[i]`` is how long term i+1 overlaps term i (0 when
    consecutive). Consecutive terms are summed (s.82(4)(a)); partly concurrent X and Y overlapping by Z
    count as X + Y - Z (s.82(4)(b)).
    """
    if any(t <= 0 for t in terms):
        raise ValueError(NEGATIVE_TERM)
    padded = list(overlaps) + [Decimal(0)] * (len(terms) - 1 - len(overlaps))
    for i, overlap in enumerate(padded[: max(len(terms) - 1, 0)]):
        if overlap < 0 or overlap > min(terms[i], terms[i + 1]):
            raise ValueError(OVERLAP_TOO_LONG)
    return sum(terms, Decimal(0)) - sum(padded, Decimal(0))


def _validate(conviction: Conviction) -> None:
    if conviction.disposal is Disposal.IMPRISONMENT:
        if conviction.months is None:
            raise ValueError(MONTHS_REQUIRED)
        if conviction.months <= 0:
            raise ValueError(NEGATIVE_TERM)
    elif conviction.months is not None:
        raise ValueError(MONTHS_NOT_ALLOWED)
    if conviction.disposal is Disposal.CONDITIONAL_DISCHARGE:
        if conviction.discharge_months is None:
            raise ValueError(DISCHARGE_MONTHS_REQUIRED)
        if conviction.discharge_months <= 0:
            raise ValueError(NEGATIVE_TERM)
    elif conviction.discharge_months is not None:
        raise ValueError(DISCHARGE_MONTHS_NOT_ALLOWED)


def _adult_period(conviction: Conviction, policy: Policy) -> tuple[Fraction | None, str, bool]:
    """(years or None for indefinite, basis, used policy) before any s.82(2) halving."""
    d = conviction.disposal
    if d is Disposal.IMPRISONMENT:
        assert conviction.months is not None
        if conviction.months >= INDEFINITE_FROM_MONTHS:
            return None, "SOA 2003 s.82(1) table: imprisonment for 30 months or more (indefinite)", False
        if conviction.months > SHORT_TERM_MONTHS:
            return (
                Fraction(10),
                "SOA 2003 s.82(1) table: imprisonment for more than 6 but less than 30 months",
                False,
            )
        return Fraction(7), "SOA 2003 s.82(1) table: imprisonment for 6 months or less", False
    if d is Disposal.RESTRICTED_HOSPITAL_ORDER:
        return (
            None,
            "SOA 2003 s.82(1) table: admitted to hospital subject to a restriction order (indefinite)",
            False,
        )
    if d is Disposal.HOSPITAL_ORDER:
        return Fraction(7), "SOA 2003 s.82(1) table: admitted to hospital without a restriction order", False
    if d is Disposal.CAUTION:
        return Fraction(2), "SOA 2003 s.82(1) table: cautioned", False
    if d is Disposal.CONDITIONAL_DISCHARGE:
        assert conviction.discharge_months is not None
        return (
            Fraction(conviction.discharge_months, 12),
            "SOA 2003 s.82(1) table: conditional discharge, the period of conditional discharge (s.134)",
            False,
        )
    years = Fraction(str(policy.get("offenders.notification.other_disposal_years")))
    return (
        years,
        "SOA 2003 s.82(1) table: any other description; "
        + policy.basis("offenders.notification.other_disposal_years"),
        True,
    )


def notification_period(conviction: Conviction, *, date_of_birth: date, policy: Policy) -> NotificationPeriod:
    """The s.82 notification period for one conviction, finding or caution.

    Runs from the conviction date (s.82(6)); someone whose 18th birthday is the conviction date is an
    adult. s.82(2) halves only the 10-, 7-, 5- and 2-year periods for an offender under 18 on that date.
    """
    _validate(conviction)
    relevant = conviction.conviction_date
    if date_of_birth > relevant:
        raise ValueError(BORN_AFTER_CONVICTION)
    under_18 = age_on(date_of_birth, relevant) < ADULT_AGE
    years, basis, used_policy = _adult_period(conviction, policy)
    if years is not None and under_18:
        halve = years in HALVED_YEARS
        if conviction.disposal is Disposal.CONDITIONAL_DISCHARGE:
            key = "offenders.notification.conditional_discharge_halved_for_under_18"
            halve = bool(policy.get(key))
            used_policy = True
            basis += "; " + policy.basis(key)
        if halve:
            years = years / 2
            basis += "; halved for an offender under 18 on the relevant date, s.82(2)"
    basis += "; from the relevant date (conviction, finding or caution), s.82(6)"
    if years is None:
        return NotificationPeriod(
            relevant_date=relevant,
            indefinite=True,
            years=None,
            last_day=None,
            free_from=None,
            under_18=under_18,
            basis=basis,
            policy_version=policy.version if used_policy else None,
        )
    last_day, free_from = months_beginning_with(relevant, years_to_months(years))
    return NotificationPeriod(
        relevant_date=relevant,
        indefinite=False,
        years=years,
        last_day=last_day,
        free_from=free_from,
        under_18=under_18,
        basis=basis,
        policy_version=policy.version if used_policy else None,
    )


@dataclass(frozen=True)
class GoverningPeriod:
    """The period that decides when the offender stops being subject, given every conviction and caution."""

    governing: NotificationPeriod
    periods: tuple[NotificationPeriod, ...]
    basis: str


def governing_notification_period(
    convictions: Sequence[Conviction], *, date_of_birth: date, policy: Policy
) -> GoverningPeriod:
    """Recalculate after a new conviction or caution (APP; reference R6): the latest-ending period governs.

    Each Schedule 3 conviction starts its own s.82 period from its own relevant date; the offender stays
    subject until the last of them ends, and an indefinite period governs over any fixed one.
    """
    if not convictions:
        raise ValueError(NO_CONVICTIONS)
    periods = tuple(
        notification_period(c, date_of_birth=date_of_birth, policy=policy)
        for c in sorted(convictions, key=lambda c: c.conviction_date)
    )

    def sort_key(p: NotificationPeriod) -> tuple[int, date]:
        return (1, p.relevant_date) if p.indefinite else (0, p.last_day or p.relevant_date)

    governing = max(periods, key=sort_key)
    return GoverningPeriod(
        governing=governing,
        periods=periods,
        basis="SOA 2003 s.80-82: each conviction or caution imposes its own period; the latest-ending one "
        "governs; APP: update notification periods after new convictions or cautions",
    )
