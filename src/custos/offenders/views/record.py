"""The offender record (every read audited), photos through an access check, and search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from custos.core.access import not_found, scope_of
from custos.core.pages import opens_for
from custos.core.views import who_viewed
from custos.offenders import access, selectors
from custos.offenders.computed import record_dates
from custos.offenders.forms import DetailForm, SearchForm
from custos.offenders.models import Offender, OffenderPhoto
from custos.offenders.rules import predictability


@login_required
def offender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offender = selectors.offender_get(actor=request.user, pk=pk)
    return record_page(request, offender)


def record_page(request: HttpRequest, offender: Offender, add_form: DetailForm | None = None) -> HttpResponse:
    """The record of ``offender`` (already fetched through an audited selector). ``add_form``: the "Add a
    detail" form as posted, shown open with what was typed and its errors when it was refused."""
    today = timezone.localdate()
    record = selectors.offender_record(offender)
    dates, evaluation = record_dates(offender, today=today)
    from custos.core.policy import current_policy

    history = [v.attempted_at for v in record["visits"] if v.attempted_at is not None]
    s = scope_of(request.user)
    return render(
        request,
        "offenders/offender_detail.html",
        {
            "o": offender,
            **record,
            "dates": dates,
            "evaluation": evaluation,
            "today": today,
            "predictability": predictability(
                [timezone.localtime(h) for h in history], policy=current_policy()
            ),
            "links": selectors.offender_links(actor=request.user, offender=offender),
            "can_change": access.can_change_offender(s, offender),
            "add_form": add_form if add_form is not None else DetailForm(),
            "viewers": who_viewed(object_type="offenders.offender", object_id=offender.pk)
            if access.is_supervisor(s) or s.has("professional-standards")  # type: ignore[arg-type]
            else None,
        },
    )


@login_required
def photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    offender = selectors.offender_get(actor=request.user, pk=pk, purpose="photo")
    item = OffenderPhoto.objects.filter(pk=photo_id, offender=offender).first()
    if item is None or not item.image:
        raise not_found()
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@opens_for(access.works_with_offenders)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        query = selectors.SearchQuery(
            name=d["name"] or "",
            date_of_birth=d["date_of_birth"],
            address=d["address"] or "",
            vrm=d["vrm"] or "",
        )
        if query.as_dict():
            results = selectors.offender_search(actor=request.user, query=query)
        else:
            form.add_error(
                None, ValidationError("Enter a name, date of birth, address or vehicle registration.")
            )
    return render(request, "offenders/search.html", {"form": form, "results": results})
