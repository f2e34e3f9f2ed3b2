"""Two allocation runs in parallel on PostgreSQL never double-allocate a crime or push anyone over a cap.

Real concurrency needs real row locks: SQLite serialises writers, so this runs only on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from custos.allocation.engine import caseload_cap
from custos.allocation.inputs import build_investigators
from custos.allocation.models import Allocation
from custos.allocation.services import allocation_run
from custos.core.policy import current_policy
from custos.crimes.models import Crime
from tests.crimes.factories import Unit

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT ... FOR UPDATE) under real concurrency")


def together[R](n: int, fn: Callable[[], R]) -> list[R]:
    """Run ``fn`` in ``n`` threads released at the same moment, each on its own connection; any thread's
    exception fails the test here."""
    results: list[R] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run() -> None:
        try:
            barrier.wait()
            results.append(fn())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def test_parallel_runs_never_double_allocate_or_exceed_a_cap(unit: Any) -> None:
    from datetime import date

    # More crimes than the unit can hold: the caps, not the supply of crimes, bound the result.
    for _ in range(70):
        unit.crime(offence="theft-other")
    together(3, lambda: allocation_run(actor=unit.supervisor, borough=unit.borough))

    allocated = Crime.objects.filter(officer__isnull=False)
    # Every allocated crime has exactly one current allocation record, and no crime was allocated twice.
    assert Allocation.objects.filter(current=True).count() == allocated.count()
    assert Allocation.objects.count() == allocated.count()
    policy = current_policy()
    investigators, _, pks = build_investigators(borough=unit.borough, today=date.today(), policy=policy)
    for inv in investigators:
        held = Crime.objects.filter(officer_id=pks[inv.id], status="open").count()
        assert held <= caseload_cap(inv, policy=policy), f"{inv.id} holds {held}"


def test_two_workers_claiming_one_job_at_once_run_it_once(unit: Any) -> None:
    from custos.allocation import jobs
    from custos.allocation.models import AllocationJob, AllocationRun

    for _ in range(4):
        unit.crime(offence="theft-other")
    job = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=False)
    outcomes = together(3, lambda: jobs.execute(job.pk))

    assert sorted(outcomes) == ["done", "skipped", "skipped"]
    assert AllocationRun.objects.count() == 1 and AllocationJob.objects.get().status == "done"
    assert Allocation.objects.filter(crime__borough=unit.borough).count() == 4
