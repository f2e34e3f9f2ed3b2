"""The offline IIOC triage scanner: a pure library (no Django), usable on a forensic workstation.

Modules by domain: ``sources`` (folders, raw/split/E01/qcow2/vmdk/vhd, partitions, file systems, deleted
files), ``hashing``, ``filetype``, ``pdq``, ``video``, ``hashsets``, ``matcher``, ``verdict``, ``report`` and
``html``, ``checkpoint``, ``scan`` (orchestration) and ``kit`` (signed hash-set bundles).
"""

from __future__ import annotations

from .hashsets import HashEntry, HashSetError, ParsedHashSet, import_hashset_file

__all__ = ["HashEntry", "HashSetError", "ParsedHashSet", "import_hashset_file"]
