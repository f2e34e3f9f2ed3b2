"""Resumable scans: a JSON-lines checkpoint beside the output.

Line 1 identifies the source; each later line is one finished file record (``{"record": {...}}``) or a
finished side task (``{"verification": {...}}``). A task's records are written in one ``write`` with the
archive's own record last, so a file counts as finished only when its last line is complete. A kill can
leave a torn final line: it is discarded and the file truncated to the last whole line before appending.
Records are keyed, so a re-done archive replaces (never duplicates) members written before the kill.
"""

from __future__ import annotations

import json
import os
from typing import Any

CHECKPOINT_VERSION = 1
ERR_OTHER_SOURCE = "checkpoint {path} belongs to another scan ({detail}); remove it or scan without --resume"


class CheckpointMismatch(Exception):
    pass


def checkpoint_path(json_out: str) -> str:
    return f"{json_out}.checkpoint.jsonl"


class Checkpoint:
    def __init__(self, path: str, identity: dict[str, Any], *, resume: bool) -> None:
        self.path = path
        self.records: dict[str, dict[str, Any]] = {}
        self.side: dict[str, Any] = {}
        self.resumed = False
        if resume and os.path.exists(path):
            self._load(identity)
            self.resumed = True
            self._fh = open(path, "ab")  # noqa: SIM115 - held open for the scan
        else:
            self._fh = open(path, "wb")  # noqa: SIM115
            self._write([{"checkpoint": CHECKPOINT_VERSION, "identity": identity}])

    def _load(self, identity: dict[str, Any]) -> None:
        good_end = 0
        with open(self.path, "rb") as fh:
            data = fh.read()
        pos = 0
        first = True
        while pos < len(data):
            nl = data.find(b"\n", pos)
            if nl < 0:
                break  # torn final line
            try:
                item = json.loads(data[pos:nl])
            except json.JSONDecodeError:
                break
            if first:
                if item.get("identity") != identity:
                    raise CheckpointMismatch(ERR_OTHER_SOURCE.format(path=self.path, detail="source differs"))
                first = False
            elif "record" in item:
                self.records[item["record"]["key"]] = item["record"]
            elif "side" in item:
                self.side[item["side"]] = item["value"]
            pos = good_end = nl + 1
        if first:
            raise CheckpointMismatch(ERR_OTHER_SOURCE.format(path=self.path, detail="no header"))
        with open(self.path, "r+b") as fh:
            fh.truncate(good_end)

    def _write(self, items: list[dict[str, Any]]) -> None:
        payload = b"".join(json.dumps(i, separators=(",", ":")).encode() + b"\n" for i in items)
        self._fh.write(payload)
        self._fh.flush()

    def add_records(self, records: list[dict[str, Any]]) -> None:
        for rec in records:
            self.records[rec["key"]] = rec
        self._write([{"record": r} for r in records])

    def add_side(self, name: str, value: Any) -> None:
        self.side[name] = value
        self._write([{"side": name, "value": value}])

    def sync(self) -> None:
        os.fsync(self._fh.fileno())

    def close(self, *, remove: bool) -> None:
        self._fh.close()
        if remove:
            os.unlink(self.path)
