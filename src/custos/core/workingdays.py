"""Working days in England: weekends and the England bank holidays (``holidays`` package) excluded.

Convention (Victims' Code clocks, reference §4): the day of the event is day 0, so "within 1 working
day" of an event on Friday is the next working day, normally Monday.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _england(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(d: date) -> bool:
    return d in _england(d.year)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and not is_bank_holiday(d)


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (``start`` is day 0 and need not be a working day)."""
    if n < 0:
        raise ValueError("n must be zero or more")
    d = start
    remaining = n
    while remaining:
        d += timedelta(days=1)
        if is_working_day(d):
            remaining -= 1
    return d


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after ``start`` up to and including ``end`` (0 if end <= start)."""
    count = 0
    d = start
    while d < end:
        d += timedelta(days=1)
        if is_working_day(d):
            count += 1
    return count
