"""Resumable scans: kill a scan subprocess midway, resume, and lose, duplicate and re-hash nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from custos.core.policy import Policy
from custos.triage.scanner.checkpoint import Checkpoint, checkpoint_path
from custos.triage.scanner.scan import ScanOptions, scan

FILES = 400


def _tree(root: Path) -> None:
    rng = np.random.default_rng(9)
    for i in range(FILES):
        folder = root / f"d{i // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 2:
            Image.fromarray(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)).save(folder / f"{i:05d}.png")
        else:
            (folder / f"{i:05d}.bin").write_bytes(rng.bytes(20_000 + i))


def _record_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b'{"record":')
    except FileNotFoundError:
        return 0


def test_killed_scan_resumes_without_lost_duplicated_or_rehashed_files(
    tmp_path: Path, policy: Policy
) -> None:
    root = tmp_path / "tree"
    _tree(root)
    out = tmp_path / "report.json"
    ckpt = Path(checkpoint_path(str(out)))
    cmd = [
        sys.executable,
        "-m",
        "custos.triage.cli",
        "triage",
        "scan",
        str(root),
        "--json",
        str(out),
        "--workers",
        "2",
        "--quiet",
    ]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while _record_lines(ckpt) < 64:
            assert proc.poll() is None, f"scan ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "scan made no progress"
            time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the scan and its pool workers, by process group id
        proc.wait()
    assert not out.exists()
    finished_before = _record_lines(ckpt)
    assert 64 <= finished_before < FILES

    report = scan(
        ScanOptions(source=str(root), json_out=str(out), workers=2, resume=True, progress=False),
        policy=policy,
    )

    paths = [f["path"] for f in report["files"]]
    assert len(paths) == len(set(paths)) == FILES
    assert set(paths) == {str(p) for p in root.rglob("*") if p.is_file()}
    resumed = report["scan"]["files_resumed"]
    assert resumed >= finished_before - 64  # at most the torn last batch is redone
    assert report["scan"]["files_processed"] == FILES - resumed
    assert all(f["md5"] for f in report["files"])
    assert not ckpt.exists()  # removed once the report is written
    assert json.loads(out.read_text())["scan"]["files_total"] == FILES


def test_checkpoint_discards_a_torn_last_line_and_keeps_whole_ones(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    identity = {"path": "/x"}
    first = Checkpoint(str(path), identity, resume=False)
    first.add_records([{"key": "a", "md5": "1"}, {"key": "b", "md5": "2"}])
    first.close(remove=False)
    with open(path, "ab") as fh:
        fh.write(b'{"record":{"key":"c","md')  # killed mid-write
    again = Checkpoint(str(path), identity, resume=True)
    assert sorted(again.records) == ["a", "b"]
    again.add_records([{"key": "c", "md5": "3"}, {"key": "b", "md5": "2"}])
    again.close(remove=False)
    final = Checkpoint(str(path), identity, resume=True)
    assert sorted(final.records) == ["a", "b", "c"]
    final.close(remove=False)
    assert all(json.loads(line) for line in path.read_text().splitlines())


def test_outputs_written_inside_the_scanned_folder_are_never_scanned(tmp_path: Path, policy: Policy) -> None:
    (tmp_path / "a.txt").write_bytes(b"abc")
    out = tmp_path / "report.json"
    Checkpoint(checkpoint_path(str(out)), {"path": "stale"}, resume=False).close(remove=False)
    opts = ScanOptions(
        source=str(tmp_path), json_out=str(out), html_out=str(tmp_path / "r.html"), workers=1, progress=False
    )
    first = scan(opts, policy=policy)
    assert [f["path"].rsplit("/", 1)[-1] for f in first["files"]] == ["a.txt"]
    again = scan(opts, policy=policy)  # report.json and r.html now exist in the folder
    assert [f["path"].rsplit("/", 1)[-1] for f in again["files"]] == ["a.txt"]
