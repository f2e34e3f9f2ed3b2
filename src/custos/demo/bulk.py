"""Fast bulk inserts for the synthetic force: rows as tuples, one `executemany` per batch.

`QuerySet.bulk_create` builds a model instance per row and prepares every value of every field through the
ORM (about 1 ms a crime, 60 columns): at London scale that is most of the seeding time. Here a part names
the columns it fills, gives rows as plain tuples in that order, and every other column takes the field's
default once. Values are converted for the database once per distinct value (dates, JSON lists), and
primary keys are assigned by the caller from `next_id` so that rows written in one batch can be referred
to by the next without reading them back. Seeding runs inside one transaction per part, so nobody else
takes those ids meanwhile.

No signals fire and no history rows are written, exactly as with `bulk_create`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

BATCH = 5000

# Field types whose Python values the database drivers take as they are (no conversion by the ORM).
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of a table (rows are then numbered by the caller, in order)."""
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if field.get_internal_type() in _PLAIN:
        return None
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        key: Any = tuple(value) if isinstance(value, list) else value
        try:
            return cache[key]
        except KeyError:
            converted = field.get_db_prep_save(value, connection)
            cache[key] = converted
            return converted
        except TypeError:  # unhashable (a list of dicts, say): convert every time
            return field.get_db_prep_save(value, connection)

    return convert


class Table:
    """Inserts rows of `columns` (field names; foreign keys by their `_id` attribute) into `model`'s table.

    Columns not named take the field's default (`auto_now_add` times take the moment the Table is made).
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, batch: int = BATCH) -> None:
        opts = model._meta
        self.model = model
        self.batch = batch
        named = [_concrete(opts.get_field(c)) for c in columns]  # "borough_id" names the borough field too
        rest = [f for f in opts.concrete_fields if f not in named and not f.primary_key]
        now = timezone.now()
        tail: list[Any] = []
        for f in rest:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value: Any = now
            else:
                value = f.get_default()  # the declared default, else "" for text and None otherwise
            tail.append(f.get_db_prep_save(value, connection))
        self.tail = tuple(tail)
        self.converters = [_converter(f) for f in named]
        self.plain = all(c is None for c in self.converters)
        fields = [*named, *rest]
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(opts.db_table),
            ", ".join(quote(str(f.column)) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        self.pending: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.batch:
            self.flush()

    def extend(self, rows: Iterable[tuple[Any, ...]]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.pending:
            return
        tail = self.tail
        if self.plain:
            params = [row + tail for row in self.pending]
        else:
            converters = self.converters
            params = [
                tuple(v if c is None else c(v) for v, c in zip(row, converters, strict=True)) + tail
                for row in self.pending
            ]
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)
        self.written += len(self.pending)
        self.pending = []

    def close(self) -> int:
        """Write what is pending, bring the table's id sequence past the ids given (PostgreSQL) and
        return the number of rows written."""
        self.flush()
        statements = connection.ops.sequence_reset_sql(no_style(), [self.model])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        return self.written


def _concrete(field: Any) -> models.Field[Any, Any]:
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{field} is not a column")
    return field
