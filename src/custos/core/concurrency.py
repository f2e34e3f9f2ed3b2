"""Optimistic concurrency: write a record only if nobody has saved it since the version the editor opened.

The conditional ``UPDATE ... WHERE version = N`` is the real guard: two editors holding the same version
cannot both win, whatever the application read before. The loser gets a ``ValidationError`` with code
"stale", which the API answers with 412 Precondition Failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model, QuerySet


def update_if_version(
    model_or_qs: type[Model] | QuerySet[Any],
    pk: Any,
    expected_version: int,
    values: Mapping[str, Any],
    stale_message: str,
) -> None:
    """Write ``values`` to row ``pk`` and move its version on, only if its version is ``expected_version``.

    ``model_or_qs`` may be a queryset, to add the caller's own conditions (e.g. only while still open).
    When the version has moved on (or the row is gone, or the caller's conditions no longer hold), nothing
    is written and ``ValidationError(stale_message, code="stale")`` is raised, the message formatted with
    ``had`` (``expected_version``) and ``now`` (the row's version now, None when the row is gone).
    """
    rows = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    updated = rows.filter(pk=pk, version=expected_version).update(**values, version=F("version") + 1)
    if updated != 1:
        now = rows.model._default_manager.filter(pk=pk).values_list("version", flat=True).first()
        raise ValidationError(stale_message.format(had=expected_version, now=now), code="stale")
