"""Victim screens: search, the victim's record and rights checklist, a crime's victims (and recording an
investigation event), the victim care worklist and the compliance report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from custos.core.access import not_found, scope_of
from custos.core.csvexport import csv_attachment
from custos.core.policy import current_policy
from custos.core.web import flash_errors, submit_form
from custos.crimes.models import Crime
from custos.victims import access, compliance, selectors, services
from custos.victims.clocks import HAND_TRIGGERS, TRIGGER_WORDS
from custos.victims.forms import (
    EVENT_LABELS,
    AssessForm,
    EventForm,
    LinkForm,
    ObligationForm,
    ObligationStartForm,
    ReviewDecideForm,
    ReviewRequestForm,
    VictimForm,
    WithdrawForm,
)
from custos.victims.models import InvestigationEvent, Obligation, VictimCrime
from custos.victims.rules import victims_code_rights


def _bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _csv(name: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    response, writer = csv_attachment(name)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@login_required
def victim_list(request: HttpRequest) -> HttpResponse:
    s = scope_of(request.user)
    if not s.sees_personal_data:
        raise not_found()
    g = request.GET
    filters = selectors.VictimFilters(
        q=g.get("q", ""),
        crime=g.get("crime", ""),
        enhanced=_bool(g.get("enhanced")),
        kind=g.get("kind", ""),
        recognised=_bool(g.get("recognised")),
    )
    page = Paginator(selectors.victim_list(actor=request.user, filters=filters), 50).get_page(g.get("page"))
    return render(request, "victims/list.html", {"page": page, "filters": filters})


def _checklist(link: VictimCrime, obligations: list[Obligation]) -> list[dict[str, Any]]:
    """Each right with its obligations: the tracked rows, and those not triggered yet."""
    mine = [o for o in obligations if o.link_id == link.pk]
    out = []
    for right in victims_code_rights():
        rows = [o for o in mine if o.right == right.number]
        for o in rows:
            o.trigger_label = EVENT_LABELS.get(o.trigger, o.trigger)  # type: ignore[attr-defined]
        keys = {o.key for o in rows}
        waiting = [
            {
                "item": o,
                "starts": TRIGGER_WORDS.get(o.trigger, o.trigger),
                "start_label": HAND_TRIGGERS.get(o.trigger, "") if link.services else "",
            }
            for o in right.obligations
            if o.key not in keys
        ]
        out.append({"right": right, "rows": rows, "waiting": waiting})
    return out


@login_required
def victim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    victim = selectors.victim_get(actor=request.user, pk=pk)
    s = scope_of(request.user)
    obligations = list(selectors.obligations_of(victim))
    # Only the crimes in the reader's need-to-know; a break-glass reader sees them all.
    links = selectors.visible_links(actor=request.user, victim=victim)
    return render(
        request,
        "victims/detail.html",
        {
            "victim": victim,
            "links": [
                {
                    "link": lk,
                    "checklist": _checklist(lk, obligations),
                    "reviews": list(lk.reviews.select_related("reviewer", "decision_maker")),
                    "can_change": access.can_change_link(s, lk),
                }
                for lk in links
            ],
            "assessments": victim.assessments.select_related("assessed_by")[:20],
            "can_change": access.can_change_victim(s, victim),
            "can_review": access.can_review(s),
            "today": timezone.localdate(),
            # Several forms share field names (reason, …) on this page: each gets its own id prefix.
            "obligation_form": ObligationForm(auto_id="obligation-%s"),
            "link_form": LinkForm(auto_id="link-%s"),
            "assess_form": AssessForm(auto_id="assess-%s"),
            "withdraw_form": WithdrawForm(auto_id="withdraw-%s"),
            "review_form": ReviewRequestForm(auto_id="review-%s"),
            "decide_form": ReviewDecideForm(auto_id="decide-%s"),
            "default_frequency": current_policy().get("victims.default_update_frequency_days"),
        },
    )


def _form_data(form: VictimForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    for key in ("representative",):
        data[key] = data.get(key) or ""
    return data


@login_required
def victim_add(request: HttpRequest, crime_pk: int) -> HttpResponse:
    crime = selectors.crime_for_victims(actor=request.user, pk=crime_pk)
    if not services.can_add_victim(request.user, crime):
        raise not_found()
    form = VictimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            victim = services.victim_create(actor=request.user, crime=crime, data=_form_data(form))
        except ValidationError as exc:
            for name, errs in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            messages.success(request, f"{victim.display_name} recorded as a victim of {crime.reference}.")
            return redirect("victims:detail", pk=victim.pk)
    return render(request, "victims/form.html", {"form": form, "crime": crime, "victim": None})


@login_required
def victim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    victim = selectors.victim_for_change(actor=request.user, pk=pk)
    if request.method == "POST":
        form = VictimForm(request.POST)
        if form.is_valid():
            try:
                services.victim_update(
                    actor=request.user,
                    victim=victim,
                    data=_form_data(form),
                    expected_version=form.cleaned_data.get("version") or victim.version,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errs in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errs)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, "Saved; the entitlement was re-evaluated.")
                return redirect("victims:detail", pk=victim.pk)
    else:
        initial = {f: getattr(victim, f) for f in VictimForm.base_fields if hasattr(victim, f)}
        form = VictimForm(initial=initial)
    return render(request, "victims/form.html", {"form": form, "crime": None, "victim": victim})


@require_POST
@login_required
def victim_link(request: HttpRequest, pk: int) -> HttpResponse:
    victim = selectors.victim_for_change(actor=request.user, pk=pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        crime = Crime.objects.filter(reference=form.cleaned_data["reference"].strip()).first()
        if crime is None or not services.can_add_victim(request.user, crime):
            messages.error(request, "No such crime, or it is outside your need-to-know.")
        else:
            try:
                services.victim_link_crime(actor=request.user, victim=victim, crime=crime)
                messages.success(request, f"Linked to {crime.reference}; entitlement re-evaluated.")
            except ValidationError as exc:
                flash_errors(request, exc)
    return redirect("victims:detail", pk=pk)


@require_POST
@login_required
def victim_assess(request: HttpRequest, pk: int) -> HttpResponse:
    victim = selectors.victim_for_change(actor=request.user, pk=pk)
    form = AssessForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else "reassessed"
    services.needs_assessment_record(actor=request.user, victim=victim, reason=reason)
    messages.success(request, "Needs assessment recorded.")
    return redirect("victims:detail", pk=pk)


@require_POST
@login_required
def obligation_update(request: HttpRequest, pk: int) -> HttpResponse:
    ob = selectors.obligation_for_change(actor=request.user, pk=pk)
    submit_form(
        request,
        ObligationForm(request.POST),
        lambda d: services.obligation_update(actor=request.user, obligation=ob, **d),
        done=f"{ob.title}: recorded.",
        invalid="Choose a status and record the evidence.",
    )
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("victims:detail", pk=ob.link.victim_id)


@require_POST
@login_required
def obligation_start(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_get(actor=request.user, pk=pk, change=True)
    submit_form(
        request,
        ObligationStartForm(request.POST),
        lambda d: services.obligation_start(actor=request.user, link=link, key=d["key"], on=d.get("on")),
        done=lambda ob: (
            f"{ob.title}: started on {ob.trigger_on:%d %b %Y}"
            + (f", due by {ob.due_on:%d %b %Y}." if ob.due_on else ", no fixed date.")
        ),
        invalid="Give the date it started, as a real date.",
    )
    return redirect("victims:detail", pk=link.victim_id)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_get(actor=request.user, pk=pk, change=True)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.support_withdraw(
            actor=request.user,
            link=link,
            reason=form.cleaned_data.get("reason") or "",
            on=form.cleaned_data.get("on"),
        )
        messages.success(request, "Withdrawal of support recorded with the victim's reason.")
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("victims:detail", pk=link.victim_id)


@login_required
def crime_victims(request: HttpRequest, crime_pk: int) -> HttpResponse:
    crime = selectors.crime_for_victims(actor=request.user, pk=crime_pk)
    links = selectors.crime_links(actor=request.user, crime=crime)
    s = scope_of(request.user)
    return render(
        request,
        "victims/crime.html",
        {
            "crime": crime,
            "links": links,
            "events": [
                (e, EVENT_LABELS.get(e.event, e.event))
                for e in InvestigationEvent.objects.filter(crime=crime).select_related("recorded_by")[:50]
            ],
            "can_add": services.can_add_victim(request.user, crime),
            "can_record": services.can_add_victim(request.user, crime)
            or any(access.can_change_link(s, lk) for lk in links),
            "event_form": EventForm(initial={"occurred_on": timezone.localdate()}),
        },
    )


@require_POST
@login_required
def record_event(request: HttpRequest, crime_pk: int) -> HttpResponse:
    crime = selectors.crime_for_victims(actor=request.user, pk=crime_pk)
    if not services.can_add_victim(request.user, crime):
        raise not_found()
    submit_form(
        request,
        EventForm(request.POST),
        lambda d: services.investigation_event_recorded(crime=crime, actor=request.user, **d),
        done=lambda result: f"Event recorded; {len(result.created)} victim update(s) now due.",
        invalid="Choose the event and its date.",
    )
    return redirect("victims:crime", crime_pk=crime.pk)


@require_POST
@login_required
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_get(actor=request.user, pk=pk, change=True)
    submit_form(
        request,
        ReviewRequestForm(request.POST),
        lambda d: services.review_request(actor=request.user, link=link, **d),
        done=lambda review: (
            f"Review request recorded: {'eligible' if review.eligible else 'not eligible'}, "
            f"{'in time' if review.in_time else 'late'}; "
            f"acknowledge by {review.acknowledge_by:%d %b %Y}."
        ),
        invalid="Give the date the victim was told of the decision.",
    )
    return redirect("victims:detail", pk=link.victim_id)


@require_POST
@login_required
def review_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(actor=request.user, pk=pk)
    if not access.can_change_link(scope_of(request.user), review.link):
        raise not_found()
    try:
        services.review_acknowledge(actor=request.user, review=review)
        messages.success(request, "Acknowledged.")
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("victims:detail", pk=review.link.victim_id)


@require_POST
@login_required
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(actor=request.user, pk=pk)
    if not access.can_review(scope_of(request.user)):
        raise not_found()
    submit_form(
        request,
        ReviewDecideForm(request.POST),
        lambda d: services.review_decide(actor=request.user, review=review, **d),
        done="Review decided.",
        invalid="Choose the outcome and give the reasons.",
    )
    return redirect("victims:detail", pk=review.link.victim_id)


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).sees_personal_data:
        raise not_found()
    g = request.GET
    today = timezone.localdate()
    right = g.get("right", "")
    filters = selectors.ClockFilters(
        status=g.get("status", ""),
        borough=g.get("borough", ""),
        right=int(right) if right.isdigit() else None,
        enhanced=_bool(g.get("enhanced")),
        key=g.get("key", ""),
    )
    sort = g.get("sort", "due")
    # Counted once (the exported rows, or the paginator's count), and the search audited with that count.
    qs = selectors.clock_list(actor=request.user, filters=filters, sort=sort, today=today, audit_search=False)
    if g.get("format") == "csv":
        rows = [
            [
                o.due_on,
                services.days_overdue(o.due_on, today),
                o.right,
                o.title,
                o.link.crime.reference,
                o.link.victim.display_name,
                o.link.enhanced,
                o.link.crime.officer or "",
                o.due_basis,
            ]
            for o in qs.iterator(chunk_size=500)
        ]
        selectors.clocks_searched(actor=request.user, filters=filters, sort=sort, result_count=len(rows))
        return _csv(
            "victim-clocks.csv",
            [
                "due_on",
                "overdue_days",
                "right",
                "obligation",
                "crime",
                "victim",
                "enhanced",
                "officer",
                "basis",
            ],
            rows,
        )
    page = selectors.ClockPaginator(qs, 50).get_page(g.get("page"))
    selectors.clocks_searched(
        actor=request.user, filters=filters, sort=sort, result_count=page.paginator.count
    )
    return render(
        request,
        "victims/worklist.html",
        {"page": page, "filters": filters, "sort": sort, "today": today, "rights": victims_code_rights()},
    )


@login_required
def compliance_report(request: HttpRequest) -> HttpResponse:
    report = compliance.compliance_report(actor=request.user, today=timezone.localdate())
    if request.GET.get("format") == "csv":
        rows = report.rows()
        return _csv(
            "victims-code-compliance.csv",
            list(rows[0]) if rows else ["section"],
            ([r[k] for k in rows[0]] for r in rows),
        )
    return render(request, "victims/compliance.html", {"report": report})
