"""The offline IIOC triage scanner: a pure library (no Django), usable on a forensic workstation.

Modules by domain: ``sources`` (folders, raw/split/E01/qcow2/vmdk/vhd, partitions, file systems, deleted
files), ``hashing``, ``filetype``, ``pdq``, ``video``, ``hashsets``, ``matcher``, ``verdict``, ``report`` and
``html``, ``checkpoint``, ``scan`` (orchestration) and ``kit`` (signed hash-set bundles).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .hashsets import HashEntry, HashSetError, ParsedHashSet, import_hashset_file

__all__ = ["HashEntry", "HashSetError", "ParsedHashSet", "import_hashset_file"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: a scan worker imports this package, and hash sets pull in numpy, which a
    # hash-only worker never needs (its start-up is on the scan's wall clock).
    if name in __all__:
        from . import hashsets

        return getattr(hashsets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
