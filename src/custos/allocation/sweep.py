"""Nightly: a job a worker took but never finished (the worker was killed or the machine stopped) is
marked failed with the reason, so nobody waits on it (idempotent: a failed job is not running)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from custos.allocation.models import AllocationJob, JobStatus
from custos.core import audit
from custos.core.policy import current_policy
from custos.core.sweep import SweepResult, register

STALE_JOB = (
    "The worker stopped before finishing: no result {minutes} minutes after it started (policy "
    "allocation.job_stale_minutes, version {version}). Allocations committed before it stopped stay, each "
    "complete with its explanation; the other crimes are still unallocated. Run it again."
)


def stale_before(now: datetime | None = None) -> tuple[datetime, str]:
    """The start time before which a running job is taken to have lost its worker, and the reason."""
    policy = current_policy()
    minutes = int(policy.get("allocation.job_stale_minutes"))
    now = now or timezone.now()
    return now - timedelta(minutes=minutes), STALE_JOB.format(minutes=minutes, version=policy.version)


@register("allocation.jobs")
def fail_stale_jobs(today: date) -> SweepResult:
    result = SweepResult("allocation.jobs")
    cutoff, reason = stale_before()
    result.checked = AllocationJob.objects.filter(status=JobStatus.RUNNING).count()
    failed = 0
    for job in AllocationJob.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff):
        with transaction.atomic():
            # Conditional on still running: a worker that finishes meanwhile keeps its result.
            if not AllocationJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, error=reason, finished_at=timezone.now()
            ):
                continue
            job.status = JobStatus.FAILED
            audit.record(
                actor=None,
                action="custos.allocation.job.finished",
                obj=job,
                changes={"status": str(JobStatus.FAILED), "error": reason},
            )
            failed += 1
    result.created["jobs_failed_as_stale"] = failed
    return result
