"""Adding a nominal to the register, uploading photos, and changing or ending the notified details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from custos.core.access import not_found
from custos.offenders import pickers, selectors, services
from custos.offenders.forms import (
    AddressEditForm,
    AliasEditForm,
    ConvictionForm,
    DetailEditForm,
    EndForm,
    OffenderCreateForm,
    PhotoForm,
)
from custos.offenders.models import Address, Alias, NotifiableDetail
from custos.offenders.views.common import attach


@login_required
def offender_create(request: HttpRequest) -> HttpResponse:
    own = pickers.registering_borough(request.user)
    form = OffenderCreateForm(request.POST or None, borough=own)
    if request.method == "POST" and form.is_valid():
        try:
            offender, warnings = services.offender_create(actor=request.user, data=form.offender_data())
        except ValidationError as exc:
            attach(form, exc)
        except PermissionError as exc:
            form.add_error(None, str(exc))
        else:
            for w in warnings:
                messages.warning(request, w)
            messages.success(request, f"{offender.full_name} added to the register as {offender.reference}.")
            return redirect("offenders:offender", pk=offender.pk)
    return render(
        request,
        "offenders/simple_form.html",
        {
            "form": form,
            "title": "Add an offender to the register",
            "caption": own.name if own else "Any borough",
            "cancel": "offenders:worklist",
        },
    )


@login_required
def conviction_add(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="add a conviction")
    form = ConvictionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conviction_add(actor=request.user, offender=offender, data=form.cleaned_data)
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(
                request,
                "Conviction or caution recorded. The notification period has been recalculated (see "
                "Computed dates): tell the offender of any change. A risk review task has been opened.",
            )
            return redirect("offenders:offender", pk=pk)
    return render(
        request,
        "offenders/simple_form.html",
        {"o": offender, "form": form, "title": "Add a conviction or caution"},
    )


@login_required
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose="add a photo")
    form = PhotoForm(request.POST or None, request.FILES or None, initial={"taken_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.photo_add(
                actor=request.user,
                offender=offender,
                upload=d["image"],
                taken_on=d["taken_on"],
                caption=d["caption"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Photo added.")
            return redirect("offenders:offender", pk=pk)
    return render(
        request,
        "offenders/simple_form.html",
        {"o": offender, "form": form, "title": "Add a photo", "submit": "Upload"},
    )


@dataclass(frozen=True)
class Section:
    model: type[models.Model]
    form: type[forms.ModelForm]
    noun: str
    end_label: str


SECTIONS = {
    "alias": Section(Alias, AliasEditForm, "alias", "Date they stopped using this name"),
    "address": Section(Address, AddressEditForm, "address", "Date they stopped living or staying there"),
    "detail": Section(NotifiableDetail, DetailEditForm, "notifiable detail", "Date it ended"),
}


def _item(request: HttpRequest, pk: int, item_id: int, section: str, purpose: str) -> tuple[Any, Any]:
    offender = selectors.offender_for_change(actor=request.user, pk=pk, purpose=purpose)
    item: Any = SECTIONS[section].model._default_manager.filter(pk=item_id, offender=offender).first()
    if item is None:
        raise not_found()
    item.offender = offender  # the one already checked and audited
    return offender, item


@login_required
def item_edit(request: HttpRequest, pk: int, item_id: int, section: str) -> HttpResponse:
    spec = SECTIONS[section]
    offender, item = _item(request, pk, item_id, section, f"change {spec.noun}")
    initial = {**model_to_dict(item, fields=spec.form._meta.fields), "version": item.version}
    form = spec.form(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.notified_item_update(
                actor=request.user, item=item, values=values, expected_version=version
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"The {spec.noun} has been changed.")
            return redirect("offenders:offender", pk=pk)
    return render(
        request,
        "offenders/simple_form.html",
        {"o": offender, "form": form, "title": f"Change {spec.noun}: {item}"},
    )


@login_required
def item_end(request: HttpRequest, pk: int, item_id: int, section: str) -> HttpResponse:
    spec = SECTIONS[section]
    offender, item = _item(request, pk, item_id, section, f"end {spec.noun}")
    form = EndForm(
        request.POST or None,
        label=spec.end_label,
        initial={"version": item.version, "ended_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notified_item_end(
                actor=request.user,
                item=item,
                ended_on=form.cleaned_data["ended_on"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"The {spec.noun} has been ended.")
            return redirect("offenders:offender", pk=pk)
    return render(
        request,
        "offenders/simple_form.html",
        {"o": offender, "form": form, "title": f"End {spec.noun}: {item}", "submit": "Record the end"},
    )
