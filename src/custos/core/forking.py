"""Running a pure function over large in-memory inputs on every core, without pickling the inputs.

`forked_map` forks worker processes *after* the inputs are built, so each worker reads its slice from the
copy-on-write memory it inherited; only the slice's index goes to the worker and only the (small) result
comes back. The workers must not touch the database: they inherit the parent's connection objects, so they
do pure work and exit without closing anything (multiprocessing ends them with ``os._exit``).
"""

from __future__ import annotations

import gc
import multiprocessing
import warnings
from collections.abc import Callable, Sequence
from typing import Any

_PENDING: tuple[Callable[..., Any], Sequence[tuple[Any, ...]]] | None = None


def _call(index: int) -> Any:
    assert _PENDING is not None  # set by forked_map before the fork
    fn, arguments = _PENDING
    return fn(*arguments[index])


def forked_map[R](fn: Callable[..., R], arguments: Sequence[tuple[Any, ...]]) -> list[R]:
    """``[fn(*a) for a in arguments]``, one forked process per item (in order)."""
    global _PENDING
    if len(arguments) <= 1:
        return [fn(*a) for a in arguments]
    _PENDING = (fn, arguments)
    # Move everything built so far out of the collector's reach: a collection in a worker would otherwise
    # walk (and so write to, and copy) every inherited page of the parent's data.
    gc.freeze()
    try:
        with warnings.catch_warnings():
            # Python warns when forking a process that has other OS threads: here they are the idle
            # worker pools of native libraries (OpenBLAS under numpy/scipy), which the children never
            # call; the children run pure Python on inherited data and hold no lock those threads share.
            warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
            with multiprocessing.get_context("fork").Pool(len(arguments)) as pool:
                return pool.map(_call, range(len(arguments)), chunksize=1)
    finally:
        gc.unfreeze()
        _PENDING = None
