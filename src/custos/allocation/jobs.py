"""Batch runs and what-if simulations as background jobs, done by the worker (``custos worker``).

A borough's batch takes seconds, the force's minutes (decision 0002, docs/performance.md): too long to hold
a web request open, and a web server that times the request out would stop the run part-way. So a screen or
API client asks for a job; the request records it and enqueues the task in one transaction (never a job
without its task, nor a task without its job); the worker claims the job once, with a conditional update
from queued to running, runs the same services a request would, as the person who asked, and stores the
result on the job. The job's page polls until it is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custos.allocation import inputs, services
from custos.allocation.engine import simulate
from custos.allocation.models import AllocationJob, JobKind, JobStatus
from custos.core import audit
from custos.core.access import scope_of
from custos.core.policy import current_policy
from custos.workforce.models import Borough

logger = logging.getLogger(__name__)

REFUSED = "The {kind} was refused: {error}. Nothing was written."
FAILED = "The {kind} failed ({error}); the worker's log has the details. {kept}"
KEPT_AFTER_FAILURE = {
    JobKind.RUN: (
        "Allocations committed before it failed stay, each complete with its explanation; the other crimes "
        "are still unallocated. Run it again."
    ),
    JobKind.WHATIF: "A what-if writes nothing. Try it again.",
}
WHATIF_UNKNOWN_KEY = "A what-if can change only these policy keys: {keys}."

# The numbers a what-if may change (the what-if form's fields), as policy keys.
WHATIF_KEYS = (
    "allocation.caseload_red",
    "allocation.probationer_caseload_red",
    "allocation.weighted_load_cap",
    "allocation.tier_weight",
    "allocation.enhanced_victim_factor",
)


def can_view(user: Any, job: AllocationJob) -> bool:
    """The person who asked, administrators, and the supervisors who could have run it in its borough."""
    if job.requested_by_id == getattr(user, "pk", None) or scope_of(user).is_admin:
        return True
    return job.borough_id is not None and services.can_allocate(user, job.borough_id)


def recent(*, actor: Any, kind: JobKind, limit: int = 5) -> list[AllocationJob]:
    """The jobs this person asked for most recently, newest first (the queue and what-if pages)."""
    return list(
        AllocationJob.objects.filter(requested_by_id=getattr(actor, "pk", None), kind=kind)
        .select_related("borough")
        .order_by("-created_at", "-pk")[:limit]
    )


def pending_run(borough: Borough | None) -> AllocationJob | None:
    """A real (not dry) run for this borough, or force-wide, that is queued or running."""
    return (
        AllocationJob.objects.filter(
            kind=JobKind.RUN,
            dry_run=False,
            borough=borough,
            status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
        )
        .order_by("created_at", "pk")
        .first()
    )


def request_run(*, actor: Any, borough: Borough | None, dry_run: bool) -> AllocationJob:
    """Queue a batch run of every unallocated crime in ``borough`` (None: force-wide, administrators).

    A real run for a borough that already has one waiting or running gets that job back: a second would
    find nothing left to allocate (a double click, or two supervisors at once)."""
    if not services.can_allocate(actor, borough.pk if borough else None):
        raise PermissionError(services.NOT_A_SUPERVISOR)
    if not dry_run and (pending := pending_run(borough)) is not None:
        return pending
    return _request(actor=actor, kind=JobKind.RUN, borough=borough, dry_run=dry_run, parameters={})


def request_whatif(*, actor: Any, borough: Borough | None, changes: dict[str, Any]) -> AllocationJob:
    """Queue a what-if: today's data under ``changes`` (policy key -> value) beside the current policy."""
    if not services.can_allocate(actor, borough.pk if borough else None):
        raise PermissionError(services.NOT_A_SUPERVISOR)
    unknown = sorted(set(changes) - set(WHATIF_KEYS))
    if unknown:
        raise ValidationError(WHATIF_UNKNOWN_KEY.format(keys=", ".join(WHATIF_KEYS)))
    return _request(actor=actor, kind=JobKind.WHATIF, borough=borough, dry_run=True, parameters=changes)


