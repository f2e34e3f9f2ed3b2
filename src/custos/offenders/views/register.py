"""Adding a nominal to the register, uploading photos, and changing or ending the notified details."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from custos.core.access import not_found, scope_of
from custos.offenders import access, services
from custos.offenders.forms import OffenderCreateForm
from custos.offenders.views.common import attach
from custos.workforce.models import Borough


@login_required
def offender_create(request: HttpRequest) -> HttpResponse:
    s = scope_of(request.user)
    if not access.may_create_offenders(s):
        raise not_found()
    own = None if s.is_admin else Borough.objects.filter(pk=s.borough_id or 0).first()
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
