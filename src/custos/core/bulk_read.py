"""Reading many rows fast: a ``values_list`` queryset's rows as plain tuples, without Django's per-row work.

The nightly sweep reads the whole register (hundreds of thousands of rows). Django's iterator spends more
time per row (converters, row factories) than the database driver does fetching it, so bulk readers compile
the queryset as usual (filters, joins, annotations stay declarative) and fetch the tuples straight from the
cursor. The driver already converts typed columns; only expressions without a declared column type
(``Max`` of a date on SQLite) come back as text, which `as_date` and `as_aware` normalise.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, overload

from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

FETCH_ROWS = 5000


def tuples(qs: QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset, columns in its ``values_list`` order (values first, then
    annotations, as Django compiles them)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch


def with_dates_as_text(
    qs: QuerySet[Any, Any], values: Sequence[str], dates: Sequence[str]
) -> QuerySet[Any, Any]:
    """``qs.values_list(*values, *dates)`` for `tuples`, the ``dates`` columns left as ISO text on SQLite.

    Python's sqlite3 module converts each date cell through Django's converter (a Python call, about
    1 µs); read whole, a register has millions of them. Selected as text they cost nothing to fetch, and
    `as_date` parses them (``date.fromisoformat``, in C) where they are used, which in the sweep is in
    parallel workers. Other databases return dates natively, so the columns are selected as they are.
    """
    if connection.vendor != "sqlite" or not dates:
        return qs.values_list(*values, *dates)
    casts = {f"iso_{name}": Cast(name, output_field=TextField()) for name in dates}
    return qs.annotate(**casts).values_list(*values, *casts)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk read or a pass over its rows.

    Reading a register allocates millions of tuples, none in a reference cycle; each allocation burst
    triggers a collection that walks the whole growing heap again, for nothing (a third of the read time
    at 100,000 offenders). Plain reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# A column read raw is Any; typed as a date here (first overload), with None handled as None at run time.
@overload
def as_date(value: date | str) -> date: ...
@overload
def as_date(value: None) -> None: ...
def as_date(value: Any) -> date | None:
    """A date column or aggregate: ``date`` as is, ISO text parsed (SQLite aggregates), None kept."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


@overload
def as_aware(value: None) -> None: ...
@overload
def as_aware(value: datetime | str) -> datetime: ...
def as_aware(value: Any) -> datetime | None:
    """A datetime column or aggregate as an aware datetime (stored in UTC, as Django stores them)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