def _request(
    *, actor: Any, kind: JobKind, borough: Borough | None, dry_run: bool, parameters: dict[str, Any]
) -> AllocationJob:
    from custos.allocation.tasks import run_allocation_job

    with transaction.atomic():
        job = AllocationJob.objects.create(
            kind=kind, requested_by=actor, borough=borough, dry_run=dry_run, parameters=parameters
        )
        task = run_allocation_job.enqueue(job.pk)
        job.task_id = str(task.id)
        job.save(update_fields=["task_id"])
        audit.record(
            actor=actor,
            action="custos.allocation.job.requested",
            obj=job,
            changes={
                "kind": kind.value,
                "borough": borough.code if borough else "force",
                "dry_run": dry_run,
                "parameters": parameters,
            },
        )
    return job


def execute(job_id: int) -> str:
    """Do one job, once: returns its final status ("skipped" when another worker already took it)."""
    claimed = AllocationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = AllocationJob.objects.select_related("requested_by", "borough").get(pk=job_id)
    result: dict[str, Any] | None = None
    run_id: int | None = None
    error = ""
    try:
        if job.kind == JobKind.RUN:
            outcome = services.allocation_run(
                actor=job.requested_by, borough=job.borough, dry_run=job.dry_run, progress=_reporter(job_id)
            )
            result, run_id = outcome.to_record(), outcome.run_id
        else:
            result = _whatif(job)
    except (ValidationError, PermissionError) as exc:
        # The services refuse before they write: the asker lost the right, or the request is not valid.
        error = REFUSED.format(kind=_kind(job), error=_words(exc))
    except Exception as exc:
        logger.exception("allocation job %s failed", job_id)
        error = FAILED.format(
            kind=_kind(job), error=f"{type(exc).__name__}: {exc}", kept=KEPT_AFTER_FAILURE[JobKind(job.kind)]
        )
    status = JobStatus.FAILED if error else JobStatus.DONE
    job.status = status  # the audit event's description of the job is of the job as it now stands
    with transaction.atomic():
        AllocationJob.objects.filter(pk=job_id).update(
            status=status, result=result, run_id=run_id, error=error, finished_at=timezone.now()
        )
        audit.record(
            actor=job.requested_by,
            action="custos.allocation.job.finished",
            obj=job,
            changes={"status": str(status), "run": run_id, "error": error},
        )
    return str(status)


def _reporter(job_id: int) -> Callable[[str, int, int], None]:
    """Writes the run's progress on the job for its page, at most once a second (and at each end)."""
    last = [0.0]

    def report(what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done not in (0, total) and now - last[0] < 1.0:
            return
        last[0] = now
        AllocationJob.objects.filter(pk=job_id).update(progress={"what": what, "done": done, "total": total})

    return report


def _whatif(job: AllocationJob) -> dict[str, Any]:
    policy = current_policy()
    data = inputs.build_inputs(borough=job.borough, today=timezone.localdate(), policy=policy)
    report_progress = _reporter(job.pk)
    baseline = simulate(
        data.crimes,
        data.investigators,
        data.supervisors,
        policy=policy,
        progress=lambda what, done, total: report_progress(f"{what} (current policy)", done, total),
    )
    report = simulate(
        data.crimes,
        data.investigators,
        data.supervisors,
        policy=policy,
        overrides=dict(job.parameters),
        progress=lambda what, done, total: report_progress(f"{what} (what-if)", done, total),
    )
    # simulate() marks every policy it runs as derived ("+whatif"); the baseline is the current policy itself.
    return {
        "baseline": {**baseline.to_json_dict(), "policy_version": policy.version},
        "report": report.to_json_dict(),
    }


def _kind(job: AllocationJob) -> str:
    return "allocation run" if job.kind == JobKind.RUN else "what-if"


def _words(exc: Exception) -> str:
    """The services' own message, without its full stop (the job's message goes on after it)."""
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return text.rstrip(".")
