"""Recording forms: visits, notifications, risk, management, details, transfer, tasks, s.96B, breach."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from custos.core.access import not_found, scope_of
from custos.offenders import access, pickers, selectors, services
from custos.offenders.forms import (
    ArmsForm,
    BreachForm,
    DetailForm,
    ManagementForm,
    NotificationForm,
    RM2000Form,
    TaskCloseForm,
    TransferForm,
    VisitForm,
    WarrantForm,
)
from custos.offenders.models import Offender, OffenderTask, S96BWarrant
from custos.offenders.views.common import attach
from custos.offenders.views.record import record_page
from custos.workforce.models import Person

CREATED_LABELS = {
    "s96b-consideration": "A s.96B warrant consideration task has been opened.",
    "breach-case": "A breach/missing case has been opened.",
    "di-plan-required": "The DI has been alerted: a plan is required.",
    "overdue-alert": "The visit is overdue: the offender manager and DS have been alerted.",
}


def _announce_created(request: HttpRequest, created: dict[str, int]) -> None:
    for kind in created:
        if kind in CREATED_LABELS:
            messages.warning(request, CREATED_LABELS[kind])


@login_required
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="record a visit")
    initial = {"attempted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "for_risk_assessment": True}
    person_id = scope_of(request.user).person_id
    if person_id:
        initial["officer"] = person_id
    form = VisitForm(request.POST or None, officers=pickers.visit_officers(offender), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            _, created = services.visit_record(
                actor=request.user,
                offender=offender,
                attempted_at=d["attempted_at"],
                outcome=d["outcome"],
                officer=d["officer"],
                second_officer=d["second_officer"],
                announced=d["announced"],
                announce_reason=d["announce_reason"] or "",
                for_risk_assessment=d["for_risk_assessment"],
                observations=d["observations"],
                devices_seen=d["devices_seen"],
                risk_indicators=d["risk_indicators"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Visit recorded.")
            _announce_created(request, created)
            if d["risk_indicators"] or d["devices_seen"]:
                messages.info(
                    request, "Risk indicators or devices were recorded: update the ARMS assessment."
                )
                return redirect("offenders:risk", pk=pk)
            return redirect("offenders:offender", pk=pk)
    return render(request, "offenders/visit_form.html", {"o": offender, "form": form})


@login_required
def notification_record(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="record a notification")
    form = NotificationForm(request.POST or None, initial={"on": timezone.localdate(), "in_person": True})
    if request.method == "POST" and form.is_valid():
        try:
            _, created = services.notification_record(
                actor=request.user, offender=offender, **form.cleaned_data
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Notification recorded.")
            _announce_created(request, created)
            return redirect("offenders:offender", pk=pk)
    return render(
        request,
        "offenders/simple_form.html",
        {"o": offender, "form": form, "title": "Record a notification (in person)"},
    )


@login_required
def risk(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="risk assessment")
    today = timezone.localdate()
    which = request.POST.get("form") if request.method == "POST" else None
    rm = RM2000Form(
        request.POST if which == "rm2000" else None,
        initial={"assessed_on": today, "age": offender.age_on(today), "offence_after_16": True},
        auto_id="rm2000-%s",  # two forms on one page: their fields need distinct ids
    )
    arms = ArmsForm(
        request.POST if which == "arms" else None, initial={"assessed_on": today}, auto_id="arms-%s"
    )
    if which == "rm2000" and rm.is_valid():
        try:
            services.rm2000_record(
                actor=request.user,
                offender=offender,
                scale=rm.cleaned_data["scale"],
                assessed_on=rm.cleaned_data["assessed_on"],
                inputs=rm.rule_inputs(),
            )
        except ValidationError as exc:
            attach(rm, exc)
        else:
            messages.success(request, "RM2000 assessment recorded.")
            return redirect("offenders:offender", pk=pk)
    if which == "arms" and arms.is_valid():
        d = arms.cleaned_data
        services.arms_record(
            actor=request.user,
            offender=offender,
            assessed_on=d["assessed_on"],
            risk_factors=[x.strip() for x in d["risk_factors"].splitlines() if x.strip()],
            protective_factors=[x.strip() for x in (d["protective_factors"] or "").splitlines() if x.strip()],
            judgement=d["judgement"],
            significant_change_on=d["significant_change_on"],
        )
        messages.success(request, "ARMS assessment recorded.")
        return redirect("offenders:offender", pk=pk)
    history = list(offender.risk_assessments.select_related("assessor")[:30])
    return render(request, "offenders/risk.html", {"o": offender, "rm": rm, "arms": arms, "history": history})


@login_required
def management(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="management")
    initial = {
        f: getattr(offender, f)
        for f in (
            "mappa_category",
            "mappa_level",
            "management_mode",
            "rosh_level",
            "rosh_reason",
            "whereabouts_verified",
            "no_fixed_abode",
            "version",
        )
    }
    initial |= {"lead_manager": offender.lead_manager_id, "deputy_manager": offender.deputy_manager_id}
    form = ManagementForm(
        request.POST or None,
        managers=pickers.managers(offender),
        leads=pickers.lead_managers(offender),
        borough_id=offender.borough_id,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        version = d.pop("version")
        lead, deputy = d.pop("lead_manager"), d.pop("deputy_manager")
        d["lead_manager_id"] = lead.pk if lead else None
        d["deputy_manager_id"] = deputy.pk if deputy else None
        try:
            _, warnings = services.offender_update_management(
                actor=request.user, offender=offender, data=d, expected_version=version
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            for w in warnings:
                messages.warning(request, w)
            messages.success(request, "Management updated.")
            return redirect("offenders:offender", pk=pk)
    return render(
        request,
        "offenders/simple_form.html",
        {"o": offender, "form": form, "title": "Management: MAPPA, RoSH and offender managers"},
    )


@require_POST
@login_required
def details_add(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="update details")
    form = DetailForm(request.POST)
    if form.is_valid():
        try:
            _add_detail(request, offender, form.cleaned_data)
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Record updated.")
            return redirect("offenders:offender", pk=pk)
    # Refused: the record again, the form open with what was typed and each error beside its field.
    return record_page(request, offender, add_form=form)


def _add_detail(request: HttpRequest, offender: Offender, d: dict[str, Any]) -> None:
    today = timezone.localdate()
    section = d["section"]
    if section == "alias":
        services.alias_add(
            actor=request.user,
            offender=offender,
            first_name=d["first_name"],
            last_name=d["last_name"],
            used_from=d["from_date"],
            used_to=d["to_date"],
        )
    elif section == "address":
        services.address_add(
            actor=request.user,
            offender=offender,
            kind=d["address_kind"] or "home",
            line1=d["line1"],
            town=d["town"],
            postcode=d["postcode"],
            from_date=d["from_date"] or today,
            to_date=d["to_date"],
        )
    elif section == "detail":
        services.detail_add(
            actor=request.user,
            offender=offender,
            kind=d["detail_kind"] or "vehicle",
            value=d["value"],
            from_date=d["from_date"],
        )
    elif section == "away":
        services.away_period_add(
            actor=request.user,
            offender=offender,
            kind=d["away_kind"],
            start=d["from_date"] or today,
            end=d["to_date"],
        )
    else:
        services.link_add(
            actor=request.user, offender=offender, kind=d["link_kind"] or "crime", reference=d["value"]
        )


@login_required
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="transfer")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offender_transfer(actor=request.user, offender=offender, **form.cleaned_data)
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Transfer recorded; handover task opened.")
            if access.can_view_offender(scope_of(request.user), Offender.objects.get(pk=pk)):
                return redirect("offenders:offender", pk=pk)
            return redirect("offenders:worklist")
    return render(
        request,
        "offenders/simple_form.html",
        {"o": offender, "form": form, "title": "Transfer to another borough or force"},
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(actor=request.user, pk=pk)
    form = TaskCloseForm(request.POST or None)
    if request.method == "POST":
        if not access.can_change_offender(scope_of(request.user), task.offender):
            raise not_found()
        if form.is_valid():
            try:
                services.task_close(actor=request.user, task=task, **form.cleaned_data)
            except ValidationError as exc:
                attach(form, exc)
            except PermissionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Task closed with the decision recorded.")
                return redirect("offenders:offender", pk=task.offender_id)
    return _task_page(request, task, form=form)


def _task_page(
    request: HttpRequest,
    task: OffenderTask,
    *,
    form: TaskCloseForm | None = None,
    warrant_form: WarrantForm | None = None,
) -> HttpResponse:
    warrants = (
        list(S96BWarrant.objects.filter(offender=task.offender)) if task.kind == "s96b-consideration" else []
    )
    pid = scope_of(request.user).person_id
    person = Person.objects.filter(pk=pid).first() if pid else None
    return render(
        request,
        "offenders/task.html",
        {
            "task": task,
            "form": form or TaskCloseForm(),
            "warrants": warrants,
            "warrant_form": warrant_form or WarrantForm(),
            "can_close_s96b": services.can_close_s96b(person),
        },
    )


WARRANT_APPLY_FIRST = "Record the application first."


@require_POST
@login_required
def warrant(request: HttpRequest, pk: int) -> HttpResponse:
    """s.96B application, decision and execution for the offender ``pk``. Refused: the page the form was
    on (the task, when posted from one) again, with what was typed and each error beside its field."""
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="s.96B warrant")
    form = WarrantForm(request.POST)
    task_id = request.POST.get("task")
    task = offender.tasks.filter(pk=task_id).first() if task_id and task_id.isdigit() else None
    if form.is_valid():
        try:
            _warrant_step(request, offender, form.cleaned_data, task)
        except ValidationError as exc:
            attach(form, exc)
        except PermissionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "s.96B warrant updated.")
            if task is not None:
                return redirect("offenders:task", pk=task.pk)
            return redirect("offenders:offender", pk=pk)
    if task is not None:
        return _task_page(request, task, warrant_form=form)
    return render(
        request,
        "offenders/simple_form.html",
        {"o": offender, "form": form, "title": "s.96B warrant", "submit": "Record"},
    )


def _warrant_step(
    request: HttpRequest, offender: Offender, d: dict[str, Any], task: OffenderTask | None
) -> None:
    if d["action"] == "apply":
        services.s96b_apply(
            actor=request.user,
            offender=offender,
            address=d["address"] or "last notified",
            applied_on=d["on"],
            task=task,
        )
        return
    w = offender.s96b_warrants.first()
    if w is None:
        raise ValidationError({"action": [WARRANT_APPLY_FIRST]})
    if d["action"] in ("grant", "refuse"):
        services.s96b_decide(
            actor=request.user, warrant=w, granted=d["action"] == "grant", on=d["on"], court=d["court"]
        )
    else:
        services.s96b_execute(actor=request.user, warrant=w, on=d["on"], outcome=d["outcome"])


@login_required
def breach_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.breach_case_get(actor=request.user, pk=pk)
    form = BreachForm(request.POST or None)
    if request.method == "POST":
        if not access.can_change_offender(scope_of(request.user), case.offender):
            raise not_found()
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["action"] == "record":
                    services.breach_record_systems(
                        actor=request.user, case=case, pnc=d["pnc"], visor=d["visor"]
                    )
                elif d["action"] == "decide":
                    services.breach_decide(
                        actor=request.user,
                        case=case,
                        mapp_meeting=d["mapp_meeting"],
                        enforcement=d["enforcement"],
                        rationale=d["note"],
                    )
                elif d["action"] == "review":
                    services.breach_review(actor=request.user, case=case, note=d["note"])
                else:
                    services.breach_close(actor=request.user, case=case, resolution=d["note"])
            except ValidationError as exc:
                attach(form, exc)
            except PermissionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Breach case updated.")
                return redirect("offenders:breach", pk=pk)
    return render(
        request,
        "offenders/breach.html",
        {
            "case": case,
            "form": form,
            "reviews": list(case.reviews.select_related("reviewer")),
            "today": timezone.localdate(),
        },
    )
