"""Scan orchestration: list the source, hash and PDQ every file on a process pool, checkpoint, match, report.

* Every core: a ``ProcessPoolExecutor`` with one worker per core by default. The pool is started first,
  before hash sets are loaded or the progress bar exists, so the parent still has one thread and the
  workers are plain forks (ready in about 10 ms). A forkserver would cost 0.2-0.7 s per scan (a fresh
  interpreter that re-imports the scanner and the ``__main__`` module): a sixth of a 2 GB scan's wall time.
  Forking a process that already runs other threads (tqdm's monitor, OpenBLAS and OpenMP pools once numpy
  and FAISS are loaded) can deadlock the child, so any later pool falls back to the forkserver.
  Files go in batches (many small files per task, one large file per task) and at most ``2 x workers``
  batches are in flight, so memory stays bounded however big the device. Files of a batch of their own go
  first, largest first: a multi-gigabyte video handed out last would leave every other core idle while one
  worker hashes it.
* A worker that dies (a mapped page of failing media raises SIGBUS; a decoder crash) breaks the pool: the
  files not yet recorded are run again once on a new pool without ``mmap``, so an unreadable file becomes a
  read error on its record, as with ``read()``, instead of ending the scan.
* Resumable: finished records go to the checkpoint (``checkpoint.py``) as they arrive; ``--resume`` skips
  every file already there, so nothing is re-hashed, lost or duplicated.
* Matching runs once at the end, over all records, so a resumed scan matches like an uninterrupted one.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing.context import BaseContext
from typing import TYPE_CHECKING, Any

from custos.core.policy import Policy

from . import worker
from .checkpoint import Checkpoint, CheckpointMismatch, checkpoint_path
from .hashsets import KNOWN_BAD, KNOWN_GOOD, HashSetError, ParsedHashSet, import_hashset_file
from .html import render_html
from .report import (
    GENERATOR,
    SCHEMA_VERSION,
    atomic_write,
    public_record,
    write_json,
    write_manifest,
    write_vics,
)
from .sources import FileRef, SourceListing, SourceSpec, detect_source, list_source, verify_ewf
from .verdict import device_verdict

if TYPE_CHECKING:
    from .kit import Kit

VERSION = "1.0.0"
BATCH_FILES = 64
BATCH_BYTES = 32 << 20
ERR_MANIFEST_FOLDER = "--manifest needs a folder source (hashdeep audits files on disk), not a {kind} image"
NOTHING_READ = (
    "no file could be read from this {kind} image (no file system was recognised: see source.volumes), "
    "so this is not a 'no hits' result: the device is not triaged"
)
ERR_OUTPUT_FOLDER = "{option} {path}: the folder {folder} does not exist or cannot be written to"
ERR_OUTPUT_IS_FOLDER = "{option} {path} is a folder: give the file to write"


class ScanError(Exception):
    """A problem the user can fix (missing source, bad hash set, refused kit, foreign checkpoint)."""


@dataclass
class ScanOptions:
    source: str
    json_out: str
    hashsets: list[str] = field(default_factory=list)
    known_good: list[str] = field(default_factory=list)
    kit: str | None = None
    kit_keys: list[str] = field(default_factory=list)
    workers: int | None = None
    html_out: str | None = None
    manifest_out: str | None = None
    vics_out: str | None = None
    resume: bool = False
    progress: bool = True
    pdq: bool = True
    decode_max_side: int | None = None
    command: list[str] = field(default_factory=list)


def load_sets(opts: ScanOptions, policy: Policy) -> tuple[list[ParsedHashSet], Kit | None]:
    sets: list[ParsedHashSet] = []
    kit = _open_kit(opts.kit, opts.kit_keys, policy, sets) if opts.kit else None
    try:
        for path in opts.hashsets:
            sets.append(import_hashset_file(path, name=os.path.basename(path), policy=policy, role=KNOWN_BAD))
        for path in opts.known_good:
            sets.append(
                import_hashset_file(path, name=os.path.basename(path), policy=policy, role=KNOWN_GOOD)
            )
    except HashSetError as exc:
        raise ScanError(str(exc)) from None
    return sets, kit


def _open_kit(path: str, keys: list[str], policy: Policy, sets: list[ParsedHashSet]) -> Kit:
    """Verify the triage kit and add its sets. The kit module (cryptography) is imported only here: a scan's
    start-up is on its clock."""
    from .kit import KitError, open_kit, read_public_key

    try:
        trusted = [read_public_key(k) for k in [*policy.get("triage.kit_trusted_keys"), *keys]]
        kit = open_kit(path, trusted_keys=trusted)
        for ks in kit.sets:
            sets.append(import_hashset_file(ks.path, name=ks.name, policy=policy, role=ks.role))
    except (HashSetError, KitError) as exc:
        raise ScanError(str(exc)) from None
    return kit


def _batches(refs: list[FileRef]) -> Iterator[list[FileRef]]:
    batch: list[FileRef] = []
    size = 0
    for ref in refs:
        if batch and (len(batch) >= BATCH_FILES or size + ref.size > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(ref)
        size += ref.size
    if batch:
        yield batch


def _largest_first(refs: list[FileRef]) -> list[FileRef]:
    """Files that fill a batch alone, largest first, then the rest in listing order."""
    alone = sorted((r for r in refs if r.size >= BATCH_BYTES), key=lambda r: r.size, reverse=True)
    return [*alone, *(r for r in refs if r.size < BATCH_BYTES)]


def worker_options(policy: Policy, opts: ScanOptions) -> worker.WorkerOptions:
    return worker.WorkerOptions(
        pdq=opts.pdq,
        video=opts.pdq,
        min_quality=int(policy.get("triage.pdq_min_quality")),
        min_side=int(policy.get("triage.min_image_side")),
        max_image_bytes=int(policy.get("triage.max_image_bytes")),
        vpdq_seconds_per_hash=float(policy.get("triage.vpdq_seconds_per_hash")),
        zip_max_members=int(policy.get("triage.zip_max_members")),
        decode_max_side=opts.decode_max_side,
        jpeg_decode_min_side=int(policy.get("triage.pdq_jpeg_decode_min_side")),
    )


def _identity(spec: SourceSpec) -> dict[str, Any]:
    """What a checkpoint must match to be resumed: the same image file, or the same folder path.

    A folder's own mtime is left out: writing the report or checkpoint into it would change it.
    """
    identity: dict[str, Any] = {"path": spec.path, "kind": spec.kind, "segments": list(spec.segments)}
    if spec.kind != "folder":
        st = os.stat(spec.path)
        identity.update(size=st.st_size, mtime_ns=st.st_mtime_ns)
    return identity


class _Progress:
    """Files/s and MB/s on stderr (tqdm, imported only when shown)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="triage", file=sys.stderr, dynamic_ncols=True)
        self.start = time.monotonic()
        self.bytes = 0

    def advance(self, files: int, nbytes: int) -> None:
        self.bytes += nbytes
        if self.bar is not None:
            elapsed = max(time.monotonic() - self.start, 1e-6)
            self.bar.set_postfix_str(f"{self.bytes / elapsed / 1e6:.1f} MB/s", refresh=False)
            self.bar.update(files)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _threads() -> int:
    """Threads of this process as the kernel counts them (C-level pools included), or 0 if unknown."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            # Field 20 (num_threads); split after the command name, which may itself contain spaces.
            return int(fh.read().rsplit(b")", 1)[1].split()[17])
    except (OSError, IndexError, ValueError):
        return 0


def start_pool(spec: SourceSpec, workers: int, wopts: worker.WorkerOptions) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, forked now if this process has a single thread (see the module
    docstring), else started through a forkserver."""
    ctx: BaseContext
    if _threads() == 1:
        ctx = multiprocessing.get_context("fork")
    else:
        ctx = multiprocessing.get_context("forkserver")
        # Workers fork from a server with pytsk3 loaded, and numpy/Pillow/vpdq only when they will be used.
        modules = ["custos.triage.scanner.worker"]
        if wopts.pdq or wopts.video:
            modules += ["custos.triage.scanner.pdq", "custos.triage.scanner.video"]
        ctx.set_forkserver_preload(modules)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=worker.init_worker, initargs=(spec, wopts)
    )
    # A fork pool starts every worker on its first task and only then its manager thread: start them now,
    # while nothing else runs here.
    pool.submit(int)
    return pool


