"""A folder on the workstation (an exported phone dump, a mounted card)."""

from __future__ import annotations

import os
from collections.abc import Iterator

from .refs import FileRef, iso_utc


def walk_folder(root: str, errors: list[dict[str, str]]) -> Iterator[FileRef]:
    """Regular files under ``root`` in a stable order. Symlinks are not followed (may leave the source)."""
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            errors.append({"path": directory, "error": f"cannot list directory: {exc.strerror}"})
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    subdirs.append(entry.path)
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                errors.append({"path": entry.path, "error": f"cannot stat: {exc.strerror}"})
                continue
            rel = os.path.relpath(entry.path, root)
            yield FileRef(
                key=f"f:{rel}",
                path=os.path.abspath(entry.path),
                size=st.st_size,
                os_path=os.path.abspath(entry.path),
                timestamps={
                    "modified": iso_utc(st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9),
                    "accessed": iso_utc(st.st_atime_ns // 10**9, st.st_atime_ns % 10**9),
                    "changed": iso_utc(st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9),
                    "born": None,  # Linux stat() does not expose birth time
                },
            )
        stack.extend(reversed(subdirs))
