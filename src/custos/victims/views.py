"""Victim screens: search, the victim's record and rights checklist, a crime's victims (and recording an
investigation event), the victim care worklist and the compliance report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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

from custos.core.access import not_found, scope_of
from custos.core.csvexport import csv_attachment
from custos.core.policy import current_policy
from custos.core.web import flash_errors, redirect_back
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
from custos.victims.models import InvestigationEvent, Obligation, Victim, VictimCrime
from custos.victims.rules import victims_code_rights

NO_SUCH_CRIME = "No such crime, or it is outside your need-to-know."


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


# A form the service (or the form itself) refused: shown again on its record's page with what was typed and
# the reasons beside it, rather than a redirect that loses the input. Keyed by (form kind, what it is for).
Refused = tuple[str, Any, forms.BaseForm]


def _refuse(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's refusal on the form: each message beside its field, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _attempt[T](form: forms.BaseForm, write: Callable[[dict[str, Any]], T]) -> tuple[bool, T | None]:
    """Validate the form, then write through the service; (False, None) when either refused it."""
    if not form.is_valid():
        return False, None
    try:
        return True, write(form.cleaned_data)
    except ValidationError as exc:
        _refuse(form, exc)
        return False, None


# Each form on the victim's page has its own id prefix: several share field names (reason, on, ...), and
# the per-obligation, per-crime and per-review forms repeat.
def _obligation_form(pk: int, data: Any = None) -> ObligationForm:
    return ObligationForm(data, auto_id=f"obligation-{pk}-%s")


def _start_form(link_pk: int, key: str, data: Any = None) -> ObligationStartForm:
    return ObligationStartForm(data, auto_id=f"start-{link_pk}-{key}-%s")


def _withdraw_form(link_pk: int, data: Any = None) -> WithdrawForm:
    return WithdrawForm(data, auto_id=f"withdraw-{link_pk}-%s")


def _review_form(link_pk: int, data: Any = None) -> ReviewRequestForm:
    return ReviewRequestForm(data, auto_id=f"review-{link_pk}-%s")


def _decide_form(review: Any, data: Any = None) -> ReviewDecideForm:
    # Not eligible: the reasons the rules gave are what the victim is told, unless the reviewer words them.
    initial = {} if review.eligible else {"reasons": "; ".join(review.eligibility_reasons)}
    return ReviewDecideForm(data, auto_id=f"decide-{review.pk}-%s", eligible=review.eligible, initial=initial)


def _checklist(
    link: VictimCrime, obligations: list[Obligation], refused: dict[tuple[str, Any], forms.BaseForm]
) -> list[dict[str, Any]]:
    """Each right with its obligations: the tracked rows, and those not triggered yet."""
    mine = [o for o in obligations if o.link_id == link.pk]
    out = []
    for right in victims_code_rights():
        rows = [o for o in mine if o.right == right.number]
        for o in rows:
            o.trigger_label = EVENT_LABELS.get(o.trigger, o.trigger)  # type: ignore[attr-defined]
            o.refused_form = refused.get(("obligation", o.pk))  # type: ignore[attr-defined]
        keys = {o.key for o in rows}
        waiting = [
            {
                "item": o,
                "starts": TRIGGER_WORDS.get(o.trigger, o.trigger),
                "start_label": HAND_TRIGGERS.get(o.trigger, "") if link.services else "",
                "refused_form": refused.get(("start", (link.pk, o.key))),
            }
            for o in right.obligations
            if o.key not in keys
        ]
        out.append({"right": right, "rows": rows, "waiting": waiting})
    return out


@login_required
def victim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.victim_get(actor=request.user, pk=pk))


def _detail_page(request: HttpRequest, victim: Victim, refused: Refused | None = None) -> HttpResponse:
    """The victim's page; with ``refused``, that form shown again as it was posted, with its errors."""
    s = scope_of(request.user)
    failed = {(refused[0], refused[1]): refused[2]} if refused else {}
    obligations = list(selectors.obligations_of(victim))
    # Only the crimes in the reader's need-to-know; a break-glass reader sees them all.
    links = selectors.visible_links(actor=request.user, victim=victim)
    items = []
    for lk in links:
        reviews = list(
            lk.reviews.select_related("reviewer", "decision_maker").prefetch_related(
                "escalations__supervisor"
            )
        )
        for r in reviews:
            r.decide_form = failed.get(("decide", r.pk)) or _decide_form(r)  # type: ignore[attr-defined]
        items.append(
            {
                "link": lk,
                "checklist": _checklist(lk, obligations, failed),
                "reviews": reviews,
                "can_change": access.can_change_link(s, lk),
                "review_form": failed.get(("review", lk.pk)) or _review_form(lk.pk),
                "withdraw_form": failed.get(("withdraw", lk.pk)) or _withdraw_form(lk.pk),
            }
        )
    return render(
        request,
        "victims/detail.html",
        {
            "victim": victim,
            "links": items,
            "assessments": selectors.assessment_history(victim=victim, links=links),
            "can_change": access.can_change_victim(s, victim),
            "can_review": access.can_review(s),
            "today": timezone.localdate(),
            "status_choices": ObligationForm.base_fields["status"].choices,  # type: ignore[attr-defined]
            "link_form": failed.get(("link", victim.pk)) or LinkForm(auto_id="link-%s"),
            "assess_form": failed.get(("assess", victim.pk)) or AssessForm(auto_id="assess-%s"),
            "refused_form": refused[2] if refused else None,
            "default_frequency": current_policy().get("victims.default_update_frequency_days"),
        },
    )


