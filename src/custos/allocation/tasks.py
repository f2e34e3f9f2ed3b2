"""The allocation tasks the worker runs (``django.tasks`` with the django-tasks-db backend)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_allocation_job(job_id: int) -> str:
    """One batch run or what-if (``custos.allocation.jobs``); returns the job's final status."""
    from custos.allocation import jobs

    return jobs.execute(job_id)
