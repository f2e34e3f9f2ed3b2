"""Crime screens: the list (filters, sorting, CSV), a crime's record, intake by form and police.uk CSV,
the edit page for a crime's recorded facts and the suspect status page (the same services as the API's
PATCH routes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from custos.core.access import not_found, scope_of
from custos.core.csvexport import csv_attachment
from custos.core.pages import opens_for
from custos.core.policy import current_policy
from custos.core.web import flash_errors
from custos.crimes import access, selectors, services
from custos.crimes.forms import (
    CrimeEditForm,
    CrimeFilterForm,
    CrimeForm,
    ImportForm,
    SuspectEditForm,
    SuspectForm,
)
from custos.crimes.models import Crime, Suspect

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _require_personal(request: HttpRequest) -> None:
    if not scope_of(request.user).sees_records:
        raise not_found()


@login_required
@opens_for(lambda s: s.sees_records)
def crime_list(request: HttpRequest) -> HttpResponse:
    form = CrimeFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    filters = selectors.CrimeFilters(
        q=d.get("q") or "",
        status=d.get("status") or "",
        tier=d.get("tier") or "",
        unallocated=bool(d.get("unallocated")),
        borough=request.GET.get("borough", ""),
        offence=request.GET.get("offence", ""),
        series=request.GET.get("series", ""),
    )
    sort = request.GET.get("sort", "recorded")
    qs = selectors.crime_list(actor=request.user, filters=filters, sort=sort)
    if request.GET.get("format") == "csv":
        return _crimes_csv(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "crimes/list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "query": request.GET.urlencode(),
            "can_add": request.user.has_perm("crimes.add_crime"),
        },
    )


def _crimes_csv(qs: Any) -> HttpResponse:
    response, w = csv_attachment("custos-crimes.csv")
    w.writerow(
        [
            "reference",
            "offence",
            "ho_code",
            "recorded_on",
            "borough",
            "tier",
            "required_pip",
            "status",
            "officer",
            "outcome",
        ]
    )
    for c in qs.iterator(chunk_size=2000):
        w.writerow(
            [
                c.reference,
                c.offence_key,
                c.ho_code,
                c.recorded_on,
                c.borough.code,
                c.tier,
                c.required_pip,
                c.status,
                c.officer.staff_number if c.officer else "",
                "" if c.outcome is None else c.outcome,
            ]
        )
    return response


@login_required
def crime_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from custos.allocation.selectors import conflicts_for_crime

    crime = selectors.crime_get(actor=request.user, pk=pk)
    s = scope_of(request.user)
    return render(
        request,
        "crimes/detail.html",
        {
            "crime": crime,
            "series": selectors.linked_series(actor=request.user, crime=crime)[:50],
            "suspects": selectors.suspects_with_offender_links(actor=request.user, crime=crime),
            "can_change": access.can_change_crime(s, crime),
            "suspect_form": SuspectForm(),
            # Declared conflicts of interest binding on this crime, as far as this reader may see them.
            "conflicts": conflicts_for_crime(actor=request.user, crime=crime),
            "can_declare_conflict": s.person_id is not None,
        },
    )


@login_required
def crime_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a crime's recorded facts; the tier and victims' entitlement are re-evaluated on save."""
    crime: Crime = selectors.crime_for_change(actor=request.user, pk=pk)
    policy = current_policy()
    grades = list(policy.get("crimes.thrive.response_grades"))
    form = CrimeEditForm(request.POST or None, initial=CrimeEditForm.initial_for(crime), grades=grades)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            crime = services.crime_update(
                actor=request.user,
                crime=crime,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
                policy=policy,
            )
        except ValidationError as exc:
            stale = (
                any(e.code == "stale" for e in exc.error_list) if not hasattr(exc, "error_dict") else False
            )
            for field, errors in (
                exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            ).items():
                target = "thrive_threat" if field == "thrive" else field
                form.add_error(target if target in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Crime {crime.reference} updated: tier {crime.tier}, PIP{crime.required_pip}"
                f"{', ' + crime.specialism if crime.specialism else ''}.",
            )
            return redirect("crimes:detail", pk=crime.pk)
    return render(request, "crimes/edit.html", {"crime": crime, "form": form, "stale": stale})


@login_required
def crime_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("crimes.add_crime"):
        raise not_found()
    s = scope_of(request.user)
    form = CrimeForm(request.POST or None, initial={"borough": s.borough_id, "team": s.team_id})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        borough, team, reference = d.pop("borough"), d.pop("team"), d.pop("reference")
        try:
            crime = services.crime_create(
                actor=request.user, borough=borough, team=team, reference=reference, data=d
            )
        except PermissionError:
            form.add_error("borough", "You can record crimes only in your own borough.")
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Crime {crime.reference} recorded as {crime.tier}.")
            return redirect("crimes:detail", pk=crime.pk)
    return render(request, "crimes/form.html", {"form": form})


@login_required
def crime_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("crimes.add_crime"):
        raise not_found()
    s = scope_of(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"borough": s.borough_id})
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", "The file is larger than 50 MB; split it by month.")
        else:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", "The file is not UTF-8 text.")
            else:
                try:
                    result = services.crimes_import_csv(
                        actor=request.user, text=text, borough=form.cleaned_data["borough"]
                    )
                except PermissionError:
                    form.add_error("borough", "You can import crimes only into your own borough.")
                else:
                    if result.ok:
                        messages.success(request, f"{result.created} crimes imported.")
                        return redirect(f"{_list_url()}?status=open")
    return render(request, "crimes/import.html", {"form": form, "result": result})


def _list_url() -> str:
    from django.urls import reverse

    return reverse("crimes:list")


@require_POST
@login_required
def suspect_add(request: HttpRequest, pk: int) -> HttpResponse:
    crime: Crime = selectors.crime_for_change(actor=request.user, pk=pk)
    form = SuspectForm(request.POST)
    if form.is_valid():
        try:
            services.suspect_add(
                actor=request.user, crime=crime, suspect=services.SuspectIn(**form.cleaned_data)
            )
            messages.success(request, "Suspect recorded.")
        except ValidationError as exc:
            flash_errors(request, exc)
    else:
        for errs in form.errors.values():
            for m in errs:
                messages.error(request, m)
    return redirect("crimes:detail", pk=pk)


@login_required
def suspect_edit(request: HttpRequest, pk: int, suspect_pk: int) -> HttpResponse:
    """Change a suspect's status after intake (not identified, identified, named)."""
    crime: Crime = selectors.crime_for_change(actor=request.user, pk=pk)
    suspect: Suspect | None = crime.suspects.filter(pk=suspect_pk).first()
    if suspect is None:
        raise not_found()
    form = SuspectEditForm(request.POST or None, initial=SuspectEditForm.initial_for(suspect))
    stale = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            suspect = services.suspect_update(
                actor=request.user, suspect=suspect, data=data, expected_version=data.pop("version")
            )
        except ValidationError as exc:
            stale = not hasattr(exc, "error_dict") and any(e.code == "stale" for e in exc.error_list)
            for field, errors in (
                exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            ).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Suspect now {suspect.get_status_display().lower()}.")
            return redirect("crimes:detail", pk=crime.pk)
    return render(
        request,
        "crimes/suspect_edit.html",
        {"crime": crime, "suspect": suspect, "form": form, "stale": stale},
    )
