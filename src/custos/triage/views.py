"""Lab pages: ranked queue, devices (chain of custody, triage summary), uploads, worklist, hash sets, grading.

No page ever shows a matched image: results are paths, hashes, categories and counts.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
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
from custos.core.pages import opens_for
from custos.core.policy import current_policy
from custos.triage import access, hashstore, links, selectors, services
from custos.triage.forms import (
    AssignForm,
    CompleteForm,
    CustodyForm,
    DeviceForm,
    GradingForm,
    HashSetImportForm,
    ReturnForm,
    UploadForm,
)
from custos.triage.models import Device, Verdict
from custos.triage.ranking import full_examination_required
from custos.workforce.models import Borough, Person

CHOOSE_AN_EXAMINER = "Choose an examiner of this lab."


def _attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            field = name if name in form.fields else name.removesuffix("_id")
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _queue_filters(request: HttpRequest) -> selectors.QueueFilters:
    g = request.GET
    lab = g.get("lab", "")
    return selectors.QueueFilters(
        q=g.get("q", "").strip(),
        lab=int(lab) if lab.isdigit() else None,
        borough=g.get("borough", ""),
        verdict=g.get("verdict", ""),
        misses_sla=_bool(g.get("misses_sla")),
        rso=_bool(g.get("rso")),
    )


@login_required
@opens_for(access.sees_devices)
def queue(request: HttpRequest) -> HttpResponse:
    view = selectors.lab_queue(
        actor=request.user, filters=_queue_filters(request), today=timezone.localdate()
    )
    if request.GET.get("format") == "csv":
        return _queue_csv(view)
    page = Paginator(view.entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "triage/queue.html",
        {
            "view": view,
            "page": page,
            "boroughs": Borough.objects.all(),
            "verdicts": Verdict.choices,
            "can_create": access.can_create_device(scope_of(request.user)),
            "query": request.GET.urlencode(),
        },
    )


def _queue_csv(view: selectors.QueueView) -> HttpResponse:
    response, w = csv_attachment("custos-lab-queue.csv")
    w.writerow(
        [
            "position",
            "exhibit_reference",
            "device_type",
            "lab",
            "borough",
            "crime_reference",
            "verdict",
            "most_severe_category",
            "matched_files",
            "score",
            "referral_grade",
            "sla_due",
            "expected_start",
            "misses_sla",
            "submitted_on",
            "reasons",
            "policy_version",
        ]
    )
    for e in view.entries:
        d, r = e.device, e.ranked
        w.writerow(
            [
                r.position,
                d.exhibit_reference,
                d.device_type,
                d.lab.name,
                d.borough.code,
                d.crime_reference,
                d.verdict,
                d.most_severe_category,
                d.matched_files,
                r.rank.score,
                d.referral_grade,
                r.rank.sla.due,
                r.expected_start or "",
                r.misses_sla,
                d.submitted_on,
                "; ".join(f"{x.label} (+{x.points:g})" for x in r.rank.reasons),
                r.rank.policy_version,
            ]
        )
    return response


@login_required
def device_create(request: HttpRequest) -> HttpResponse:
    s = scope_of(request.user)
    if not access.can_create_device(s):
        raise not_found()
    form = DeviceForm(request.POST or None, initial={"seized_at": timezone.now().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("borough", "lab", "capacity_gb")}
        data["borough_id"] = form.cleaned_data["borough"].pk if form.cleaned_data.get("borough") else None
        data["lab_id"] = form.cleaned_data["lab"].pk
        gb = form.cleaned_data.get("capacity_gb")
        data["capacity_bytes"] = int(Decimal(gb) * 1000**3) if gb is not None else None
        try:
            device = services.device_create(actor=request.user, data=data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"Device {device.exhibit_reference} recorded and queued.")
            return redirect("triage:device", pk=device.pk)
    return render(request, "triage/device_form.html", {"form": form})


@login_required
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _device_page(request, selectors.device_get(actor=request.user, pk=pk))


def _device_page(request: HttpRequest, device: Device, **refused: Any) -> HttpResponse:
    """The device's page. ``refused``: a form of the page the lab refused (``custody_form``, ``return_form``,
    ``complete_form``, or ``assign_error`` with ``assign_choice``), shown again with what was typed and why
    instead of a redirect that would lose it."""
    s = scope_of(request.user)
    policy = current_policy()
    facts = services.facts_of(device)
    from custos.triage.ranking import score

    rank = score(facts, today=timezone.localdate(), policy=policy)
    result = device.latest_result
    context: dict[str, Any] = {
        "device": device,
        "custody": device.custody.select_related("recorded_by").all(),
        "results": selectors.results_of(device, actor=request.user),
        "result": result,
        "categories": _category_rows(result),
        "decisions": device.decisions.select_related("decided_by").all(),
        "rank": rank,
        "full_examination": full_examination_required(
            facts=facts, likely_iioc=device.verdict == Verdict.LIKELY_IIOC, policy=policy
        ),
        "links": links.record_urls(
            request.user, crime_reference=device.crime_reference, offender_id=device.offender_id
        ),
        "can_handle": access.can_handle_device(s, device),
        "can_examine": access.can_examine_device(s, device),
        "is_open": device.status in ("queued", "in-examination"),
        "examiners": selectors.examiners_for(device, timezone.localdate())
        if access.can_examine_device(s, device)
        else [],
        "custody_form": CustodyForm(initial={"seal_number": device.seal_number, "seal_intact": True}),
        "return_form": ReturnForm(),
        "complete_form": CompleteForm(),
        "assign_error": "",
        "assign_choice": None,
    }
    context.update(refused)
    context["refused_form"] = next(
        (f for f in refused.values() if isinstance(f, forms.BaseForm) and f.errors), None
    )
    return render(request, "triage/device_detail.html", context)


def _refused(form: forms.BaseForm, write: Callable[[dict[str, Any]], Any]) -> bool:
    """Validate ``form`` and ``write`` its data through the service; False (the reasons put on the form)
    when either refuses it."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as exc:
        _attach(form, exc)
        return False
    return True


