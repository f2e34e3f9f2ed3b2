"""Batch runs and what-ifs asked for from a page or the API are queued for the worker, done once, and
shown to the person who asked (and the borough's allocators); nothing runs inside the web request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from custos.allocation import jobs
from custos.allocation.models import AllocationJob, AllocationRun, JobKind, JobStatus
from custos.core.models import AuditEvent
from custos.core.policy import current_policy
from custos.crimes.models import Crime
from tests.crimes.factories import Unit

from .helpers import work_the_queue

WHATIF_FORM = {
    "caseload_red": "1",
    "probationer_caseload_red": "12",
    "weighted_load_cap": "40",
    "tier_weight_t1": "1",
    "tier_weight_t2": "3",
    "tier_weight_t3": "8",
    "enhanced_victim_factor": "1.5",
}


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


@pytest.fixture
def unit_with_crimes(unit: Unit) -> Unit:
    for _ in range(3):
        unit.crime(offence="theft-other")
    return unit


def unallocated(unit: Unit) -> int:
    return Crime.objects.filter(borough=unit.borough, officer__isnull=True).count()


def test_a_run_is_queued_not_done_in_the_request_then_the_worker_allocates(
    unit_with_crimes: Unit, client_for: Any
) -> None:
    unit = unit_with_crimes
    client = client_for(unit.supervisor)

    response = client.post("/allocation/run/", {})

    job = AllocationJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/allocation/jobs/{job.pk}/"
    assert (job.kind, job.status, job.borough, job.dry_run) == (
        JobKind.RUN,
        JobStatus.QUEUED,
        unit.borough,
        False,
    )
    assert unallocated(unit) == 3 and not AllocationRun.objects.exists()
    assert AuditEvent.objects.filter(action="custos.allocation.job.requested", object_id=str(job.pk)).exists()
    waiting = client.get(f"/allocation/jobs/{job.pk}/")
    assert b'data-testid="job-status"' in waiting.content and b'hx-trigger="every 2s"' in waiting.content
    polled = client.get(f"/allocation/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and b"Waiting for the worker" in polled.content

    assert work_the_queue() == ["done"]

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished_at is not None and job.run is not None
    assert job.progress == {"what": "allocations committed", "done": 3, "total": 3}
    finished_event = AuditEvent.objects.get(action="custos.allocation.job.finished", object_id=str(job.pk))
    assert finished_event.actor == unit.supervisor and finished_event.changes["status"] == "done"
    assert finished_event.object_repr == f"Allocation run {job.pk} (done)"
    assert unallocated(unit) == 0
    assert len(job.result["allocations"]) == 3 and job.result["policy_version"]
    finished = client.get(f"/allocation/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"
    page = client.get(f"/allocation/jobs/{job.pk}/")
    assert b'data-testid="run-allocations"' in page.content and b'data-testid="run-solver"' in page.content
    for row in job.result["allocations"]:
        assert row["crime"].encode() in page.content
    assert b"hx-trigger" not in page.content
    queue = client.get("/allocation/")
    assert f"/allocation/jobs/{job.pk}/".encode() in queue.content


def test_a_dry_run_job_writes_nothing_and_shows_the_decision(unit_with_crimes: Unit, client_for: Any) -> None:
    unit = unit_with_crimes
    client = client_for(unit.supervisor)
    client.post("/allocation/run/", {"dry_run": "on"})
    work_the_queue()

    job = AllocationJob.objects.get()
    assert job.status == JobStatus.DONE and job.dry_run and job.run is None
    assert unallocated(unit) == 3 and not AllocationRun.objects.exists()
    assert len(job.result["allocations"]) == 3
    assert b"Dry run: nothing written" in client.get(f"/allocation/jobs/{job.pk}/").content


def test_a_what_if_is_queued_with_its_numbers_and_compares_both_policies(
    unit_with_crimes: Unit, client_for: Any
) -> None:
    unit = unit_with_crimes
    for _ in range(3):
        unit.crime(offence="theft-other")
    client = client_for(unit.supervisor)

    response = client.post("/allocation/what-if/", {**WHATIF_FORM, "probationer_caseload_red": "1"})

    job = AllocationJob.objects.get()
    assert response.status_code == 302 and job.kind == JobKind.WHATIF
    assert job.parameters["allocation.caseload_red"] == 1
    work_the_queue()
    job.refresh_from_db()
    baseline, report = job.result["baseline"], job.result["report"]
    assert baseline["unallocated"] == 0 and baseline["allocated"] == 6
    # One crime each for everyone (probationers too): the unit's three investigators take three.
    assert (report["allocated"], report["unallocated"]) == (3, 3)
    assert report["overrides"]["allocation.caseload_red"] == 1
    policy_version = current_policy().version
    assert (baseline["policy_version"], report["policy_version"]) == (
        policy_version,
        f"{policy_version}+whatif",
    )
    assert job.progress == {"what": "components solved (what-if)", "done": 2, "total": 2}
    assert unallocated(unit) == 6  # nothing written
    page = client.get(f"/allocation/jobs/{job.pk}/")
    assert b'data-testid="whatif-results"' in page.content and b"allocation.caseload_red" in page.content
    assert f"Current policy ({policy_version})".encode() in page.content


def test_a_bad_what_if_number_is_an_error_on_the_form_and_queues_nothing(
    unit_with_crimes: Unit, client_for: Any
) -> None:
    client = client_for(unit_with_crimes.supervisor)
    response = client.post("/allocation/what-if/", {**WHATIF_FORM, "caseload_red": "0"})
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
    assert not AllocationJob.objects.exists() and not DBTaskResult.objects.exists()


def test_a_what_if_may_change_only_the_numbers_it_offers(unit: Unit) -> None:
    with pytest.raises(ValidationError):
        jobs.request_whatif(
            actor=unit.supervisor, borough=unit.borough, changes={"allocation.scope": "force"}
        )
    assert not AllocationJob.objects.exists()


def test_a_job_is_done_once_even_if_two_workers_get_its_task(unit_with_crimes: Unit) -> None:
    unit = unit_with_crimes
    job = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=False)

    assert jobs.execute(job.pk) == "done"
    assert jobs.execute(job.pk) == "skipped"
    assert AllocationRun.objects.count() == 1 and unallocated(unit) == 0


def test_only_the_asker_the_boroughs_allocators_and_administrators_see_a_job(
    unit_with_crimes: Unit, make_person: Any, make_user: Any, client_for: Any
) -> None:
    unit = unit_with_crimes
    job = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=True)
    elsewhere = make_user(
        "other-ds", ["investigation-supervisor"], make_person(rank="detective-sergeant", borough=unit.other)
    )
    di = make_user("unit-di", ["detective-inspector"], unit.di)
    url = f"/allocation/jobs/{job.pk}/"

    assert client_for(unit.supervisor).get(url).status_code == 200
    assert client_for(di).get(url).status_code == 200
    assert client_for(unit.admin).get(url).status_code == 200
    assert client_for(elsewhere).get(url).status_code == 404
    assert client_for(unit.investigator).get(url).status_code == 404
    assert client_for(elsewhere).get(f"/api/v1/allocations/jobs/{job.pk}").status_code == 404


def test_a_run_the_services_refuse_says_why_and_that_nothing_was_written(
    unit_with_crimes: Unit, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = unit_with_crimes

    def refuse(**kw: Any) -> Any:
        raise PermissionError("You supervise another borough.")

    monkeypatch.setattr(jobs.services, "allocation_run", refuse)
    job = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=False)
    assert jobs.execute(job.pk) == "failed"

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result is None
    assert job.error == "The allocation run was refused: You supervise another borough. Nothing was written."
    page = client_for(unit.supervisor).get(f"/allocation/jobs/{job.pk}/")
    assert b'data-testid="job-error"' in page.content and b"Nothing was written" in page.content


def test_an_unexpected_error_fails_the_job_with_its_type_not_a_stuck_running_job(
    unit_with_crimes: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = unit_with_crimes

    def crash(**kw: Any) -> Any:
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(jobs.services, "allocation_run", crash)
    job = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=False)
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "The allocation run failed (RuntimeError: solver exploded); the worker's log has the details. "
        "Allocations committed before it failed stay, each complete with its explanation; the other crimes "
        "are still unallocated. Run it again."
    )


def test_the_api_queues_a_run_and_a_what_if_and_reports_them(unit_with_crimes: Unit, client_for: Any) -> None:
    unit = unit_with_crimes
    client = client_for(unit.supervisor)

    queued = client.post(
        "/api/v1/allocations/jobs",
        data=json.dumps({"kind": "run", "dry_run": True}),
        content_type="application/json",
    )
    assert queued.status_code == 202, queued.content
    body = queued.json()
    assert (body["status"], body["borough"], body["result"]) == ("queued", "UA", None)
    missing = client.post(
        "/api/v1/allocations/jobs", data=json.dumps({"kind": "whatif"}), content_type="application/json"
    )
    assert missing.status_code == 422 and "what_if" in missing.content.decode()
    numbers = {k: float(v) for k, v in WHATIF_FORM.items()}
    bad = client.post(
        "/api/v1/allocations/jobs",
        data=json.dumps({"kind": "whatif", "what_if": {**numbers, "weighted_load_cap": 0}}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "what_if.weighted_load_cap" in bad.content.decode()
    whatif = client.post(
        "/api/v1/allocations/jobs",
        data=json.dumps({"kind": "whatif", "what_if": numbers}),
        content_type="application/json",
    )
    assert whatif.status_code == 202

    work_the_queue()

    run = client.get(f"/api/v1/allocations/jobs/{body['id']}").json()
    assert run["status"] == "done" and len(run["result"]["allocations"]) == 3 and run["result"]["dry_run"]
    simulated = client.get(f"/api/v1/allocations/jobs/{whatif.json()['id']}").json()
    assert simulated["result"]["report"]["overrides"]["allocation.caseload_red"] == 1
    listed = client.get("/api/v1/allocations/jobs").json()
    assert [j["id"] for j in listed["items"]] == [whatif.json()["id"], body["id"]]
    assert unallocated(unit) == 3


@pytest.mark.django_db(transaction=True)
def test_the_custos_worker_does_a_queued_run(make_person: Any, make_user: Any) -> None:
    """The real worker loop (`custos worker --batch`), with its own transactions, not the test's."""
    from custos.core import runtime

    unit = Unit(make_person, make_user)
    for _ in range(2):
        unit.crime(offence="theft-other")
    job = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=False)

    assert runtime.worker(batch=True) == 0

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and len(job.result["allocations"]) == 2
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    assert unallocated(unit) == 0


