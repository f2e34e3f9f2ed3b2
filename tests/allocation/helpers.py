"""Small builders for allocation tests: a crime and an investigator with sensible defaults."""

from __future__ import annotations

from typing import Any

from custos.allocation.engine import CrimeToAllocate, Investigator
from custos.core.policy import Policy, load_policy


def policy(**overrides: Any) -> Policy:
    base = load_policy()
    return base.with_overrides({f"allocation.{k}": v for k, v in overrides.items()}) if overrides else base


def crime(
    id: str = "CR1",
    *,
    borough: str = "B1",
    team: str = "A",
    tier: str = "T1",
    required_pip: int | None = None,
    **kw: Any,
) -> CrimeToAllocate:
    return CrimeToAllocate(
        id=id,
        borough=borough,
        team=team,
        tier=tier,
        required_pip=int(tier[1]) if required_pip is None else required_pip,
        **kw,
    )


def officer(
    id: str = "OFF1", *, borough: str = "B1", team: str = "A", pip: int = 1, **kw: Any
) -> Investigator:
    return Investigator(id=id, borough=borough, team=team, pip=pip, **kw)


def work_the_queue() -> list[Any]:
    """What `custos worker` does with each waiting task: claim it and call it with its stored arguments."""
    from django_tasks_db.models import DBTaskResult

    done = []
    for row in DBTaskResult.objects.ready().order_by("enqueued_at"):
        row.claim("test-worker")
        value = row.task.call(*row.task_result.args, **row.task_result.kwargs)
        row.set_successful(value)
        done.append(value)
    return done
