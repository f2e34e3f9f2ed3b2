"""Workforce screens: people, teams, absences, accreditations and training expiries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from custos.core.access import not_found, scope_of
from custos.core.csvexport import csv_attachment
from custos.core.pages import opens_for
from custos.workforce import access, picker, selectors, services
from custos.workforce.forms import AbsenceForm, AccreditationForm, PersonFilterForm, PersonForm, TeamForm
from custos.workforce.models import Absence, Accreditation, Borough, Person, Team
from custos.workforce.ranks import RANK_CHOICES


def _filters(form: PersonFilterForm) -> selectors.PersonFilters:
    d = form.cleaned_data if form.is_valid() else {}
    return selectors.PersonFilters(
        q=d.get("q") or "",
        borough=d.get("borough") or "",
        rank=d.get("rank") or "",
        pip_level=d.get("pip_level"),
        probationer=d.get("probationer"),
    )


@login_required
@opens_for(lambda s: s.sees_records)
def people(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None)
    qs = selectors.person_list(actor=request.user, filters=_filters(form))
    sort = request.GET.get("sort", "name")
    qs = qs.order_by(
        *{
            "name": ["last_name", "first_name"],
            "rank": ["rank", "last_name"],
            "pip": ["-pip_level", "last_name"],
            "borough": ["borough__name", "last_name"],
        }.get(sort, ["last_name"])
    )
    if request.GET.get("format") == "csv":
        return _people_csv(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/people.html",
        {
            "form": form,
            "page": page,
            "boroughs": Borough.objects.all(),
            "ranks": RANK_CHOICES,
            "can_add": request.user.has_perm("workforce.add_person"),
            "sort": sort,
            "query": request.GET.urlencode(),
        },
    )


def _people_csv(qs: Any) -> HttpResponse:
    response, w = csv_attachment("custos-people.csv")
    w.writerow(
        [
            "staff_number",
            "first_name",
            "last_name",
            "rank",
            "borough",
            "team",
            "pip_level",
            "probationer",
            "visor_authorised",
            "visor_training_expires",
            "hours_per_week",
        ]
    )
    for p in qs.iterator(chunk_size=2000):
        w.writerow(
            [
                p.staff_number,
                p.first_name,
                p.last_name,
                p.rank,
                p.borough.code,
                p.team.name if p.team else "",
                p.pip_level,
                p.probationer,
                p.visor_authorised,
                p.visor_training_expires or "",
                p.hours_per_week,
            ]
        )
    return response


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, selectors.person_get(actor=request.user, pk=pk))


def _person_page(request: HttpRequest, person: Person, **refused: forms.BaseForm) -> HttpResponse:
    """The person's page. ``refused``: its absence or accreditation form that was refused, shown again
    with what was typed and the reasons (a redirect would lose them)."""
    today = timezone.localdate()
    context: dict[str, Any] = {
        "person": person,
        "can_change": request.user.has_perm("workforce.change_person", person),
        "absent_now": selectors.absences_on(person, today),
        "expiries": [
            pe.expiry
            for pe in selectors.training_expiries(people=Person.objects.filter(pk=person.pk), today=today)
        ],
        "accreditation_form": AccreditationForm(),
        "absence_form": AbsenceForm(),
        "today": today,
    }
    context.update(refused)
    context["refused_form"] = next((f for f in refused.values() if f.errors), None)
    return render(request, "workforce/person_detail.html", context)


def _accepted(form: forms.BaseForm, write: Callable[[dict[str, Any]], Any]) -> bool:
    """Validate ``form`` and ``write`` its data through the service; False, with the reasons put on the
    form, when either refuses it."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as exc:
        _attach(form, exc)
        return False
    return True


@login_required
def person_suggestions(request: HttpRequest, source: str, key: int | None = None) -> HttpResponse:
    """People matching what was typed in a PersonField, from the same set (and access) as its form."""
    people = picker.choosable_people(actor=request.user, source=source, key=key)
    # htmx sends the input under its own name; the URL says which.
    typed = request.GET.get(request.GET.get("field") or "q", "")[:100]
    return render(request, "workforce/_person_suggestions.html", {"found": picker.suggest(people, typed)})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("workforce.add_person"):
        raise not_found()
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        data = _ids(data)
        try:
            person = services.person_create(actor=request.user, data=data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"{person} added.")
            return redirect("workforce:person", pk=person.pk)
    return render(request, "workforce/person_form.html", {"form": form, "creating": True})