def test_a_job_that_lost_its_worker_is_flagged_then_failed_by_the_nightly_sweep(
    unit: Unit, client_for: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from custos.allocation.sweep import STALE_JOB, fail_stale_jobs
    from custos.core.policy import current_policy

    minutes = int(current_policy().get("allocation.job_stale_minutes"))
    lost = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=False)
    busy = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=True)
    now = timezone.now()
    AllocationJob.objects.filter(pk=lost.pk).update(
        status=JobStatus.RUNNING, started_at=now - timedelta(minutes=minutes + 1)
    )
    AllocationJob.objects.filter(pk=busy.pk).update(
        status=JobStatus.RUNNING, started_at=now - timedelta(minutes=minutes - 1)
    )
    client = client_for(unit.supervisor)
    assert b'data-testid="job-stale"' in client.get(f"/allocation/jobs/{lost.pk}/").content
    assert b'data-testid="job-stale"' not in client.get(f"/allocation/jobs/{busy.pk}/").content

    first = fail_stale_jobs(timezone.localdate())
    again = fail_stale_jobs(timezone.localdate())

    assert first.created == {"jobs_failed_as_stale": 1} and again.created == {"jobs_failed_as_stale": 0}
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == JobStatus.FAILED and busy.status == JobStatus.RUNNING
    assert lost.error == STALE_JOB.format(minutes=minutes, version=current_policy().version)
    assert (
        AuditEvent.objects.filter(action="custos.allocation.job.finished", object_id=str(lost.pk)).count()
        == 1
    )
    assert b"allocation.job_stale_minutes" in client.get(f"/allocation/jobs/{lost.pk}/").content


