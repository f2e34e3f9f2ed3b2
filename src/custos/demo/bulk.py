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

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
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


class Table:
    """Inserts rows of `columns` (field names; foreign keys by their `_id` attribute) into `model`'s table.

    Columns not named take the field's default (`auto_now_add` times take the moment the Table is made).
    `parents` are the Tables whose rows these refer to: their pending rows are written first, so that no
    row waits for its parent. (A child before its parent is a deferred foreign-key violation, and while
    one is outstanding SQLite searches the child table for every parent row inserted: without the
    child's indexes, see `indexes_deferred`, that is a full scan each time.)
    """

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        *,
        batch: int = BATCH,
        parents: Sequence[Table] = (),
    ) -> None:
        opts = model._meta
        self.model = model
        self.batch = batch
        self.parents = parents
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
        self.width = len(named)
        self.columns = tuple(columns)
        # A list default (JSON) as a tuple, so that a column of them is converted once (see flush).
        self.defaults = tuple(_hashable(f.get_default()) for f in named)
        self.names = frozenset(columns)
        # Columns whose values the ORM converts (dates, JSON), each with its values converted so far.
        self.converted: list[tuple[int, models.Field[Any, Any], dict[Any, Any]]] = [
            (i, f, {}) for i, f in enumerate(named) if f.get_internal_type() not in _PLAIN
        ]
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

    def add_values(self, **values: Any) -> None:
        """One row by column name; named columns not given take the field's default."""
        if not self.names.issuperset(values):
            raise ValueError(f"{self.model._meta.label}: no column {sorted(set(values) - self.names)}")
        self.add(tuple(values.get(c, d) for c, d in zip(self.columns, self.defaults, strict=True)))

    def extend(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.pending.extend(rows)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        pending = self.pending
        if not pending:
            return
        for parent in self.parents:
            parent.flush()
        if not self.converted:
            tail = self.tail
            params: list[tuple[Any, ...]] = [row + tail for row in pending]
        else:
            columns: list[Any] = list(zip(*pending, strict=True))
            if len(columns) != self.width:
                raise ValueError(
                    f"{self.model._meta.label}: rows of {len(columns)} values for {self.width} columns"
                )
            for i, field, done in self.converted:
                values = columns[i]
                try:
                    new = set(values).difference(done)
                except TypeError:  # an unhashable value (a list: pass JSON lists as tuples to share the work)
                    columns[i] = [field.get_db_prep_save(v, connection) for v in values]
                    continue
                for v in new:
                    done[v] = field.get_db_prep_save(v, connection)
                columns[i] = list(map(done.__getitem__, values))
            n = len(pending)
            params = list(zip(*columns, *(repeat(v, n) for v in self.tail), strict=True))
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)
        self.written += len(pending)
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


@contextmanager
def indexes_deferred(*tables: type[models.Model], ascending: Iterable[str] = ()) -> Iterator[None]:
    """On SQLite, drop the tables' indexes for a bulk load and build them again after it.

    Building an index once from the finished table (one sort) is several times faster than updating
    it for every row inserted at a random place. But each build reads the whole table again, so an
    index whose first column grows with the insert order (`ascending`: rows are appended at its end,
    which costs little) is kept and maintained as rows arrive. At London scale the obligations table
    has ten million rows and seven indexes, five of them led by ascending columns. Unique indexes are
    rebuilt too, so a duplicate still fails the load. The load runs in the same transaction (SQLite's
    DDL is transactional), so a failure restores the indexes with everything else. Other databases:
    nothing is changed.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with transaction.atomic():
        yield from _rebuilt_after([m._meta.db_table for m in tables], frozenset(ascending))


def _rebuilt_after(names: list[str], ascending: frozenset[str]) -> Iterator[None]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ({})".format(", ".join(["%s"] * len(names))),
            names,
        )
        found = []
        for name, sql in cursor.fetchall():
            cursor.execute(f"PRAGMA index_info({quote(name)})")
            first = min(cursor.fetchall())[2]  # (seqno, cid, column name): the leading column
            if first not in ascending:
                found.append((name, sql))
        for name, _ in found:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _, sql in found:
            cursor.execute(sql)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
