"""Allocation screens: the supervisor queue, runs, explanations, overrides, what-if, workload (all
investigators, and one officer's own page) and conflicts of interest."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from custos.allocation import access, jobs, pickers, selectors, services
from custos.allocation.forms import (
    ConflictForm,
    OverrideForm,
    RunForm,
    WhatIfForm,
    WithdrawConflictForm,
)
from custos.allocation.held import AGE_BANDS
from custos.allocation.models import AllocationJob, ConflictOfInterest, JobKind, JobStatus
from custos.allocation.sweep import stale_before
from custos.core.access import not_found, scope_of
from custos.core.csvexport import csv_attachment
from custos.core.pages import opens_for
from custos.core.policy import current_policy
from custos.core.web import flash_errors, redirect_back
from custos.crimes import selectors as crime_selectors
from custos.workforce.models import Borough

WORKLOAD_VIEWS = ("investigator", "team", "borough")
ALREADY_QUEUED = "A run for {where} is already waiting or running: this is it."


def _require_supervisor(request: HttpRequest) -> None:
    if not services.can_allocate(request.user, None):
        raise not_found()


def _own_borough(request: HttpRequest) -> Borough | None:
    s = scope_of(request.user)
    code = request.GET.get("borough") or request.POST.get("borough") or ""
    if s.is_admin:
        return Borough.objects.filter(code=code).first() if code else None
    own = Borough.objects.filter(pk=s.borough_id or 0).first()
    if own is None:  # only administrators run force-wide
        raise not_found()
    return own


@login_required
@opens_for(access.is_allocator)
def queue(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    today = timezone.localdate()
    entries = selectors.queue(actor=request.user, borough=request.GET.get("borough", ""))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "allocation/queue.html",
        {
            "page": page,
            "waiting": selectors.not_yet_run(actor=request.user).count(),
            "rate": selectors.override_rate(actor=request.user, today=today),
            "form": RunForm(),
            "jobs": jobs.recent(actor=request.user, kind=JobKind.RUN),
            "boroughs": selectors.boroughs_in_view(request.user),
            "policy": current_policy(),
        },
    )


@require_POST
@login_required
@opens_for(access.is_allocator)
def run(request: HttpRequest) -> HttpResponse:
    """Queue the batch for the worker: a borough's run takes longer than a web request should."""
    _require_supervisor(request)
    form = RunForm(request.POST)
    dry_run = form.is_valid() and form.cleaned_data["dry_run"]
    borough = _own_borough(request)
    if not dry_run and (pending := jobs.pending_run(borough)) is not None:
        messages.info(request, ALREADY_QUEUED.format(where=borough.name if borough else "the force"))
        return redirect("allocation:job", pk=pending.pk)
    job = jobs.request_run(actor=request.user, borough=borough, dry_run=dry_run)
    return redirect("allocation:job", pk=job.pk)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A queued run or what-if: polled (htmx) while the worker has it, then its result."""
    row = AllocationJob.objects.select_related("borough", "requested_by").filter(pk=pk).first()
    if row is None or not jobs.can_view(request.user, row):
        raise not_found()
    cutoff, stale_reason = stale_before()
    stale = row.status == JobStatus.RUNNING and row.started_at is not None and row.started_at < cutoff
    context = {
        "job": row,
        "result": row.result,
        "policy": current_policy(),
        "stale": stale_reason if stale else "",
    }
    if row.status == JobStatus.DONE and row.kind == JobKind.RUN and row.result:
        # A force-wide run places thousands of crimes: a page of them at a time (the API has them all).
        page = Paginator(row.result["allocations"], 100).get_page(request.GET.get("page"))
        labels = selectors.officer_labels(a["officer"] for a in page)
        page.object_list = [{**a, "officer_label": labels.get(a["officer"], a["officer"])} for a in page]
        context["page"] = page
    if request.headers.get("HX-Request") and not row.finished:
        return render(request, "allocation/_job_status.html", context)
    if request.headers.get("HX-Request"):
        # Done: the whole page, so the result replaces the status panel (and polling stops).
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "allocation/job.html", context)


@login_required
@opens_for(access.is_allocator)
def history(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    qs = selectors.allocations(actor=request.user, kind=request.GET.get("kind", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "allocation/history.html", {"page": page})


@login_required
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.allocation_get(actor=request.user, pk=pk)
    return render(
        request,
        "allocation/detail.html",
        {"row": row, "explanation": selectors.explanation_for_display(row.explanation, actor=request.user)},
    )


@require_POST
@login_required
def allocate_crime(request: HttpRequest, pk: int) -> HttpResponse:
    crime = crime_selectors.crime_get(actor=request.user, pk=pk)
    if not services.can_allocate(request.user, crime.borough_id):
        raise not_found()
    try:
        result = services.allocation_run(actor=request.user, crime=crime)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if result.allocations:
            officer = result.allocations[0].officer
            messages.success(
                request, f"Allocated to {selectors.officer_labels([officer]).get(officer, officer)}."
            )
        else:
            messages.error(
                request, f"Not allocated: {result.unallocated[0][1] if result.unallocated else 'no crime'}"
            )
    return redirect("investigations:crime", pk=pk)


@login_required
def override(request: HttpRequest, pk: int) -> HttpResponse:
    crime = crime_selectors.crime_get(actor=request.user, pk=pk)
    if not services.can_override(request.user, crime.borough_id):
        raise not_found()
    form = OverrideForm(request.POST or None, officers=pickers.override_officers(crime))
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_override(
                actor=request.user,
                crime=crime,
                officer=form.cleaned_data["officer"],
                rationale=form.cleaned_data["rationale"],
                expected_version=int(request.POST.get("version") or crime.version),
            )
        except ValidationError as exc:
            for field, errs in (
                exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            ).items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, "Override recorded.")
            return redirect("investigations:crime", pk=pk)
    return render(
        request,
        "allocation/override.html",
        {
            "crime": crime,
            "form": form,
            # Supervisors in the borough see every conflict there; they are what an override sets aside.
            "conflicts": selectors.conflicts_for_crime(actor=request.user, crime=crime),
        },
    )


def _whatif_initial() -> dict[str, Any]:
    p = current_policy()
    w = p.get("allocation.tier_weight")
    return {
        "caseload_red": p.get("allocation.caseload_red"),
        "probationer_caseload_red": p.get("allocation.probationer_caseload_red"),
        "weighted_load_cap": p.get("allocation.weighted_load_cap"),
        "tier_weight_t1": w["T1"],
        "tier_weight_t2": w["T2"],
        "tier_weight_t3": w["T3"],
        "enhanced_victim_factor": p.get("allocation.enhanced_victim_factor"),
    }


@login_required
@opens_for(access.is_allocator)
def whatif(request: HttpRequest) -> HttpResponse:
    """The same engine under changed caps and weights, on today's data, writing nothing (done by the
    worker: it runs the batch twice, under the current policy and under the changes)."""
    _require_supervisor(request)
    policy = current_policy()
    form = WhatIfForm(request.POST if request.method == "POST" else None, initial=_whatif_initial())
    if form.is_valid():
        row = jobs.request_whatif(
            actor=request.user, borough=_own_borough(request), changes=form.changes(policy)
        )
        return redirect("allocation:job", pk=row.pk)
    return render(
        request,
        "allocation/whatif.html",
        {"form": form, "policy": policy, "jobs": jobs.recent(actor=request.user, kind=JobKind.WHATIF)},
    )


@login_required
@opens_for(access.is_allocator)
def workload(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    policy = current_policy()
    today = timezone.localdate()
    view = request.GET.get("view", "investigator")
    view = view if view in WORKLOAD_VIEWS else "investigator"
    team = request.GET.get("team", "")
    boroughs = list(selectors.boroughs_in_view(request.user).order_by("name"))
    borough = request.GET.get("borough", "")
    if borough and borough not in {b.code for b in boroughs}:
        borough = ""  # a borough out of view shows nothing rather than saying it exists
    csv_wanted = request.GET.get("format") == "csv"
    rows = selectors.investigator_loads(
        actor=request.user,
        today=today,
        policy=policy,
        borough=borough,
        team=int(team) if team.isdigit() else None,
        # The page shows 50 investigators of up to a force's 12,000: count everyone, weigh the 50 shown.
        weighed=csv_wanted,
    )
    sort = request.GET.get("sort", "load")
    if sort == "load":
        rows.sort(key=lambda r: (-r.open_crimes, r.person.last_name))
    elif sort == "oldest":
        rows.sort(key=lambda r: (-r.oldest_days, r.person.last_name))
    if csv_wanted:
        # Every investigator in the filter (a team's or a borough's from their row of the grouped views).
        selectors.workload_exported(
            actor=request.user,
            query={"view": view, "borough": borough, "team": team if team.isdigit() else "", "sort": sort},
            result_count=len(rows),
        )
        return _workload_csv(rows, _workload_filename(rows, borough=borough, team=team))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    if view == "investigator":
        selectors.weigh(page.object_list, today=today, policy=policy)
    # Supervisors needing attention (over span, untrained) first; a force has hundreds, so 50 a page.
    sups = selectors.supervisors_needing_attention_first(
        actor=request.user, today=today, policy=policy, borough=borough, page=request.GET.get("sup_page")
    )
    # Every link on the page keeps the reader's filters (borough, team) and changes only its own part.
    kept = {k: v for k, v in (("borough", borough), ("team", team if team.isdigit() else "")) if v}
    return render(
        request,
        "allocation/workload.html",
        {
            "view": view,
            "view_links": (("investigator", "investigators"), ("team", "teams"), ("borough", "boroughs")),
            "sort": sort,
            "boroughs": boroughs,
            "borough": borough,
            "show_borough": len(boroughs) > 1 and not borough,  # team names repeat across boroughs
            "kept": urlencode(kept),
            # Heaviest first, 50 a page: a London borough has hundreds of investigators (the CSV has all).
            "page": page,
            "groups": selectors.group_loads(rows, "team" if view == "team" else "borough"),
            "supervisors": sups.page,
            "supervisors_flagged": sups.flagged,
            "over_25": sum(r.over_25 for r in rows),
            "policy": policy,
            "span": policy.get("allocation.supervisor_span_of_control"),
        },
    )


def _workload_filename(rows: list[selectors.InvestigatorLoad], *, borough: str, team: str) -> str:
    """custos-workload.csv, narrowed by borough code and team name (team names repeat across boroughs)."""
    parts = ["custos-workload"]
    if borough:
        parts.append(borough)
    if team.isdigit() and rows:
        parts.append(rows[0].person.team_name)
    return slugify("-".join(parts)) + ".csv"


def _workload_csv(rows: list[selectors.InvestigatorLoad], filename: str) -> HttpResponse:
    response, w = csv_attachment(filename)
    w.writerow(
        [
            "staff_number",
            "name",
            "borough",
            "team",
            "pip",
            "probationer",
            "open_crimes",
            "weighted_load",
            "rag",
            "over_25",
            "oldest_days",
            *(label for _, label in AGE_BANDS),
        ]
    )
    for r in rows:
        p = r.person
        w.writerow(
            [
                p.staff_number,
                p.full_name,
                p.borough_code,
                p.team_name,
                p.pip_level,
                p.probationer,
                r.open_crimes,
                r.weighted_load,
                r.rag.value,
                r.over_25,
                r.oldest_days,
                *(r.ages.get(label, 0) for _, label in AGE_BANDS),
            ]
        )
    return response


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errs in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, errs)


@login_required
def conflicts(request: HttpRequest) -> HttpResponse:
    """Conflicts of interest in view, and the form to declare one (your own, or for your team)."""
    s = scope_of(request.user)
    if not s.sees_personal_data:
        raise not_found()
    initial: dict[str, Any] = {"officer": s.person_id}
    if (officer := request.GET.get("officer", "")).isdigit():
        initial["officer"] = int(officer)
    if (crime_id := request.GET.get("crime", "")).isdigit():
        try:
            found = crime_selectors.crime_get(actor=request.user, pk=int(crime_id))
        except Http404:
            found = None
        if found is not None:
            initial.update(kind="crime", crime_reference=found.reference)
    form = ConflictForm(
        request.POST or None, officers=pickers.conflict_officers(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        crime = None
        if d["kind"] == "crime" and d["crime_reference"]:
            try:
                crime = crime_selectors.crime_by_reference(
                    actor=request.user, reference=d["crime_reference"].strip()
                )
            except Http404:
                form.add_error("crime_reference", "No crime with that reference is in your view.")
        if form.is_valid():
            try:
                row = services.conflict_declare(
                    actor=request.user,
                    officer=d["officer"],
                    conflict=services.ConflictIn(
                        kind=d["kind"],
                        reason=d["reason"],
                        crime=crime,
                        person_name=d["person_name"],
                        series_id=d["series_id"],
                    ),
                )
            except PermissionError:
                form.add_error("officer", services.CONFLICT_NOT_ALLOWED)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"Conflict of interest with {row.target} recorded.")
                return redirect("allocation:conflicts")
    status = request.GET.get("status", "active")
    active = {"active": True, "withdrawn": False}.get(status)
    rows = selectors.conflicts(
        actor=request.user,
        officer_id=int(officer) if officer.isdigit() else None,
        active=active,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    selectors.conflicts_searched(
        actor=request.user,
        query={"status": status, "officer": officer},
        result_count=page.paginator.count,
    )
    _offer_withdrawal(s, page)
    return render(
        request,
        "allocation/conflicts.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "query": request.GET.urlencode(),
        },
    )


def _offer_withdrawal(s: Any, rows: Any) -> None:
    """Mark which conflicts the reader may withdraw, each with its own form."""
    # Many withdraw forms share one page, so each row's fields get ids of their own.
    for row in rows:
        row.can_withdraw = access.can_withdraw(s, row)
        row.withdraw_form = WithdrawConflictForm(auto_id=f"withdraw-{row.pk}-%s")


@require_POST
@login_required
def conflict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    row: ConflictOfInterest | None = (
        selectors.conflicts(actor=request.user, active=None).filter(pk=pk).first()
    )
    if row is None or not access.can_withdraw(scope_of(request.user), row):
        raise not_found()
    form = WithdrawConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.CONFLICT_WITHDRAWAL_NEEDS_REASON)
    else:
        try:
            services.conflict_withdraw(actor=request.user, conflict=row, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, f"Conflict of interest with {row.target} withdrawn.")
    return redirect_back(request, "allocation:conflicts")


@login_required
def officer_workload(request: HttpRequest, pk: int) -> HttpResponse:
    """One officer's workload: RAG, the crimes they hold, and their declared conflicts of interest."""
    policy = current_policy()
    data = selectors.officer_workload(
        actor=request.user, person_id=pk, today=timezone.localdate(), policy=policy
    )
    s = scope_of(request.user)
    rows = list(selectors.conflicts(actor=request.user, officer_id=pk, active=None))
    _offer_withdrawal(s, rows)
    return render(
        request,
        "allocation/officer_workload.html",
        {
            "data": data,
            "conflicts": rows,
            "can_declare": access.can_declare_for(s, data.person),
            "policy": policy,
        },
    )
