"""Home page per role, audit search and export, break-glass access."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from custos.accounts.roles import Role
from custos.core import access, audit, home_panels
from custos.core.csvexport import Echo, SpreadsheetSafeWriter
from custos.core.forms import AuditSearchForm, BreakGlassForm
from custos.core.models import AuditEvent, BreakGlassGrant


@login_required
def home(request: HttpRequest) -> HttpResponse:
    panels = home_panels.panels_for(request.user, today=timezone.localdate())
    return render(request, "core/home.html", {"panels": panels})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def _require_audit_role(user: Any) -> None:
    if not access.scope_of(user).has(Role.PROFESSIONAL_STANDARDS, Role.ADMINISTRATOR):
        raise access.not_found()


def _audit_queryset(form: AuditSearchForm) -> Any:
    qs = AuditEvent.objects.all()
    d = form.cleaned_data
    if d.get("username"):
        qs = qs.filter(actor_username__iexact=d["username"])
    if d.get("action"):
        qs = qs.filter(action__startswith=d["action"])
    if d.get("object_type"):
        qs = qs.filter(object_type=d["object_type"])
    if d.get("object_id"):
        qs = qs.filter(object_id=d["object_id"])
    tz = timezone.get_current_timezone()
    if d.get("date_from"):
        qs = qs.filter(at__gte=datetime.combine(d["date_from"], time.min, tzinfo=tz))
    if d.get("date_to"):
        qs = qs.filter(at__lte=datetime.combine(d["date_to"], time.max, tzinfo=tz))
    if d.get("break_glass_only"):
        qs = qs.filter(break_glass=True)
    if d.get("sensitive_only"):
        qs = qs.filter(sensitive=True)
    return qs


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    _require_audit_role(request.user)
    form = AuditSearchForm(request.GET)
    page = None
    if form.is_valid():
        qs = _audit_queryset(form)
        audit.record(
            actor=request.user,
            action="custos.audit.searched",
            object_type="audit",
            sensitive=True,  # the audit trail shows who read which victim or offender
            changes={"query": {k: str(v) for k, v in form.cleaned_data.items() if v}},
        )
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_search.html", {"form": form, "page": page})


@login_required
def audit_export(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    _require_audit_role(request.user)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        messages.error(request, "Correct the search before exporting.")
        return redirect("audit:search")
    qs = _audit_queryset(form)
    audit.record(
        actor=request.user,
        action="custos.audit.exported",
        object_type="audit",
        sensitive=True,
        changes={"query": {k: str(v) for k, v in form.cleaned_data.items() if v}},
    )
    writer = SpreadsheetSafeWriter(Echo())
    header = [
        "at",
        "actor",
        "ip",
        "client",
        "action",
        "object_type",
        "object_id",
        "object",
        "purpose",
        "sensitive",
        "break_glass",
        "changes",
    ]

    def rows() -> Any:
        yield writer.writerow(header)
        for e in qs.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    e.at.isoformat(),
                    e.actor_username,
                    e.ip or "",
                    e.client,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_repr,
                    e.purpose,
                    e.sensitive,
                    e.break_glass,
                    e.changes,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="custos-audit-{timezone.localdate()}.csv"'
    return response


@login_required
def break_glass(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(request.POST or None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        target = form.resolve()
        if target is None:
            form.add_error("reference", "No record with that reference.")
        else:
            try:
                access.break_glass_grant(
                    user=request.user,
                    object_type=form.cleaned_data["record_type"],
                    object_id=target.pk,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error("reason", exc)
            else:
                messages.warning(
                    request, "Break-glass access granted. Your supervisors can see this access and why."
                )
                return redirect(form.url_for(target))
    return render(request, "core/break_glass.html", {"form": form})


@login_required
def break_glass_review(request: HttpRequest) -> HttpResponse:
    """Supervisors see break-glass accesses by people they supervise (all, for administrators)."""
    s = access.scope_of(request.user)
    if not s.has(
        Role.MOSOVO_SUPERVISOR,
        Role.INVESTIGATION_SUPERVISOR,
        Role.DETECTIVE_INSPECTOR,
        Role.ADMINISTRATOR,
        Role.PROFESSIONAL_STANDARDS,
    ):
        raise Http404
    grants = home_panels.break_glass_for_supervisor(request.user)
    if request.method == "POST":
        grant = grants.filter(pk=request.POST.get("grant") or 0).first()
        if grant is None:
            raise Http404
        BreakGlassGrant.objects.filter(pk=grant.pk, reviewed_at__isnull=True).update(
            reviewed_by=request.user, reviewed_at=timezone.now()
        )
        audit.record(actor=request.user, action="custos.break_glass.reviewed", obj=grant, break_glass=True)
        messages.success(request, "Marked as reviewed.")
        return redirect("audit:break_glass_review")
    shown = list(grants[:200])
    # The grants name the records opened and why: reading them is itself a sensitive read.
    audit.record_search(
        actor=request.user,
        action="custos.break_glass.review_listed",
        query={"reviewer": request.user.pk},
        result_count=len(shown),
    )
    return render(request, "core/break_glass_review.html", {"grants": shown})


def who_viewed(*, object_type: str, object_id: Any, limit: int = 50) -> list[AuditEvent]:
    """The 'who has viewed this record' panel for supervisors."""
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id), sensitive=True).order_by(
            "-at"
        )[:limit]
    )