def _category_rows(result: Any) -> list[dict[str, Any]]:
    if result is None:
        return []
    by = result.by_category_and_kind or {}
    rows = []
    for cat in ("A", "B", "C", "uncategorised", "non-indecent"):
        kinds = by.get(cat) or {}
        rows.append(
            {
                "category": cat,
                "total": (result.by_category or {}).get(cat, 0),
                "exact": kinds.get("exact", 0),
                "perceptual": kinds.get("perceptual", 0),
            }
        )
    return rows


@require_POST
@login_required
def custody_add(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_for_handling(actor=request.user, pk=pk)
    form = CustodyForm(request.POST)
    if not _refused(form, lambda d: services.custody_record(actor=request.user, device=device, **d)):
        return _device_page(request, device, custody_form=form)
    messages.success(request, "Handover recorded.")
    return redirect("triage:device", pk=pk)


@login_required
def result_upload(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_for_handling(actor=request.user, pk=pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.parse_report(form.cleaned_data["report"].read())
            result, created = services.result_upload(actor=request.user, device=device, report=report)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(
                request, "Triage result attached." if created else "This report was already attached."
            )
            return redirect("triage:result", pk=result.pk)
    return render(request, "triage/result_upload.html", {"device": device, "form": form})


@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = selectors.result_get(actor=request.user, pk=pk)
    matches = Paginator(result.matches.all(), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "triage/result_detail.html",
        {
            "result": result,
            "device": result.device,
            "page": matches,
            "categories": _category_rows(result),
        },
    )


@login_required
@opens_for(lambda s: s.has(*access.LAB_ROLES) or s.is_admin)
def worklist(request: HttpRequest) -> HttpResponse:
    devices = list(selectors.worklist(actor=request.user))
    selectors.devices_listed(actor=request.user, where="worklist", result_count=len(devices))
    view = selectors.lab_queue(actor=request.user, today=timezone.localdate(), audit_search=False)
    next_up = view.entries[:10]
    selectors.devices_listed(actor=request.user, where="worklist next up", result_count=len(next_up))
    return render(request, "triage/worklist.html", {"devices": devices, "next_up": next_up})


@require_POST
@login_required
def device_assign(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_for_examiner(actor=request.user, pk=pk)
    form = AssignForm(request.POST)
    examiner_id = form.cleaned_data.get("examiner") if form.is_valid() else None
    s = scope_of(request.user)
    examiner = Person.objects.filter(pk=examiner_id or s.person_id or 0).first()
    try:
        if examiner is None:
            raise ValidationError(CHOOSE_AN_EXAMINER)
        services.device_assign(actor=request.user, device=device, examiner=examiner)
    except ValidationError as exc:
        return _device_page(request, device, assign_error=" ".join(exc.messages), assign_choice=examiner_id)
    messages.success(request, f"Assigned to {examiner.full_name}.")
    return redirect("triage:device", pk=pk)


@require_POST
@login_required
def device_return(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_for_examiner(actor=request.user, pk=pk)
    form = ReturnForm(request.POST)
    if not _refused(
        form, lambda d: services.device_return(actor=request.user, device=device, reason=d["reason"])
    ):
        return _device_page(request, device, return_form=form)
    messages.success(request, "Device returned; the decision is recorded.")
    return redirect("triage:device", pk=pk)


@require_POST
@login_required
def device_complete(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_for_examiner(actor=request.user, pk=pk)
    form = CompleteForm(request.POST)
    if not _refused(
        form,
        lambda d: services.device_examination_complete(
            actor=request.user, device=device, findings=d, reason=d.get("notes") or ""
        ),
    ):
        return _device_page(request, device, complete_form=form)
    messages.success(request, "Examination recorded as complete.")
    return redirect("triage:device", pk=pk)


# --- hash sets and grading -----------------------------------------------------------------------


@login_required
def hashsets(request: HttpRequest) -> HttpResponse:
    s = scope_of(request.user)
    if not access.is_lab(s):
        raise not_found()
    return render(
        request,
        "triage/hashsets.html",
        {
            "sets": selectors.hashset_list(actor=request.user),
            "can_manage": access.can_manage_hashsets(s),
            "form": HashSetImportForm(),
        },
    )


@login_required
def hashset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hs = selectors.hashset_get(actor=request.user, pk=pk)
    return render(
        request,
        "triage/hashset_detail.html",
        {
            "set": hs,
            "imports": hs.imports.select_related("imported_by")[:50],
            "can_manage": access.can_manage_hashsets(scope_of(request.user)),
        },
    )


@require_POST
@login_required
def hashset_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    hs = selectors.hashset_get(actor=request.user, pk=pk)
    if not access.can_manage_hashsets(scope_of(request.user)):
        raise not_found()
    hashstore.hashset_set_enabled(actor=request.user, hash_set=hs, enabled=not hs.enabled)
    messages.success(request, f"{hs.name} {'enabled' if hs.enabled else 'disabled'}.")
    return redirect("triage:hashsets")


@login_required
def hashset_import(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_hashsets(scope_of(request.user)):
        raise not_found()
    form = HashSetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with tempfile.TemporaryDirectory(prefix="custos-hashset-") as folder:
            path = os.path.join(folder, os.path.basename(d["file"].name) or "upload")
            with open(path, "wb") as fh:
                for chunk in d["file"].chunks():
                    fh.write(chunk)
            try:
                # An uploaded file does not stay on disk, so an NSRL database is loaded, not used in place.
                outcome = hashstore.hashset_import(
                    actor=request.user,
                    path=path,
                    name=d["name"],
                    version=d.get("version") or None,
                    known_good=d.get("known_good", False),
                    load_rds=True,
                )
            except ValidationError as exc:
                # The parser names the file by the path it read: show the user's own file name, not the
                # server's temporary folder.
                shown = os.path.basename(path)
                _attach(form, ValidationError({"file": [m.replace(path, shown) for m in exc.messages]}))
                outcome = None
        if outcome is not None:
            info = outcome.describe()
            messages.success(
                request,
                "This file was already imported: nothing added."
                if outcome.already_imported
                else f"Imported {info['exact_added']:,} exact and {info['pdq_added']:,} PDQ hashes.",
            )
            return redirect("triage:hashset", pk=outcome.hash_set.pk)
    return render(request, "triage/hashset_import.html", {"form": form})


@login_required
def grading(request: HttpRequest) -> HttpResponse:
    s = scope_of(request.user)
    if not access.is_lab(s):
        raise not_found()
    form = GradingForm(request.POST or None)
    if request.method == "POST":
        if not access.can_grade(s):
            raise not_found()
        if form.is_valid():
            try:
                g = services.grading_record(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(
                    request,
                    "Grading recorded."
                    + (
                        " It completes the consensus: the hash is now in the force's local set."
                        if g.counted
                        else ""
                    ),
                )
                return redirect("triage:grading")
    policy = current_policy()
    return render(
        request,
        "triage/grading.html",
        {
            "form": form,
            "items": selectors.grading_items(actor=request.user),
            "can_grade": access.can_grade(s),
            "required": policy.get("triage.gradings_required"),
            "basis": policy.basis("triage.gradings_required"),
        },
    )


__all__ = ["Device"]
