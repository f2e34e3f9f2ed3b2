"""Investigation screens: a crime's investigation (allocation, plan, tasks, reviews, outcome), the
investigator's worklist, the supervisor's view and NFA rates with drill-down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from custos.allocation import access as allocation_access
from custos.allocation import selectors as allocation_selectors
from custos.allocation import services as allocation_services
from custos.allocation.models import Allocation, QueueEntry
from custos.core.access import not_found, scope_of
from custos.core.pages import opens_for
from custos.core.policy import current_policy
from custos.core.web import redirect_back
from custos.crimes import access as crime_access
from custos.crimes import selectors as crime_selectors
from custos.crimes.models import Crime
from custos.investigations import selectors, services
from custos.investigations.forms import LineForm, OutcomeForm, ReviewForm, SignoffForm, TaskForm
from custos.investigations.models import (
    InvestigationPlan,
    LineOfEnquiry,
    OutcomeDecision,
    OutcomeStatus,
    SupervisoryReview,
    Task,
)
from custos.investigations.rules import OUTCOME_NAMES


@login_required
def crime_investigation(request: HttpRequest, pk: int) -> HttpResponse:
    crime = crime_selectors.crime_get(actor=request.user, pk=pk)
    return _investigation_page(request, crime)


def _investigation_page(
    request: HttpRequest,
    crime: Crime,
    *,
    refused: forms.Form | None = None,
    refused_line: LineOfEnquiry | None = None,
) -> HttpResponse:
    """The investigation page; after a refused post, ``refused`` is that bound form, shown again with what
    was typed and why it was refused (a redirect would lose both). ``refused_line``: the line it was for."""
    plan = InvestigationPlan.objects.filter(crime=crime).first()
    lines = (
        list(LineOfEnquiry.objects.filter(plan=plan).select_related("owner").order_by("id")) if plan else []
    )
    current = (
        Allocation.objects.filter(crime=crime, current=True).select_related("officer", "supervisor").first()
    )
    pending = OutcomeDecision.objects.filter(crime=crime, status=OutcomeStatus.AWAITING_SIGNOFF).first()
    today = timezone.localdate()
    forms_shown: dict[str, forms.Form] = {
        "line_form": LineForm(),
        "task_form": TaskForm(),
        "review_form": ReviewForm(),
        "outcome_form": OutcomeForm(),
        "signoff_form": SignoffForm(),
    }
    if refused is not None and not isinstance(refused, LineForm):
        forms_shown[f"{_FORM_NAMES[type(refused)]}_form"] = refused
    return render(
        request,
        "investigations/crime.html",
        {
            "crime": crime,
            "plan": plan,
            "lines": lines,
            "open_lines": sum(1 for ln in lines if not ln.status),
            "allocation": current,
            "explanation": allocation_selectors.explanation_for_display(
                current.explanation, actor=request.user
            )
            if current
            else {},
            "queued": QueueEntry.objects.filter(crime=crime).first(),
            "tasks": Task.objects.filter(crime=crime).select_related("owner"),
            "reviews": SupervisoryReview.objects.filter(crime=crime).select_related("reviewer"),
            "decisions": OutcomeDecision.objects.filter(crime=crime).select_related(
                "proposed_by", "signed_off_by"
            ),
            "pending": pending,
            "pending_name": OUTCOME_NAMES.get(pending.outcome) if pending else "",
            "can_change": crime_access.can_change_crime(scope_of(request.user), crime),
            "is_supervisor": services.is_supervisor_of(request.user, crime),
            "can_sign_off": pending is not None and services.may_sign_off(request.user, crime, pending),
            "can_allocate": allocation_services.can_allocate(request.user, crime.borough_id),
            "can_override": allocation_services.can_override(request.user, crime.borough_id),
            **forms_shown,
            "refused": refused,
            # The refused line shows the status and reason as posted, with its errors beside them.
            "refused_line": refused_line.pk if refused_line is not None else None,
            "review_overdue": plan is not None and crime.status == "open" and plan.next_review_due < today,
            "policy": current_policy(),
        },
    )


_FORM_NAMES: dict[type[forms.Form], str] = {
    TaskForm: "task",
    ReviewForm: "review",
    OutcomeForm: "outcome",
    SignoffForm: "signoff",
}


def _refuse(form: forms.Form, exc: ValidationError | PermissionError) -> forms.Form:
    """Put the service's reasons on the form, each against its field where the form has one."""
    if isinstance(exc, PermissionError):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
    return form


def _submit(
    request: HttpRequest,
    crime: Crime,
    form: forms.Form,
    write: Callable[[dict[str, Any]], Any],
    *,
    done: Callable[[Any], None],
    line: LineOfEnquiry | None = None,
) -> HttpResponse:
    """A form posted from the investigation page: on success ``done`` flashes what happened and the page
    is loaded afresh (POST-redirect-GET); a form the service refuses comes back with its input kept."""
    if form.is_valid():
        try:
            result = write(form.cleaned_data)
        except (ValidationError, PermissionError) as exc:
            _refuse(form, exc)
        else:
            done(result)
            return redirect("investigations:crime", pk=crime.pk)
    return _investigation_page(request, crime, refused=form, refused_line=line)


@require_POST
@login_required
def line_update(request: HttpRequest, pk: int) -> HttpResponse:
    line = LineOfEnquiry.objects.select_related("plan__crime").filter(pk=pk).first()
    if line is None:
        raise not_found()
    crime = crime_selectors.crime_for_change(actor=request.user, pk=line.plan.crime_id)
    return _submit(
        request,
        crime,
        LineForm(request.POST),
        lambda d: services.line_update(
            actor=request.user,
            line=line,
            status=d["status"],
            reason=d["reason"],
            expected_version=d.get("version"),
        ),
        done=lambda _: messages.success(request, f"{line.title}: recorded."),
        line=line,
    )


