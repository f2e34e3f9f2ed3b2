"""Statutory date arithmetic for Part 2 of the Sexual Offences Act 2003 (reference §0).

Three conventions, each used where the statute uses its words:

* "N days beginning with D": D is day 1, so the last day is D + N - 1.
* "N years (or months) beginning with D": the person is free from the corresponding date N years later
  and the last day subject is the day before it. When the corresponding day does not exist (29 February,
  31 August + 6 months) the corresponding date is the 1st of the following month, so the last day is the
  last day of the short month: a period never loses a day.
* "within 1 year (or N months) after E": the last compliant day is the corresponding date; when it does
  not exist the last day of that month is used, which is the earlier, safer answer.

Time "disregarded" (s.83(6), applied by s.84(5)) is a set of :class:`AwayPeriod`: days in custody, in
hospital or outside the UK do not count towards a period of days.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

DURATION_PATTERN = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")
BAD_DURATION = "{value!r} is not a duration: use a whole number followed by d, w, m or y (e.g. '6w', '3m')"
NOT_WHOLE_MONTHS = "a period of {years} years is not a whole number of months"


class AwayKind(StrEnum):
    """Why the offender could not be visited or notify in person (s.83(6), s.85(3), s.96B(4))."""

    CUSTODY = "custody"  # remanded, committed or serving a sentence
    HOSPITAL = "hospital"
    ABROAD = "abroad"


@dataclass(frozen=True)
class AwayPeriod:
    """A stretch in custody, in hospital or outside the UK.

    ``start`` is the first day away; ``end`` is the day of release or return, which counts as a day at
    liberty (worked example 3: released 2021-03-01, initial notification due 2021-03-03). ``end=None``
    means the offender is still away.
    """

    kind: AwayKind
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def days_beginning_with(start: date, days: int) -> date:
    """The last day of a period of ``days`` days beginning with ``start``."""
    if days < 1:
        raise ValueError("a period of days must be at least one day long")
    return start + timedelta(days=days - 1)


def away_on(day: date, away: Iterable[AwayPeriod]) -> AwayPeriod | None:
    """The away period covering ``day``, if any."""
    for period in away:
        if period.covers(day):
            return period
    return None


def days_beginning_with_disregarding(start: date, days: int, away: Sequence[AwayPeriod]) -> date | None:
    """Last day of ``days`` counted days beginning with ``start``, skipping days covered by ``away``.

    Returns None while an open-ended away period (still in custody) stops the count: the deadline cannot
    be known until the offender is released or returns.
    """
    if days < 1:
        raise ValueError("a period of days must be at least one day long")
    day = start
    counted = 0
    while True:
        period = away_on(day, away)
        if period is None:
            counted += 1
            if counted == days:
                return day
            day += timedelta(days=1)
        elif period.end is None:
            return None
        else:
            day = period.end


def _add_months(start: date, months: int, *, missing_day: str) -> date:
    total = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    if start.day <= 28:  # every month has it: the common case needs no calendar lookup
        return date(year, month, start.day)
    last = calendar.monthrange(year, month)[1]
    if start.day <= last:
        return date(year, month, start.day)
    if missing_day == "roll-forward":
        return date(year, month, last) + timedelta(days=1)
    return date(year, month, last)


def add_months_clamped(start: date, months: int) -> date:
    """The corresponding date ``months`` later (or earlier), or the last day of a shorter month."""
    return _add_months(start, months, missing_day="clamp")


def free_from_after_months(start: date, months: int) -> date:
    """First day free of a period of ``months`` months beginning with ``start`` (see module notes)."""
    return _add_months(start, months, missing_day="roll-forward")


def months_beginning_with(start: date, months: int) -> tuple[date, date]:
    """(last day, free from) for a period of ``months`` months beginning with ``start``."""
    if months < 1:
        raise ValueError("a period of months must be at least one month long")
    free_from = free_from_after_months(start, months)
    return free_from - timedelta(days=1), free_from


def years_to_months(years: Fraction | int | float | str) -> int:
    """Exact months in a number of years (3.5 years = 42 months); refuses a fraction of a month."""
    months = Fraction(str(years)) * 12 if isinstance(years, float) else Fraction(years) * 12
    if months.denominator != 1:
        raise ValueError(NOT_WHOLE_MONTHS.format(years=years))
    return int(months)


def anniversary(after: date, months: int = 12) -> date:
    """Last compliant day of "within ``months`` months after ``after``" (clamped at a month's end)."""
    return add_months_clamped(after, months)


@dataclass(frozen=True)
class Duration:
    """An exact interval from policy: ``days`` or ``months`` (one of them is zero)."""

    days: int = 0
    months: int = 0
    text: str = ""

    @classmethod
    def parse(cls, value: str | int) -> Duration:
        """Parse "6w", "42d", "3m" or "1y". A bare integer is read as months for older policy files."""
        if isinstance(value, int):
            return cls(months=value, text=f"{value}m")
        match = DURATION_PATTERN.match(value)
        if not match:
            raise ValueError(BAD_DURATION.format(value=value))
        n, unit = int(match.group(1)), match.group(2)
        if n < 1:
            raise ValueError(BAD_DURATION.format(value=value))
        text = f"{n}{unit}"
        if unit == "d":
            return cls(days=n, text=text)
        if unit == "w":
            return cls(days=7 * n, text=text)
        if unit == "m":
            return cls(months=n, text=text)
        return cls(months=12 * n, text=text)

    def after(self, start: date, times: int = 1) -> date:
        """``start`` plus ``times`` of this interval (months clamped at a month's end)."""
        if self.months:
            return add_months_clamped(start, self.months * times)
        return start + timedelta(days=self.days * times)

    def describe(self) -> str:
        if self.days:
            return f"{self.days} days" if self.days % 7 else f"{self.days // 7} weeks"
        return f"{self.months} months"


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years of age on ``on``. A 29 February birthday is reached on 1 March in other years."""
    years = on.year - date_of_birth.year
    birthday = free_from_after_months(date_of_birth, 12 * years)
    return years if on >= birthday else years - 1