def _refused_on_page(request: HttpRequest, victim_pk: int, refused: Refused) -> HttpResponse:
    victim = selectors.victim_get(actor=request.user, pk=victim_pk, purpose="form refused")
    return _detail_page(request, victim, refused)


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
                _refuse(form, exc)
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
    form = LinkForm(request.POST, auto_id="link-%s")
    if form.is_valid():
        crime = Crime.objects.filter(reference=form.cleaned_data["reference"].strip()).first()
        if crime is None or not services.can_add_victim(request.user, crime):
            form.add_error("reference", NO_SUCH_CRIME)
        else:
            ok, _ = _attempt(
                form, lambda d: services.victim_link_crime(actor=request.user, victim=victim, crime=crime)
            )
            if ok:
                messages.success(request, f"Linked to {crime.reference}; entitlement re-evaluated.")
                return redirect("victims:detail", pk=pk)
    return _detail_page(request, victim, ("link", victim.pk, form))


@require_POST
@login_required
def victim_assess(request: HttpRequest, pk: int) -> HttpResponse:
    victim = selectors.victim_for_change(actor=request.user, pk=pk)
    form = AssessForm(request.POST, auto_id="assess-%s")
    ok, _ = _attempt(
        form,
        lambda d: services.needs_assessment_record(actor=request.user, victim=victim, reason=d["reason"]),
    )
    if not ok:
        return _detail_page(request, victim, ("assess", victim.pk, form))
    messages.success(request, "Needs assessment recorded.")
    return redirect("victims:detail", pk=pk)


@require_POST
@login_required
def obligation_update(request: HttpRequest, pk: int) -> HttpResponse:
    ob = selectors.obligation_for_change(actor=request.user, pk=pk)
    form = _obligation_form(ob.pk, request.POST)
    ok, _ = _attempt(form, lambda d: services.obligation_update(actor=request.user, obligation=ob, **d))
    if not ok:
        return _refused_on_page(request, ob.link.victim_id, ("obligation", ob.pk, form))
    messages.success(request, f"{ob.title}: recorded.")
    return redirect_back(request, "victims:detail", pk=ob.link.victim_id)


@require_POST
@login_required
def obligation_start(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_get(actor=request.user, pk=pk, change=True)
    key = request.POST.get("key", "")
    form = _start_form(link.pk, key, request.POST)
    ok, ob = _attempt(
        form,
        lambda d: services.obligation_start(actor=request.user, link=link, key=d["key"], on=d.get("on")),
    )
    if not ok or ob is None:
        return _refused_on_page(request, link.victim_id, ("start", (link.pk, key), form))
    messages.success(
        request,
        f"{ob.title}: started on {ob.trigger_on:%d %b %Y}"
        + (f", due by {ob.due_on:%d %b %Y}." if ob.due_on else ", no fixed date."),
    )
    return redirect("victims:detail", pk=link.victim_id)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_get(actor=request.user, pk=pk, change=True)
    form = _withdraw_form(link.pk, request.POST)
    ok, _ = _attempt(
        form,
        lambda d: services.support_withdraw(
            actor=request.user, link=link, reason=d.get("reason") or "", on=d.get("on")
        ),
    )
    if not ok:
        return _refused_on_page(request, link.victim_id, ("withdraw", link.pk, form))
    messages.success(request, "Withdrawal of support recorded with the victim's reason.")
    return redirect("victims:detail", pk=link.victim_id)


@login_required
def crime_victims(request: HttpRequest, crime_pk: int) -> HttpResponse:
    return _crime_page(request, selectors.crime_for_victims(actor=request.user, pk=crime_pk))


def _crime_page(request: HttpRequest, crime: Crime, event_form: EventForm | None = None) -> HttpResponse:
    """A crime's victims and events; with ``event_form``, a refused event shown again as it was posted."""
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
            "event_form": event_form or EventForm(initial={"occurred_on": timezone.localdate()}),
        },
    )


@require_POST
@login_required
def record_event(request: HttpRequest, crime_pk: int) -> HttpResponse:
    crime = selectors.crime_for_victims(actor=request.user, pk=crime_pk)
    if not services.can_add_victim(request.user, crime):
        raise not_found()
    form = EventForm(request.POST)
    ok, result = _attempt(
        form, lambda d: services.investigation_event_recorded(crime=crime, actor=request.user, **d)
    )
    if not ok or result is None:
        return _crime_page(request, crime, form)
    messages.success(request, f"Event recorded; {len(result.created)} victim update(s) now due.")
    return redirect("victims:crime", crime_pk=crime.pk)


@require_POST
@login_required
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_get(actor=request.user, pk=pk, change=True)
    form = _review_form(link.pk, request.POST)
    ok, review = _attempt(form, lambda d: services.review_request(actor=request.user, link=link, **d))
    if not ok or review is None:
        return _refused_on_page(request, link.victim_id, ("review", link.pk, form))
    messages.success(
        request,
        f"Review request recorded: {'eligible' if review.eligible else 'not eligible'}, "
        f"{'in time' if review.in_time else 'late'}; acknowledge by {review.acknowledge_by:%d %b %Y}.",
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
    form = _decide_form(review, request.POST)
    ok, _ = _attempt(form, lambda d: services.review_decide(actor=request.user, review=review, **d))
    if not ok:
        return _refused_on_page(request, review.link.victim_id, ("decide", review.pk, form))
    messages.success(request, "Review decided.")
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
