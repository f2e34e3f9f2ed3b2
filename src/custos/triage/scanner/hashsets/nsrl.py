"""NIST NSRL: RDSv3 SQLite (queried in place) and the legacy RDSv2 ``NSRLFile.txt``.

The modern RDS database is over 150 GB with hundreds of millions of rows, so it is never loaded: lookups are
batched ``IN (...)`` queries against the ``FILE`` view (full sets) or ``DISTINCT_HASH`` (minimal sets). RDS
stores hashes upper-case; we ask for both cases so that an index on the raw column can still be used.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterable, Iterator

from .model import KNOWN, HashEntry, HashSetError, clean_hex

SQLITE_MAGIC = b"SQLite format 3\x00"
_BATCH = 300


class RdsDatabase:
    """Read-only handle on an RDSv3 SQLite file. Picklable by path (re-opened lazily per process)."""

    def __init__(self, path: str, relation: str, columns: tuple[str, ...]) -> None:
        self.path = path
        self.relation = relation
        self.columns = columns
        self._conn: sqlite3.Connection | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path, "relation": self.relation, "columns": self.columns, "_conn": None}

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)
        return self._conn

    def count(self) -> int:
        row = self._connection().execute(f"SELECT COUNT(*) FROM {self.relation}").fetchone()
        return int(row[0])

    def lookup(self, kind: str, values: Iterable[str]) -> set[str]:
        """The lower-case digests among ``values`` that the database holds (``kind`` md5/sha1/sha256)."""
        if kind not in self.columns:
            return set()
        wanted = sorted({v.lower() for v in values if v})
        found: set[str] = set()
        conn = self._connection()
        for i in range(0, len(wanted), _BATCH):
            batch = wanted[i : i + _BATCH]
            params = [v.upper() for v in batch] + batch
            marks = ",".join("?" * len(params))
            sql = f"SELECT DISTINCT {kind} FROM {self.relation} WHERE {kind} IN ({marks})"
            found.update(str(r[0]).lower() for r in conn.execute(sql, params))
        return found

    def iter_entries(self) -> Iterator[HashEntry]:
        cols = ",".join(self.columns)
        cursor = self._connection().execute(f"SELECT {cols} FROM {self.relation}")
        for number, row in enumerate(cursor, start=1):
            where = f"{self.path} {self.relation} row {number}"
            values = {c: clean_hex(v, c, where) for c, v in zip(self.columns, row, strict=True)}
            yield HashEntry(line=number, category=KNOWN, **values)  # type: ignore[arg-type]


def open_rds(path: str, where: str) -> RdsDatabase:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        names = {
            str(r[0]).upper(): str(r[0])
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        }
        for relation in ("FILE", "DISTINCT_HASH"):
            if relation in names:
                info = conn.execute(f"PRAGMA table_info({names[relation]})").fetchall()
                columns = tuple(
                    c for c in ("md5", "sha1", "sha256") if c in {str(r[1]).lower() for r in info}
                )
                if columns:
                    conn.close()
                    return RdsDatabase(path, names[relation], columns)
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise HashSetError(f"{where}: not a readable SQLite database: {exc}") from None
    raise HashSetError(f"{where}: SQLite file has no NSRL RDSv3 view FILE or DISTINCT_HASH with hash columns")


def looks_like_nsrl_file(head: bytes) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].upper()
    return b'"SHA-1"' in first and b'"MD5"' in first


def parse_nsrl_file(raw: bytes, where: str) -> list[HashEntry]:
    """Legacy RDSv2 ``NSRLFile.txt``: quoted CSV with a "SHA-1","MD5",... header."""
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().upper() for h in next(reader)]
    except StopIteration:
        raise HashSetError(f"{where}: empty NSRLFile.txt") from None
    try:
        i_sha1, i_md5 = header.index("SHA-1"), header.index("MD5")
    except ValueError:
        raise HashSetError(f'{where} line 1: header lacks "SHA-1" and "MD5" columns') from None
    i_name = header.index("FILENAME") if "FILENAME" in header else None
    entries: list[HashEntry] = []
    try:
        for row in reader:
            line = reader.line_num
            if not row or not any(cell.strip() for cell in row):
                continue
            lw = f"{where} line {line}"
            if len(row) <= max(i_sha1, i_md5):
                raise HashSetError(f"{lw}: expected {len(header)} fields, found {len(row)}")
            entries.append(
                HashEntry(
                    line=line,
                    sha1=clean_hex(row[i_sha1], "sha1", lw),
                    md5=clean_hex(row[i_md5], "md5", lw),
                    category=KNOWN,
                    label=row[i_name] if i_name is not None and i_name < len(row) else None,
                )
            )
    except csv.Error as exc:
        raise HashSetError(f"{where} line {reader.line_num}: malformed CSV: {exc}") from None
    return entries
