"""Reading many rows fast: a ``values_list`` queryset's rows as plain tuples, without Django's per-row work.

The nightly sweep reads the whole register (hundreds of thousands of rows). Django's iterator spends more
time per row (converters, row factories) than the database driver does fetching it, so bulk readers compile
the queryset as usual (filters, joins, annotations stay declarative) and fetch the tuples straight from the
cursor. The driver already converts typed columns; only expressions without a declared column type
(``Max`` of a date on SQLite) come back as text, which `as_date` and `as_aware` normalise.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, overload

from django.db import connection
from django.db.models import QuerySet

FETCH_ROWS = 5000


def tuples(qs: QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset, columns in its ``values_list`` order (values first, then
    annotations, as Django compiles them)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch


@overload
def as_date(value: None) -> None: ...
@overload
def as_date(value: date | str) -> date: ...
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