def test_a_running_jobs_page_shows_how_far_the_run_has_got(unit: Unit, client_for: Any) -> None:
    from django.utils import timezone

    job = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=False)
    AllocationJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        progress={"what": "components solved", "done": 12, "total": 32},
    )
    polled = client_for(unit.supervisor).get(f"/allocation/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert b'data-testid="job-progress"' in polled.content and b"12 of 32 components solved" in polled.content


def test_the_cli_draws_one_bar_per_phase_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from custos.allocation.cli import _Bars

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, drawn in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr("sys.stderr", stream)
        with _Bars() as bars:
            for done in range(3):
                bars.report("components solved", done, 2)
            bars.report("allocations committed", 5, 5)
        text = stream.getvalue()
        assert ("Components solved" in text and "Allocations committed" in text and "5/5" in text) is drawn
        assert text == "" or drawn


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "run", "borough": "ZZ"}, "borough"),
        ({"kind": "sweep"}, "kind"),
        ({"kind": "run", "dry_run": "perhaps"}, "dry_run"),
        ({"kind": "whatif", "what_if": {"caseload_red": "many"}}, "caseload_red"),
    ],
)
def test_a_bad_job_request_is_a_clear_422_and_queues_nothing(
    unit: Unit, client_for: Any, body: dict[str, Any], field: str
) -> None:
    response = client_for(unit.supervisor).post(
        "/api/v1/allocations/jobs", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422 and field in response.content.decode()
    assert not AllocationJob.objects.exists() and not DBTaskResult.objects.exists()


def test_a_job_that_does_not_exist_is_404_like_anyone_elses(unit: Unit, client_for: Any) -> None:
    client = client_for(unit.supervisor)
    assert client.get("/allocation/jobs/999999/").status_code == 404
    assert client.get("/api/v1/allocations/jobs/999999").status_code == 404


def test_a_big_runs_allocations_are_shown_a_page_at_a_time(unit: Unit, client_for: Any) -> None:
    job = jobs.request_run(actor=unit.supervisor, borough=unit.borough, dry_run=True)
    rows = [
        {
            "crime": f"CR{n:04d}",
            "officer": "OFF1",
            "required_pip": 1,
            "officer_pip": 1,
            "load_before": 1.0,
            "load_after": 2.0,
            "cap": 40.0,
            "reasons": ["lightest load"],
        }
        for n in range(250)
    ]
    AllocationJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        result={
            "policy_version": "p",
            "engine_version": "e",
            "dry_run": True,
            "allocations": rows,
            "unallocated": [],
        },
    )
    client = client_for(unit.supervisor)

    first = client.get(f"/allocation/jobs/{job.pk}/").content.decode()
    last = client.get(f"/allocation/jobs/{job.pk}/?page=3").content.decode()

    assert "250 allocated" in first and "CR0099" in first and "CR0100" not in first and "Page 1 of 3" in first
    assert "CR0200" in last and "CR0249" in last and "CR0199" not in last


def test_a_second_run_for_a_borough_with_one_waiting_gets_that_one(
    unit_with_crimes: Unit, make_user: Any, client_for: Any
) -> None:
    unit = unit_with_crimes
    di = make_user("unit-di", ["detective-inspector"], unit.di)
    first = client_for(unit.supervisor).post("/allocation/run/", {})
    second = client_for(di).post("/allocation/run/", {}, follow=True)
    dry = client_for(di).post("/allocation/run/", {"dry_run": "on"})

    real = AllocationJob.objects.filter(dry_run=False)
    assert real.count() == 1 and second.redirect_chain[0][0] == first["Location"]
    assert b"already waiting or running" in second.content
    assert dry["Location"] != first["Location"] and AllocationJob.objects.count() == 2
    assert jobs.request_run(actor=di, borough=unit.borough, dry_run=False) == real.get()
    work_the_queue()
    again = client_for(unit.supervisor).post("/allocation/run/", {})  # the first is done: a new one
    assert again["Location"] != first["Location"]
