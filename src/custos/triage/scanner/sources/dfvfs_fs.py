"""File systems The Sleuth Kit cannot read (APFS, XFS, encrypted-then-unlocked volumes, ...) through dfvfs.

Used only when TSK finds no file system on the media. dfvfs lists allocated entries only, so files found
this way are never flagged deleted. Path specs cross to the workers as dfvfs JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .refs import FileRef

_MAX_DEPTH = 64


def _file_system_specs(path: str) -> list[Any]:
    from dfvfs.helpers import source_scanner
    from dfvfs.lib import definitions

    ctx = source_scanner.SourceScannerContext()
    ctx.OpenSourcePath(path)
    source_scanner.SourceScanner().Scan(ctx)
    found: list[Any] = []
    stack = [ctx.GetRootScanNode()]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if node.type_indicator in definitions.FILE_SYSTEM_TYPE_INDICATORS:
            found.append(node.path_spec)
        stack.extend(reversed(node.sub_nodes))
    return found


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    try:
        text = value.CopyToDateTimeStringISO8601()
    except (AttributeError, ValueError):
        return None
    return str(text).replace("+00:00", "Z") if text else None


def serialise(path_spec: Any) -> str:
    from dfvfs.serializer import json_serializer

    return str(json_serializer.JsonPathSpecSerializer.WriteSerialized(path_spec))


def open_serialised(spec: str) -> Any:
    """A dfvfs file object (seek/read) for a serialised path spec."""
    from dfvfs.resolver import resolver
    from dfvfs.serializer import json_serializer

    return resolver.Resolver.OpenFileObject(json_serializer.JsonPathSpecSerializer.ReadSerialized(spec))


def walk_dfvfs(path: str, errors: list[dict[str, str]]) -> tuple[list[dict[str, Any]], list[FileRef]]:
    """(volumes, files) for every file system dfvfs finds under ``path``."""
    from dfvfs.lib import errors as dfvfs_errors
    from dfvfs.resolver import resolver

    volumes: list[dict[str, Any]] = []
    refs: list[FileRef] = []
    try:
        specs = _file_system_specs(path)
    except (dfvfs_errors.Error, OSError) as exc:
        errors.append({"path": path, "error": f"dfvfs could not scan the source: {exc}"})
        return volumes, refs
    for index, fs_spec in enumerate(specs, start=1):
        volume = {
            "index": index,
            "offset": None,
            "length": None,
            "description": "dfvfs",
            "table": None,
            "file_system": str(fs_spec.type_indicator).lower(),
            "reader": "dfvfs",
        }
        volumes.append(volume)
        prefix = f"p{index}:" if len(specs) > 1 else ""
        try:
            root = resolver.Resolver.OpenFileEntry(fs_spec)
        except (dfvfs_errors.Error, OSError) as exc:
            volume["error"] = f"dfvfs could not open the file system: {exc}"
            continue
        refs.extend(_walk(root, index, prefix, errors))
    return volumes, refs


def _walk(root: Any, index: int, prefix: str, errors: list[dict[str, str]]) -> Iterator[FileRef]:
    stack: list[tuple[Any, str, int]] = [(root, "", 0)]
    while stack:
        entry, base, depth = stack.pop()
        try:
            children = sorted(entry.sub_file_entries, key=lambda e: e.name or "")
        except Exception as exc:
            errors.append({"path": f"{prefix}{base or '/'}", "error": f"cannot read directory: {exc}"})
            continue
        subdirs = []
        for child in children:
            path = f"{base}/{child.name}"
            if child.IsDirectory() and depth < _MAX_DEPTH:
                subdirs.append((child, path, depth + 1))
            elif child.IsFile():
                yield FileRef(
                    key=f"d{index}:{path}",
                    path=f"{prefix}{path}",
                    size=int(child.size or 0),
                    volume=index,
                    dfvfs_spec=serialise(child.path_spec),
                    timestamps={
                        "modified": _iso(child.modification_time),
                        "accessed": _iso(child.access_time),
                        "changed": _iso(child.change_time),
                        "born": _iso(child.creation_time),
                    },
                )
        stack.extend(reversed(subdirs))
