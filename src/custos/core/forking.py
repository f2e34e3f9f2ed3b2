"""Running a pure function over large in-memory inputs on every core, without pickling the inputs.

`forked_map` forks one worker process per item *after* the inputs are built, so each worker reads its slice
from the copy-on-write memory it inherited; only the (small) result comes back, pickled through a pipe. The
workers must not touch the database: they inherit the parent's connection objects, so they do pure work and
leave with ``os._exit``, which closes nothing and runs no finaliser.

Why not ``multiprocessing.Pool``: after the last result arrives a pool joins its workers, and each worker's
exit (the kernel freeing the pages it copied and the objects it built) then adds up to a second to the
caller's wall clock at national scale. Here the parent has its results as soon as each worker has written
them; the exits are reaped by a background thread.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

_IN_WORKER = False
_KEPT: list[Any] = []


class WorkerFailed(RuntimeError):
    """A forked worker raised, or died before sending its result."""


def keep_until_exit(*objects: Any) -> None:
    """In a forked worker, keep ``objects`` alive until the worker exits (a no-op in any other process).

    A worker's big intermediate structures would otherwise be freed object by object when its function
    returns, a needless cost in a process that is about to end and give all its memory back at once.
    """
    if _IN_WORKER:
        _KEPT.append(objects)


def _run_in_worker(fn: Callable[..., Any], arguments: tuple[Any, ...], write_fd: int) -> None:
    """The forked child: run, send ``(ok, result or error text)``, leave without cleaning up."""
    global _IN_WORKER
    _IN_WORKER = True
    status = 0
    try:
        gc.disable()  # pure work on inherited data; the process ends straight after
        try:
            payload = pickle.dumps((True, fn(*arguments)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # reported to the parent, which raises it there
            import traceback

            payload = pickle.dumps((False, "".join(traceback.format_exception(exc))))
            status = 1
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
    finally:
        os._exit(status)


def forked_map[R](fn: Callable[..., R], arguments: Sequence[tuple[Any, ...]]) -> list[R]:
    """``[fn(*a) for a in arguments]``, one forked process per item (results in order).

    Raises `WorkerFailed` with the worker's traceback if any worker raised or died.
    """
    if len(arguments) <= 1:
        return [fn(*a) for a in arguments]
    # Move everything built so far out of the collector's reach: a collection in a worker would otherwise
    # walk (and so write to, and copy) every inherited page of the parent's data.
    gc.freeze()
    workers: list[tuple[int, int]] = []
    try:
        with warnings.catch_warnings():
            # Python warns when forking a process that has other OS threads: here they are the idle
            # worker pools of native libraries (OpenBLAS under numpy/scipy), which the children never
            # call; the children run pure Python on inherited data and hold no lock those threads share.
            warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
            for args in arguments:
                read_fd, write_fd = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(read_fd)
                    _run_in_worker(fn, args, write_fd)
                os.close(write_fd)
                workers.append((pid, read_fd))
        results: list[R] = []
        failures: list[str] = []
        for pid, read_fd in workers:
            with os.fdopen(read_fd, "rb") as pipe:
                data = pipe.read()
            if not data:
                _, status = os.waitpid(pid, 0)
                failures.append(f"worker {pid} died without a result (wait status {status})")
                continue
            ok, value = pickle.loads(data)  # noqa: S301  (written by our own forked child, through a pipe)
            if ok:
                results.append(value)
            else:
                failures.append(value)
        if failures:
            raise WorkerFailed("\n".join(failures))
        return results
    finally:
        gc.unfreeze()
        for pid, _ in workers:
            threading.Thread(target=_reap, args=(pid,), daemon=True).start()


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # already reaped (a worker that died is waited for above)
        os.waitpid(pid, 0)
