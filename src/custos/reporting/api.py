# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/reports/inspection: the inspection measures (aggregates only), as the page shows them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from custos.core.policy import current_policy
from custos.reporting.measures import inspection_report

router = Router(tags=["reports"])
ROUTERS = [("/reports", router)]


class MeasureOut(Schema):
    key: str
    area: str
    title: str
    finding: str
    count: int
    out_of: int | None
    percent: float | None
    basis: str


class InspectionOut(Schema):
    as_at: str
    policy_version: str
    scope: str
    measures: list[MeasureOut]


@router.get("/inspection", response=InspectionOut)
def inspection(request: HttpRequest, borough: str = "") -> Any:
    """One figure per inspectorate finding, for the force or (``borough``) one borough, each with its basis.

    Inspectors, performance analysts and administrators read the force; a detective inspector reads
    their own borough whatever ``borough`` says. Anyone else gets 404.
    """
    try:
        report = inspection_report(
            actor=request.user, today=timezone.localdate(), policy=current_policy(), borough=borough
        )
    except LookupError as exc:
        raise ValidationError({"borough": [str(exc)]}) from exc
    return report.record()
