"""Every way a file is read for hashing gives hashlib's digests: buffered small files, mapped large files,
the largest-first order of the pool, and the rerun without mmap after a worker dies."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, cast

import pytest
from triage_fixtures import encode, synthetic_image

from custos.core.policy import Policy
from custos.triage.scanner import scan as scan_module
from custos.triage.scanner import worker
from custos.triage.scanner.hashing import CHUNK_BYTES
from custos.triage.scanner.pdq import hash_image_bytes
from custos.triage.scanner.scan import BATCH_BYTES, ScanOptions, scan
from custos.triage.scanner.sources import FileRef, SourceSpec, detect_source, list_source

MAP = worker.MMAP_MIN_BYTES
SIZES = [0, 1, 511, CHUNK_BYTES, CHUNK_BYTES + 1, MAP - 1, MAP, MAP + CHUNK_BYTES + 7, 3 * MAP + 5]


def _digests(data: bytes) -> tuple[str, str, str]:
    return (
        hashlib.md5(data, usedforsecurity=False).hexdigest(),
        hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        hashlib.sha256(data).hexdigest(),
    )


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, bytes]:
    root = tmp_path / "src"
    root.mkdir()
    contents = {f"blob_{n}.bin": os.urandom(n) for n in SIZES}
    # A JPEG above the mapping threshold (noise barely compresses) is both mapped and kept for PDQ.
    big = synthetic_image(7, (1800, 1350)).effect_spread(40)
    contents["big.jpg"] = encode(big, "JPEG", quality=98)
    assert len(contents["big.jpg"]) > MAP
    for name, data in contents.items():
        (root / name).write_bytes(data)
    return contents


@pytest.mark.parametrize("use_mmap", [True, False])
def test_buffered_and_mapped_reads_give_hashlib_digests_and_the_same_pdq(
    tree: dict[str, bytes], tmp_path: Path, use_mmap: bool
) -> None:
    spec = detect_source(str(tmp_path / "src"))
    worker.init_worker(spec, worker.WorkerOptions(use_mmap=use_mmap))
    by_name = {}
    for ref in list_source(spec).refs:
        [record] = worker.process_ref(ref)
        by_name[ref.path.rsplit("/", 1)[-1]] = record
    for name, data in tree.items():
        rec = by_name[name]
        assert (rec["md5"], rec["sha1"], rec["sha256"]) == _digests(data), name
        assert rec["size"] == len(data)
        assert not rec["errors"]
    jpeg = by_name["big.jpg"]
    assert jpeg["type"] == "jpeg"
    assert jpeg["pdq"] == hash_image_bytes(tree["big.jpg"], min_quality=50, min_side=5).pdq


def test_pool_scan_of_mapped_files_matches_hashlib(
    tree: dict[str, bytes], tmp_path: Path, policy: Policy
) -> None:
    report = scan(
        ScanOptions(
            source=str(tmp_path / "src"), json_out=str(tmp_path / "r.json"), workers=2, progress=False
        ),
        policy=policy,
    )
    got = {f["path"].rsplit("/", 1)[-1]: (f["md5"], f["sha1"], f["sha256"]) for f in report["files"]}
    assert got == {name: _digests(data) for name, data in tree.items()}
    # The report keeps the listing order whatever order the pool ran the files in.
    assert [f["path"].rsplit("/", 1)[-1] for f in report["files"]] == sorted(tree)


def test_files_that_fill_a_batch_alone_go_first_largest_first() -> None:
    def ref(name: str, size: int) -> FileRef:
        return FileRef(key=name, path=name, size=size)

    refs = [ref("a", 10), ref("b", BATCH_BYTES), ref("c", 5), ref("d", 4 * BATCH_BYTES), ref("e", 7)]
    assert [r.key for r in scan_module._largest_first(refs)] == ["d", "b", "a", "c", "e"]


def test_a_broken_pool_reruns_the_unrecorded_files_once_without_mmap(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[list[str], bool]] = []
    always_dies = False

    class FakeCheckpoint:
        def __init__(self) -> None:
            self.records: dict[str, Any] = {}
            self.side: dict[str, Any] = {}

    ckpt: Any = FakeCheckpoint()

    class FakePool:
        def __init__(self, wopts: worker.WorkerOptions) -> None:
            self.wopts = wopts

        def __enter__(self) -> FakePool:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def drive(pool: FakePool, spec: SourceSpec, pending: list[FileRef], *a: Any, **k: Any) -> int:
        calls.append(([r.key for r in pending], pool.wopts.use_mmap))
        if pool.wopts.use_mmap or always_dies:
            ckpt.records["big"] = {}  # finished before the worker died
            raise BrokenProcessPool("a child process terminated abruptly")
        return 0

    monkeypatch.setattr(scan_module, "_drive_pool", drive)
    monkeypatch.setattr(scan_module, "start_pool", lambda spec, workers, wopts: FakePool(wopts))
    refs = [FileRef("small", "small", 1), FileRef("big", "big", BATCH_BYTES), FileRef("mid", "mid", 2)]
    progress = scan_module._Progress(3, enabled=False)
    spec = SourceSpec(str(tmp_path), "folder", ())
    mapped = worker.WorkerOptions()
    scan_module._run_pool(spec, refs, cast(Any, FakePool(mapped)), 2, mapped, ckpt, progress, verify=False)
    assert calls == [(["big", "small", "mid"], True), (["small", "mid"], False)]

    always_dies = True
    unmapped = worker.WorkerOptions(use_mmap=False)
    with pytest.raises(BrokenProcessPool):  # without mmap a second death is a real failure
        scan_module._run_pool(
            spec,
            refs,
            cast(Any, FakePool(unmapped)),
            2,
            unmapped,
            ckpt,
            progress,
            verify=False,
        )


@pytest.mark.parametrize(
    ("threads", "method"),
    [(1, "fork"), (2, "forkserver"), (0, "forkserver")],
    ids=["alone", "threads", "unknown"],
)
def test_the_pool_forks_only_a_single_threaded_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, threads: int, method: str
) -> None:
    started: list[tuple[str, list[str]]] = []

    class Executor:
        def __init__(self, *, mp_context: Any, **kw: Any) -> None:
            started.append((mp_context.get_start_method(), []))

        def submit(self, fn: Any) -> None:
            started[-1][1].append(fn.__name__)  # the workers are started at once

    monkeypatch.setattr(scan_module, "_threads", lambda: threads)
    monkeypatch.setattr(scan_module, "ProcessPoolExecutor", Executor)
    scan_module.start_pool(SourceSpec(str(tmp_path), "folder", ()), 2, worker.WorkerOptions())
    assert started == [(method, ["int"])]


def test_the_thread_count_is_read_from_the_kernel() -> None:
    import threading

    before = scan_module._threads()
    started, stop = threading.Event(), threading.Event()

    def wait() -> None:
        started.set()
        stop.wait()

    t = threading.Thread(target=wait)
    t.start()
    started.wait()
    try:
        assert scan_module._threads() == before + 1
    finally:
        stop.set()
        t.join()


def test_an_exact_hash_scan_loads_neither_numpy_nor_faiss(tmp_path: Path) -> None:
    """Their start-up (about 0.25 s) and thread pools are paid only when PDQ or vPDQ hashes are in play."""
    import subprocess
    import sys

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_bytes(b"known bad bytes")
    md5 = hashlib.md5(b"known bad bytes", usedforsecurity=False).hexdigest()
    (tmp_path / "set.csv").write_text(f"md5,category\n{md5},A\n")
    program = (
        "import sys, json\n"
        "from custos.core.policy import current_policy\n"
        "from custos.triage.scanner.scan import ScanOptions, scan\n"
        f"r = scan(ScanOptions(source={str(tmp_path / 'src')!r}, json_out={str(tmp_path / 'r.json')!r},"
        f" hashsets=[{str(tmp_path / 'set.csv')!r}], workers=2, progress=False, pdq=False),"
        " policy=current_policy())\n"
        "loaded = [m in sys.modules for m in ('numpy', 'faiss')]\n"
        "print(json.dumps([r['summary']['by_kind']['exact'], *loaded]))\n"
    )
    out = subprocess.run([sys.executable, "-c", program], check=True, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "[1, false, false]"


def test_the_custos_command_hashes_images_on_its_forked_workers(tmp_path: Path) -> None:
    """The command starts single-threaded, so its pool forks; the workers load PDQ's libraries themselves."""
    import json
    import subprocess
    import sys

    src = tmp_path / "src"
    src.mkdir()
    pictures = {f"p{n}.jpg": encode(synthetic_image(n)) for n in range(3)}
    for name, data in pictures.items():
        (src / name).write_bytes(data)
    custos = Path(sys.executable).parent / "custos"
    out = tmp_path / "r.json"
    command = [str(custos), "triage", "scan", str(src), "--workers", "2", "--json", str(out), "--quiet"]
    subprocess.run(command, check=True, capture_output=True)

    report = json.loads(out.read_text())
    assert report["scan"]["workers"] == 2
    found = {Path(f["path"]).name: f["pdq"] for f in report["files"]}
    assert found == {
        name: hash_image_bytes(data, min_quality=0, min_side=1).pdq for name, data in pictures.items()
    }
