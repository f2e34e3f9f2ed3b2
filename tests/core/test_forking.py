"""forked_map: results in order from forked workers reading inherited data; failures reach the caller."""

from __future__ import annotations

import os

import pytest

from custos.core import forking
from custos.core.forking import WorkerFailed, forked_map, keep_until_exit

# Built before the fork and read by the workers from inherited memory (never pickled to them).
_DATA = list(range(10_000))


def _sum_part(part: int, parts: int) -> tuple[int, int, int]:
    return part, sum(_DATA[part::parts]), os.getpid()


def _fail_in_part(part: int) -> int:
    if part == 1:
        raise ValueError(f"part {part} cannot be planned")
    return part


def _exit_abruptly(part: int) -> int:
    if part == 0:
        os._exit(3)
    return part


def test_each_worker_computes_its_part_in_its_own_process_and_results_keep_their_order() -> None:
    results = forked_map(_sum_part, [(k, 3) for k in range(3)])

    assert [part for part, _, _ in results] == [0, 1, 2]
    assert sum(total for _, total, _ in results) == sum(_DATA)
    pids = {pid for _, _, pid in results}
    assert len(pids) == 3 and os.getpid() not in pids


def test_one_item_runs_here_without_forking() -> None:
    ((part, total, pid),) = forked_map(_sum_part, [(0, 1)])
    assert (part, total, pid) == (0, sum(_DATA), os.getpid())


def test_an_exception_in_a_worker_is_raised_here_with_its_traceback() -> None:
    with pytest.raises(WorkerFailed, match="part 1 cannot be planned") as err:
        forked_map(_fail_in_part, [(0,), (1,)])
    assert "ValueError" in str(err.value) and "_fail_in_part" in str(err.value)


def test_a_worker_that_dies_without_a_result_is_reported() -> None:
    with pytest.raises(WorkerFailed, match="died without a result"):
        forked_map(_exit_abruptly, [(0,), (1,)])


def test_keeping_objects_until_exit_does_nothing_outside_a_worker() -> None:
    before = len(forking._KEPT)
    keep_until_exit(object())
    assert len(forking._KEPT) == before


def _timed(n: int, seconds: float) -> tuple[int, float, float, int]:
    import time

    began = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on the machine
    time.sleep(seconds)
    return n, began, time.monotonic(), os.getpid()


def test_at_most_processes_items_run_at_once_and_each_result_is_reported_as_it_arrives() -> None:
    # Item 0 is long: with two at a time, the short ones run one after another beside it.
    durations = [0.6, 0.1, 0.1, 0.1, 0.1]
    arrived: list[int] = []

    results = forked_map(
        _timed,
        [(n, d) for n, d in enumerate(durations)],
        processes=2,
        on_result=lambda i, v: arrived.append(i),
    )

    assert [n for n, _, _, _ in results] == [0, 1, 2, 3, 4]
    assert sorted(arrived) == [0, 1, 2, 3, 4] and arrived[-1] == 0  # the long item finishes last
    spans = [(began, ended) for _, began, ended, _ in results]
    for began, _ in spans:
        overlapping = sum(1 for b, e in spans if b <= began < e)
        assert overlapping <= 2
    assert len({pid for *_, pid in results}) == 5


def test_one_process_runs_every_item_here_in_order() -> None:
    arrived: list[int] = []
    results = forked_map(
        _sum_part, [(k, 2) for k in range(2)], processes=1, on_result=lambda i, v: arrived.append(i)
    )
    assert arrived == [0, 1] and {pid for *_, pid in results} == {os.getpid()}
