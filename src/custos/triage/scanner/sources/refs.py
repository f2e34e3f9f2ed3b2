"""What a source yields: a picklable reference to one file, opened again inside a worker process."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class SourceSpec:
    path: str  # absolute path as given (first segment for split/E01)
    kind: str  # folder | raw | split-raw | ewf | qcow2 | vmdk | vhd | vhdx
    segments: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileRef:
    key: str  # stable identity for the checkpoint
    path: str  # what the examiner sees
    size: int
    deleted: bool = False
    volume: int | None = None  # partition index in a disk image
    volume_offset: int = 0  # byte offset of the file system
    inode: int | None = None  # TSK metadata address
    os_path: str | None = None  # folder sources
    dfvfs_spec: str | None = None  # file systems read through dfvfs (serialised path spec)
    timestamps: dict[str, str | None] = field(default_factory=dict, compare=False)
    note: str | None = None  # reason the content cannot be read (e.g. reallocated)
    stream: str | None = None  # NTFS alternate data stream or HFS+ resource fork read instead of the file
    attr_type: int | None = None  # TSK attribute type and id of that stream
    attr_id: int | None = None
    decmpfs: int | None = None  # HFS+ compression type (3, 4, 7, 8) the scanner decodes (sources.decmpfs)


def iso_utc(seconds: float | int | None, nanos: int = 0) -> str | None:
    """Seconds since the epoch to ISO 8601 UTC; 0/None (not recorded) -> None."""
    if not seconds:
        return None
    try:
        moment = datetime.fromtimestamp(float(seconds) + nanos / 1e9, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat().replace("+00:00", "Z")
