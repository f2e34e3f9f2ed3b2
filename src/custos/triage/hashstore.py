"""Hash sets in the database: imports, the indexed exact/PDQ store, lookups and the signed triage kit.

Parsing and validation belong to the offline scanner library (``custos.triage.scanner.hashsets``): every
line is checked there and a bad line raises with its line number before anything is written. Writing is
one transaction, so a failed import (a bad row streamed from an NSRL database, a constraint) leaves
nothing behind. Rows go in batches: PostgreSQL COPYs each batch into a temporary table and inserts from
it with ``ON CONFLICT DO NOTHING``; SQLite uses batched ``INSERT ... ON CONFLICT DO NOTHING``. The unique
(set, fingerprint) key makes a re-import of an overlapping version add nothing; the file's SHA-256 makes
a re-import of the same file a no-op that does not even read the rows.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F

from custos.core import audit
from custos.core.access import scope_of
from custos.core.policy import Policy, current_policy
from custos.triage import access
from custos.triage.grading import fingerprint
from custos.triage.models import ExactHash, HashSet, HashSetImport, PdqHash, SetKind
from custos.triage.scanner.hashsets import KNOWN_BAD, KNOWN_GOOD, HashEntry, HashSetError, import_hashset_file
from custos.triage.scanner.hashsets.nsrl import open_rds

BATCH = 50_000
NOT_ALLOWED = "Only digital forensic examiners and administrators manage hash sets."
KIND_CLASH = "Hash set {name!r} is a {had} set; this file would import it as {now}."
NO_ENABLED_SETS = "No hash set is enabled: there is nothing to put in a kit."
NAME_REQUIRED = "Give the hash set a name."


@dataclass(frozen=True)
class ImportOutcome:
    hash_set: HashSet
    already_imported: bool
    entries_read: int
    exact_added: int
    pdq_added: int
    ignored: int
    in_place: bool
    format: str

    def describe(self) -> dict[str, Any]:
        return {
            "set": self.hash_set.name,
            "version": self.hash_set.version,
            "kind": self.hash_set.kind,
            "format": self.format,
            "already_imported": self.already_imported,
            "entries_read": self.entries_read,
            "exact_added": self.exact_added,
            "pdq_added": self.pdq_added,
            "ignored": self.ignored,
            "in_place": self.in_place,
            "exact_total": self.hash_set.exact_count,
            "pdq_total": self.hash_set.pdq_count,
        }


def _chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_STAGE_COLUMNS = {
    "triage_exacthash": "fingerprint bytea, md5 varchar(32), sha1 varchar(40), sha256 varchar(64), "
    "category varchar(14)",
    "triage_pdqhash": "pdq varchar(64), category varchar(14), quality smallint",
}


def _insert(table: str, columns: tuple[str, ...], set_id: int, rows: list[tuple[Any, ...]]) -> int:
    """Insert one batch for set ``set_id``; rows already in the set are skipped. Returns rows added."""
    cols = ", ".join(("hash_set_id", *columns))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            stage = f"{table}_stage"
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({_STAGE_COLUMNS[table]}) ON COMMIT DROP")
            cur.execute(f"TRUNCATE {stage}")
            with cur.cursor.copy(f"COPY {stage} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(
                f"INSERT INTO {table} ({cols}) SELECT %s, {', '.join(columns)} FROM {stage} "
                "ON CONFLICT DO NOTHING",
                [set_id],
            )
            return int(cur.rowcount)
        marks = ", ".join(["%s"] * (len(columns) + 1))
        before = connection.connection.total_changes if connection.connection is not None else 0
        cur.executemany(
            f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING",
            [(set_id, *row) for row in rows],
        )
        assert connection.connection is not None
        return int(connection.connection.total_changes - before)


def _exact_row(e: HashEntry) -> tuple[Any, ...] | None:
    if not (e.md5 or e.sha1 or e.sha256):
        return None
    return (fingerprint(e.md5, e.sha1, e.sha256), e.md5, e.sha1, e.sha256, e.category)


def store_entries(hash_set: HashSet, entries: Iterable[HashEntry]) -> tuple[int, int, int]:
    """(entries read, exact rows added, PDQ rows added). Call inside a transaction."""
    read = exact_added = pdq_added = 0
    exact: list[tuple[Any, ...]] = []
    pdq: list[tuple[Any, ...]] = []
    for entry in entries:
        read += 1
        row = _exact_row(entry)
        if row is not None:
            exact.append(row)
        if entry.pdq:
            pdq.append((entry.pdq, entry.category, entry.quality))
        if len(exact) >= BATCH:
            exact_added += _insert(
                "triage_exacthash", ("fingerprint", "md5", "sha1", "sha256", "category"), hash_set.pk, exact
            )
            exact = []
        if len(pdq) >= BATCH:
            pdq_added += _insert("triage_pdqhash", ("pdq", "category", "quality"), hash_set.pk, pdq)
            pdq = []
    if exact:
        exact_added += _insert(
            "triage_exacthash", ("fingerprint", "md5", "sha1", "sha256", "category"), hash_set.pk, exact
        )
    if pdq:
        pdq_added += _insert("triage_pdqhash", ("pdq", "category", "quality"), hash_set.pk, pdq)
    if exact_added or pdq_added:
        HashSet.objects.filter(pk=hash_set.pk).update(
            exact_count=F("exact_count") + exact_added, pdq_count=F("pdq_count") + pdq_added
        )
        hash_set.refresh_from_db(fields=["exact_count", "pdq_count"])
    return read, exact_added, pdq_added


def hashset_import(
    *,
    actor: Any,
    path: str,
    name: str,
    version: str | None = None,
    known_good: bool = False,
    load_rds: bool = False,
    set_date: date | None = None,
    policy: Policy | None = None,
) -> ImportOutcome:
    """Import a hash-set file (format detected by content). Idempotent and all-or-nothing.

    An NSRL RDSv3 SQLite database is registered to be queried in place unless ``load_rds`` asks for its
    rows to be copied into the indexed store (streamed in batches).
    """
    if actor is not None and not access.can_manage_hashsets(scope_of(actor)):
        raise PermissionError(NOT_ALLOWED)
    if not name.strip():
        raise ValidationError({"name": [NAME_REQUIRED]})
    policy = policy or current_policy()
    try:
        parsed = import_hashset_file(
            path, name=name, policy=policy, role=KNOWN_GOOD if known_good else KNOWN_BAD
        )
    except HashSetError as exc:
        raise ValidationError(str(exc), code="hashset") from None
    kind = SetKind.KNOWN_GOOD if parsed.role == KNOWN_GOOD else SetKind.KNOWN_BAD
    with transaction.atomic():
        hash_set, created = HashSet.objects.select_for_update().get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "source": parsed.source or "",
                "format": parsed.format,
                "category_map": parsed.category_map,
            },
        )
        if hash_set.kind != kind:
            raise ValidationError(KIND_CLASH.format(name=name, had=hash_set.kind, now=kind), code="hashset")
        done = HashSetImport.objects.filter(hash_set=hash_set, file_sha256=parsed.sha256).first()
        if done is not None:
            return ImportOutcome(hash_set, True, 0, 0, 0, 0, bool(hash_set.in_place_path), parsed.format)
        in_place = parsed.rds is not None and not load_rds
        ignored = parsed.ignored
        if in_place:
            assert parsed.rds is not None
            read, exact_added, pdq_added = 0, 0, 0
            hash_set.in_place_path = os.path.abspath(path)
            hash_set.exact_count = parsed.rds.count()
        else:
            try:
                read, exact_added, pdq_added = store_entries(hash_set, parsed.iter_entries())
            except HashSetError as exc:  # a bad row streamed from an RDS database: roll everything back
                raise ValidationError(str(exc), code="hashset") from None
        hash_set.version = version or parsed.version or hash_set.version
        hash_set.set_date = set_date or hash_set.set_date or date.today()
        hash_set.format = parsed.format
        hash_set.category_map = parsed.category_map
        hash_set.source = parsed.source or hash_set.source
        hash_set.save()
        HashSetImport.objects.create(
            hash_set=hash_set,
            file_name=os.path.basename(path)[:300],
            file_sha256=parsed.sha256,
            format=parsed.format,
            version=hash_set.version,
            entries_read=read,
            exact_added=exact_added,
            pdq_added=pdq_added,
            ignored=ignored,
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            policy_version=policy.version,
        )
        audit.record(
            actor=actor,
            action="custos.hashset.imported",
            obj=hash_set,
            changes={
                "file": os.path.basename(path),
                "sha256": parsed.sha256,
                "format": parsed.format,
                "created": created,
                "exact_added": exact_added,
                "pdq_added": pdq_added,
                "in_place": in_place,
                "version": hash_set.version,
            },
        )
    return ImportOutcome(hash_set, False, read, exact_added, pdq_added, ignored, in_place, parsed.format)


@transaction.atomic
def hashset_set_enabled(*, actor: Any, hash_set: HashSet, enabled: bool) -> HashSet:
    if actor is not None and not access.can_manage_hashsets(scope_of(actor)):
        raise PermissionError(NOT_ALLOWED)
    if hash_set.enabled != enabled:
        HashSet.objects.filter(pk=hash_set.pk).update(enabled=enabled)
        hash_set.enabled = enabled
        audit.record(
            actor=actor,
            action="custos.hashset.enabled" if enabled else "custos.hashset.disabled",
            obj=hash_set,
            changes={"enabled": [not enabled, enabled]},
        )
    return hash_set


def lookup(
    kind: str, values: Iterable[str], *, enabled_only: bool = True
) -> dict[str, list[tuple[str, str]]]:
    """Which sets hold each digest (``kind`` md5, sha1 or sha256): {digest: [(set name, category)]}.

    Sets registered in place (NSRL RDSv3) are asked directly, in batches.
    """
    if kind not in ("md5", "sha1", "sha256"):
        raise ValueError(kind)
    wanted = sorted({v.strip().lower() for v in values if v and v.strip()})
    found: dict[str, list[tuple[str, str]]] = {}
    sets = HashSet.objects.all()
    if enabled_only:
        sets = sets.filter(enabled=True)
    names = dict(sets.values_list("pk", "name"))
    for i in range(0, len(wanted), 500):
        batch = wanted[i : i + 500]
        rows = ExactHash.objects.filter(**{f"{kind}__in": batch}, hash_set_id__in=list(names)).values_list(
            kind, "hash_set_id", "category"
        )
        for digest, set_id, category in rows:
            found.setdefault(digest, []).append((names[set_id], category))
    for hs in sets.exclude(in_place_path=""):
        rds = open_rds(hs.in_place_path, hs.in_place_path)
        for digest in rds.lookup(kind, wanted):
            found.setdefault(digest, []).append((hs.name, "known"))
    return found


def pdq_rows(hash_set: HashSet) -> Iterator[tuple[str, str]]:
    yield from (
        PdqHash.objects.filter(hash_set=hash_set).values_list("pdq", "category").iterator(chunk_size=BATCH)
    )


def _write_set_file(hash_set: HashSet, folder: str) -> tuple[str, str]:
    """Write one database set as a CSV the scanner reads (format by content). Returns (path, format)."""
    path = os.path.join(folder, f"set-{hash_set.pk}.csv")
    good = hash_set.kind == SetKind.KNOWN_GOOD
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        # Known-good sets carry no category (the scanner marks them "known"); known-bad ones do.
        w.writerow(["md5", "sha1", "sha256", "pdq"] + ([] if good else ["category"]))
        rows = ExactHash.objects.filter(hash_set=hash_set).values_list("md5", "sha1", "sha256", "category")
        for md5, sha1, sha256, category in rows.iterator(chunk_size=BATCH):
            w.writerow([md5 or "", sha1 or "", sha256 or "", ""] + ([] if good else [category]))
        for pdq, category in pdq_rows(hash_set):
            w.writerow(["", "", "", pdq] + ([] if good else [category]))
    return path, "csv"


def hashset_kit_export(
    *, actor: Any, key_path: str, out: str, version: str, policy: Policy | None = None
) -> dict[str, Any]:
    """The enabled sets as a signed, versioned triage kit (the scanner's kit format and signature)."""
    from custos.triage.scanner.kit import ERR_NO_VERSION, build_kit, check_output

    if actor is not None and not access.can_manage_hashsets(scope_of(actor)):
        raise PermissionError(NOT_ALLOWED)
    if not version.strip():
        raise ValidationError(ERR_NO_VERSION)
    check_output(out)  # before every set is written out to be signed
    policy = policy or current_policy()
    sets = list(HashSet.objects.filter(enabled=True).order_by("name"))
    sets = [s for s in sets if s.entry_count or s.in_place_path]
    if not sets:
        raise ValidationError(NO_ENABLED_SETS)
    with tempfile.TemporaryDirectory(prefix="custos-kit-export-") as folder:
        listed = []
        for hs in sets:
            if hs.in_place_path:
                path, fmt = hs.in_place_path, "nsrl-rds-sqlite"
            else:
                path, fmt = _write_set_file(hs, folder)
            role = KNOWN_GOOD if hs.kind == SetKind.KNOWN_GOOD else KNOWN_BAD
            listed.append(
                {"path": path, "name": hs.name, "role": role, "format": fmt, "entries": hs.entry_count}
            )
        manifest = build_kit(
            listed, key_path=key_path, out=out, version=version, policy_version=policy.version
        )
    audit.record(
        actor=actor,
        action="custos.hashset.kit_exported",
        object_type="triage.kit",
        object_id=version,
        changes={"sets": [s.name for s in sets], "signer": manifest["signer"], "out": os.path.basename(out)},
    )
    return manifest