def _ids(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for rel in ("borough", "team", "line_supervisor"):
        if rel in out:
            obj = out.pop(rel)
            out[f"{rel}_id"] = obj.pk if obj is not None else None
    return out


def _attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_change(actor=request.user, pk=pk)
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = _ids(
            {f: form.cleaned_data[f] for f in form.Meta.fields if f not in ("staff_number", "borough")}
        )
        try:
            services.person_update(
                actor=request.user,
                person=person,
                data=data,
                expected_version=form.cleaned_data.get("version") or person.version,
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("workforce:person", pk=pk)
    return render(request, "workforce/person_form.html", {"form": form, "person": person})


@require_POST
@login_required
def absence_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_change(actor=request.user, pk=pk)
    form = AbsenceForm(request.POST)
    if not _accepted(form, lambda d: services.absence_add(actor=request.user, person=person, **d)):
        return _person_page(request, person, absence_form=form)
    messages.success(request, "Absence recorded.")
    return redirect("workforce:person", pk=pk)


@require_POST
@login_required
def absence_delete(request: HttpRequest, pk: int, absence_id: int) -> HttpResponse:
    person = selectors.person_for_change(actor=request.user, pk=pk)
    absence = get_object_or_404(Absence, pk=absence_id, person=person)
    services.absence_delete(actor=request.user, absence=absence)
    messages.success(request, "Absence removed.")
    return redirect("workforce:person", pk=pk)


@require_POST
@login_required
def accreditation_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_change(actor=request.user, pk=pk)
    form = AccreditationForm(request.POST)
    if not _accepted(form, lambda d: services.accreditation_set(actor=request.user, person=person, **d)):
        return _person_page(request, person, accreditation_form=form)
    messages.success(request, "Accreditation recorded.")
    return redirect("workforce:person", pk=pk)


@require_POST
@login_required
def accreditation_remove(request: HttpRequest, pk: int, acc_id: int) -> HttpResponse:
    person = selectors.person_for_change(actor=request.user, pk=pk)
    acc = get_object_or_404(Accreditation, pk=acc_id, person=person)
    services.accreditation_remove(actor=request.user, accreditation=acc)
    messages.success(request, "Accreditation removed.")
    return redirect("workforce:person", pk=pk)


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    qs = selectors.team_list(actor=request.user)
    s = scope_of(request.user)
    if not s.sees_records:
        raise not_found()
    borough = request.GET.get("borough", "")
    if borough:
        qs = qs.filter(borough__code=borough)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "workforce/teams.html", {"page": page, "boroughs": Borough.objects.all(), "borough": borough}
    )


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_list(actor=request.user).filter(pk=pk).first()
    if team is None:
        raise not_found()
    members = selectors.person_list(actor=request.user).filter(team=team)
    return render(request, "workforce/team_detail.html", {"team": team, "members": members})


@login_required
def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not request.user.has_perm("workforce.manage_teams"):
        raise not_found()
    team = get_object_or_404(Team, pk=pk) if pk else Team()
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ("name", "team_type", "supervisor")}
        if not team.pk:
            data["borough"] = form.cleaned_data["borough"]
        try:
            team = services.team_save(actor=request.user, team=team, data=data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"{team} saved.")
            return redirect("workforce:team", pk=team.pk)
    return render(request, "workforce/team_form.html", {"form": form, "team": team})


@login_required
def training(request: HttpRequest) -> HttpResponse:
    """Training expiries for the people this user manages (everyone, for administrators)."""
    s = scope_of(request.user)
    people_qs = selectors.supervisees(actor=request.user)
    if s.person_id:
        people_qs = people_qs | Person.objects.filter(pk=s.person_id)
    expiries = selectors.training_expiries(people=people_qs.distinct(), today=timezone.localdate())
    return render(request, "workforce/training.html", {"expiries": expiries})


__all__ = ["access"]
