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
import selectors
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


def forked_map[R](
    fn: Callable[..., R],
    arguments: Sequence[tuple[Any, ...]],
    *,
    processes: int | None = None,
    on_result: Callable[[int, R], None] | None = None,
) -> list[R]:
    """``[fn(*a) for a in arguments]``, one forked process per item (results in order).

    ``processes`` caps how many run at once (None: all at once); the next item is forked as soon as one
    finishes, so items of very different cost still keep every core busy. ``on_result(index, value)`` is
    called here, in the parent, as each item's result arrives (for progress reports).

    Raises `WorkerFailed` with the worker's traceback if any worker raised or died.
    """
    if len(arguments) <= 1 or processes == 1:
        results = []
        for n, a in enumerate(arguments):
            results.append(fn(*a))
            if on_result is not None:
                on_result(n, results[-1])
        return results
    limit = len(arguments) if processes is None else max(1, processes)
    # Move everything built so far out of the collector's reach: a collection in a worker would otherwise
    # walk (and so write to, and copy) every inherited page of the parent's data.
    gc.freeze()
    started: list[int] = []
    running: dict[int, tuple[int, int]] = {}  # read fd -> (item index, pid)
    received: dict[int, bytearray] = {}
    values: dict[int, R] = {}
    failures: list[str] = []
    try:
        with selectors.DefaultSelector() as waiting:
            next_item = 0
            while next_item < len(arguments) or running:
                while next_item < len(arguments) and len(running) < limit and not failures:
                    read_fd, pid = _fork(fn, arguments[next_item])
                    started.append(pid)
                    running[read_fd] = (next_item, pid)
                    received[read_fd] = bytearray()
                    waiting.register(read_fd, selectors.EVENT_READ)
                    next_item += 1
                if not running:
                    break
                for key, _ in waiting.select():
                    fd = int(key.fd)
                    chunk = os.read(fd, 1 << 20)
                    if chunk:
                        received[fd] += chunk
                        continue
                    waiting.unregister(fd)
                    os.close(fd)
                    index, pid = running.pop(fd)
                    data = bytes(received.pop(fd))
                    if not data:
                        _, status = os.waitpid(pid, 0)
                        failures.append(f"worker {pid} died without a result (wait status {status})")
                        continue
                    ok, value = pickle.loads(data)  # noqa: S301  (our own forked child, through a pipe)
                    if not ok:
                        failures.append(value)
                        continue
                    values[index] = value
                    if on_result is not None:
                        on_result(index, value)
        if failures:
            raise WorkerFailed("\n".join(failures))
        return [values[n] for n in range(len(arguments))]
    finally:
        gc.unfreeze()
        for pid in started:
            threading.Thread(target=_reap, args=(pid,), daemon=True).start()


def _fork(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[int, int]:
    """Fork one worker for ``fn(*args)``: returns (the parent's read end of its pipe, its pid)."""
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        # Python warns when forking a process that has other OS threads: here they are the idle worker
        # pools of native libraries (OpenBLAS under numpy/scipy), which the children never call; the
        # children run pure Python on inherited data and hold no lock those threads share.
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _run_in_worker(fn, args, write_fd)
    os.close(write_fd)
    return read_fd, pid


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # already reaped (a worker that died is waited for above)
        os.waitpid(pid, 0)