def _run_pool(
    spec: SourceSpec,
    pending: list[FileRef],
    pool: ProcessPoolExecutor | None,
    workers: int,
    wopts: worker.WorkerOptions,
    ckpt: Checkpoint,
    progress: _Progress,
    verify: bool,
) -> int:
    processed_bytes = 0
    if pool is None:
        worker.init_worker(spec, wopts)
        if verify:
            ckpt.add_side("verification", verify_ewf(spec.segments))
        for batch in _batches(pending):
            records, nbytes = worker.process_batch(batch)
            ckpt.add_records(records)
            processed_bytes += nbytes
            progress.advance(len(batch), nbytes)
        return processed_bytes
    ordered = _largest_first(pending)
    before = progress.bytes
    try:
        return _drive_pool(pool, spec, ordered, workers, ckpt, progress, verify)
    except BrokenProcessPool:
        if not (wopts.use_mmap and spec.kind == "folder"):
            raise
    remaining = [r for r in ordered if r.key not in ckpt.records]
    with start_pool(spec, workers, replace(wopts, use_mmap=False)) as retry:
        _drive_pool(retry, spec, remaining, workers, ckpt, progress, verify=False)
    return progress.bytes - before


def _drive_pool(
    pool: ProcessPoolExecutor,
    spec: SourceSpec,
    pending: list[FileRef],
    workers: int,
    ckpt: Checkpoint,
    progress: _Progress,
    verify: bool,
) -> int:
    """Keep ``2 x workers`` batches in flight; record each batch as it finishes."""
    processed_bytes = 0
    inflight: dict[Future[Any], int] = {}
    verification: Future[dict[str, Any]] | None = pool.submit(verify_ewf, spec.segments) if verify else None
    batches = _batches(pending)
    try:
        while True:
            while len(inflight) < 2 * workers:
                todo = next(batches, None)
                if todo is None:
                    break
                inflight[pool.submit(worker.process_batch, todo)] = len(todo)
            if not inflight:
                break
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for fut in done:
                count = inflight.pop(fut)
                records, nbytes = fut.result()
                ckpt.add_records(records)
                processed_bytes += nbytes
                progress.advance(count, nbytes)
        if verification is not None:
            ckpt.add_side("verification", verification.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    return processed_bytes


def _ordered(refs: list[FileRef], records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    children: dict[str, list[dict[str, Any]]] = {}
    for rec in records.values():
        if rec.get("container") is not None:
            parent = rec.get("parent_key") or rec["key"].rsplit("!/", 1)[0]
            children.setdefault(parent, []).append(rec)
    out: list[dict[str, Any]] = []
    for ref in refs:
        found = records.get(ref.key)
        if found is None:
            continue
        rec = found
        out.append(rec)
        out.extend(sorted(children.get(ref.key, []), key=lambda r: r["path"]))
    return out


def _source_section(spec: SourceSpec, listing: SourceListing, ckpt: Checkpoint) -> dict[str, Any]:
    section: dict[str, Any] = {
        "path": spec.path,
        "kind": spec.kind,
        "segments": list(spec.segments),
        "media_size": listing.media_size,
        "volumes": listing.volumes,
        "errors": listing.errors,
    }
    if spec.kind == "ewf":
        section["verification"] = ckpt.side.get("verification")
        section["case_metadata"] = listing.metadata
    return section


def _thumbnails(
    files: list[dict[str, Any]],
    refs: dict[str, FileRef],
    spec: SourceSpec,
    wopts: worker.WorkerOptions,
    policy: Policy,
) -> dict[str, bytes]:
    """Thumbnails of NON-matching images only; a matched image is never decoded for display."""
    from .pdq import thumbnail_jpeg

    limit = int(policy.get("triage.html_thumbnail_limit"))
    px = int(policy.get("triage.html_thumbnail_px"))
    worker.init_worker(spec, wopts)
    out: dict[str, bytes] = {}
    for rec in files:
        if len(out) >= limit:
            break
        if rec.get("matches") or rec.get("kind") != "image" or not rec.get("md5"):
            continue
        key = rec["key"]
        member = None
        if rec.get("container") is not None:
            parent = rec.get("parent_key") or key.rsplit("!/", 1)[0]
            key, member = parent, key[len(parent) + 2 :]
        ref = refs.get(key)
        if ref is None:
            continue
        data = worker.read_bytes_for_thumbnail(ref, member, wopts.max_image_bytes)
        thumb = thumbnail_jpeg(data, px) if data else None
        if thumb:
            out[rec["path"]] = thumb
    return out


def _nothing_read(spec: SourceSpec, listing: SourceListing, files: list[dict[str, Any]]) -> bool:
    """An image on which no volume's file system could be opened (an empty but readable one is read)."""
    if spec.kind == "folder" or files:
        return False
    return not any(v.get("file_system") and not v.get("error") for v in listing.volumes)


def _check_outputs(opts: ScanOptions) -> None:
    """Refuse before reading anything when an output cannot be written: a large image can take hours, and
    the report and checkpoint would otherwise fail at the end (or the checkpoint at the start) with an
    OSError traceback."""
    for option, path in (
        ("--json", opts.json_out),
        ("--html", opts.html_out),
        ("--manifest", opts.manifest_out),
        ("--vics", opts.vics_out),
    ):
        if not path:
            continue
        if os.path.isdir(path):
            raise ScanError(ERR_OUTPUT_IS_FOLDER.format(option=option, path=path))
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
            raise ScanError(ERR_OUTPUT_FOLDER.format(option=option, path=path, folder=folder))


def scan(opts: ScanOptions, *, policy: Policy) -> dict[str, Any]:
    """Run a scan and write the requested outputs. Returns the report."""
    started = datetime.now(UTC)
    _check_outputs(opts)
    try:
        spec = detect_source(opts.source)
    except (FileNotFoundError, OSError) as exc:
        raise ScanError(str(exc)) from None
    if opts.manifest_out and spec.kind != "folder":
        raise ScanError(ERR_MANIFEST_FOLDER.format(kind=spec.kind))
    workers = opts.workers or os.cpu_count() or 1
    wopts = worker_options(policy, opts)
    pool = start_pool(spec, workers, wopts) if workers > 1 else None
    try:
        return _scan(opts, spec, pool, workers, wopts, policy=policy, started=started)
    finally:
        if pool is not None:
            pool.shutdown()


def _scan(
    opts: ScanOptions,
    spec: SourceSpec,
    pool: ProcessPoolExecutor | None,
    workers: int,
    wopts: worker.WorkerOptions,
    *,
    policy: Policy,
    started: datetime,
) -> dict[str, Any]:
    sets, kit = load_sets(opts, policy)
    try:
        listing = list_source(spec)
    except OSError as exc:
        raise ScanError(f"cannot read source {spec.path}: {exc}") from None
    try:
        ckpt = Checkpoint(checkpoint_path(opts.json_out), _identity(spec), resume=opts.resume)
    except CheckpointMismatch as exc:
        raise ScanError(str(exc)) from None
    # Our own outputs may sit inside a scanned folder: never scan them.
    outputs = {
        os.path.abspath(p)
        for p in (opts.json_out, opts.html_out, opts.manifest_out, opts.vics_out, ckpt.path)
        if p
    }
    listing.refs = [r for r in listing.refs if r.os_path is None or r.os_path not in outputs]
    done = set(ckpt.records)
    pending = [r for r in listing.refs if r.key not in done]
    resumed = len(listing.refs) - len(pending)
    progress = _Progress(len(pending), opts.progress)
    t0 = time.monotonic()
    try:
        processed_bytes = _run_pool(
            spec,
            pending,
            pool,
            workers,
            wopts,
            ckpt,
            progress,
            verify=spec.kind == "ewf" and "verification" not in ckpt.side,
        )
    finally:
        progress.close()
        ckpt.sync()
    elapsed = time.monotonic() - t0
    files = _ordered(listing.refs, ckpt.records)
    from .matcher import Matcher  # numpy and FAISS: only now, so their threads never meet a fork

    Matcher(sets, policy).apply(files)
    summary = device_verdict(files, policy=policy)
    summary.update(
        files_total=len(files),
        known_good_files=sum(1 for r in files if r.get("known_good")),
        deleted_files=sum(1 for r in files if r.get("deleted")),
        error_files=sum(1 for r in files if r.get("errors")),
        unmatchable_images=sum(1 for r in files if r.get("kind") == "image" and not r.get("pdq_matchable")),
        nothing_read=_nothing_read(spec, listing, files),
    )
    if summary["nothing_read"]:
        summary["likely_iioc_reason"] = NOTHING_READ.format(kind=spec.kind)
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "policy_version": policy.version,
        "generator": {"name": GENERATOR, "version": VERSION},
        "generated_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "source": _source_section(spec, listing, ckpt),
        "hashsets": [s.describe() for s in sets],
        "kit": kit.describe() if kit else None,
        "scan": {
            "started_at": started.isoformat().replace("+00:00", "Z"),
            "workers": workers,
            "files_total": len(files),
            "files_resumed": resumed,
            "files_processed": len(pending),
            "bytes_processed": processed_bytes,
            "seconds": round(elapsed, 3),
            "mb_per_second": round(processed_bytes / max(elapsed, 1e-6) / 1e6, 1),
        },
        "files": [public_record(r) for r in files],
        "summary": summary,
    }
    write_json(report, opts.json_out)
    if opts.manifest_out:
        write_manifest(
            report["files"],
            opts.manifest_out,
            invoked_from=os.getcwd(),
            command=opts.command or ["custos", "triage", "scan", opts.source],
        )
    if opts.vics_out:
        write_vics(report, opts.vics_out, policy=policy)
    if opts.html_out:
        thumbs = _thumbnails(files, {r.key: r for r in listing.refs}, spec, wopts, policy)
        atomic_write(opts.html_out, render_html(report, thumbs).encode("utf-8"))
    ckpt.close(remove=True)
    if kit is not None:
        kit.workdir.cleanup()
    return report