@require_POST
@login_required
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    crime = crime_selectors.crime_for_change(actor=request.user, pk=pk)

    def write(d: dict[str, Any]) -> Task:
        owner = services.task_owner(actor=request.user, crime=crime, owner_id=None)
        return services.task_add(actor=request.user, crime=crime, owner=owner, **d)

    return _submit(
        request, crime, TaskForm(request.POST), write, done=lambda _: messages.success(request, "Task added.")
    )


@require_POST
@login_required
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = Task.objects.select_related("crime").filter(pk=pk).first()
    if task is None:
        raise not_found()
    crime_selectors.crime_for_change(actor=request.user, pk=task.crime_id)
    services.task_complete(actor=request.user, task=task)
    return redirect_back(request, "investigations:worklist")


@require_POST
@login_required
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    crime = crime_selectors.crime_get(actor=request.user, pk=pk)
    if not services.is_supervisor_of(request.user, crime):
        raise not_found()
    return _submit(
        request,
        crime,
        ReviewForm(request.POST),
        lambda d: services.review_record(actor=request.user, crime=crime, **d),
        done=lambda review: messages.success(
            request, f"Review recorded; next review by {review.next_review_on:%d %b %Y}."
        ),
    )


@require_POST
@login_required
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    crime = crime_selectors.crime_for_change(actor=request.user, pk=pk)

    def done(decision: OutcomeDecision) -> None:
        for warning in decision.warnings:
            messages.warning(request, f"Outcome {decision.outcome}: {warning}.")
        if decision.status == OutcomeStatus.AWAITING_SIGNOFF:
            messages.success(request, f"Outcome {decision.outcome} awaits a supervisor's sign-off.")
        else:
            messages.success(request, f"Crime finalised with outcome {decision.outcome}.")

    return _submit(
        request,
        crime,
        OutcomeForm(request.POST),
        lambda d: services.outcome_propose(actor=request.user, crime=crime, **d),
        done=done,
    )


@require_POST
@login_required
def signoff(request: HttpRequest, pk: int) -> HttpResponse:
    crime = crime_selectors.crime_get(actor=request.user, pk=pk)
    if not services.is_supervisor_of(request.user, crime):
        raise not_found()
    return _submit(
        request,
        crime,
        SignoffForm(request.POST),
        lambda d: services.outcome_signoff(actor=request.user, crime=crime, rationale=d["rationale"]),
        done=lambda _: messages.success(request, "Signed off; the crime is finalised."),
    )


@login_required
@opens_for(selectors.has_worklist)
def worklist(request: HttpRequest) -> HttpResponse:
    person_id = selectors.worklist_owner(actor=request.user)
    today = timezone.localdate()
    return render(
        request,
        "investigations/worklist.html",
        {
            "tasks": selectors.open_tasks(person_id=person_id)[: selectors.WORKLIST_LIMIT],
            "lines": selectors.open_lines(person_id=person_id)[: selectors.WORKLIST_LIMIT],
            "crimes": selectors.held_crimes(person_id=person_id)[: selectors.WORKLIST_LIMIT],
            "today": today,
        },
    )


@login_required
@opens_for(allocation_access.is_allocator)
def supervision(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    due = selectors.reviews_due(
        actor=request.user, today=today, within_days=selectors.REVIEWS_DUE_WITHIN_DAYS
    )
    return render(
        request,
        "investigations/supervision.html",
        {
            "due": Paginator(due, selectors.SUPERVISION_PAGE).get_page(request.GET.get("page")),
            "signoffs": selectors.signoffs_pending(actor=request.user)[: selectors.SUPERVISION_PAGE],
            "escalations": selectors.escalations(actor=request.user)[: selectors.SUPERVISION_PAGE],
            "today": today,
        },
    )


RATE_ROWS_PER_PAGE = 100  # a force has tens of thousands of officers: their rates come a hundred at a time


@login_required
def nfa_rates(request: HttpRequest) -> HttpResponse:
    """NFA rates by crime type, offence group, team or officer; pick a row to see its crimes."""
    names_allowed = selectors.names_allowed(request.user)
    by = request.GET.get("by", "offence")
    if by not in selectors.GROUPINGS or (by == "officer" and not names_allowed):
        by = "offence"
    policy = current_policy()
    rows = Paginator(selectors.rates(actor=request.user, by=by, policy=policy), RATE_ROWS_PER_PAGE).get_page(
        request.GET.get("rows")
    )
    drill: Any = None
    group = request.GET.get("group", "")
    if group and names_allowed:
        field, _ = selectors.GROUPINGS[by]
        if field.endswith("_id") and not group.isdigit():
            raise not_found()  # a team or officer is chosen by its number
        qs = selectors.finalised_crimes(actor=request.user).select_related("officer", "team")
        if by == "group":
            from custos.crimes.offences import catalogue

            qs = qs.filter(offence_key__in=[k for k, o in catalogue().items() if o.group == group])
        else:
            qs = qs.filter(**{field: group})
        drill = Paginator(qs.order_by("-finalised_on", "reference"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "investigations/nfa_rates.html",
        {
            "rows": rows,
            "by": by,
            "by_label": selectors.GROUPINGS[by][1],
            "group": group,
            "group_label": selectors.group_label(by, group) if drill is not None else "",
            "drill": drill,
            "names_allowed": names_allowed,
            "policy": policy,
            # Officer rates name people: offered only to readers who may see names.
            "groupings": [
                (key, label)
                for key, (_, label) in selectors.GROUPINGS.items()
                if key != "officer" or names_allowed
            ],
        },
    )
