"""django-simple-history rows for writes that bypass save()."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


def history_snapshot(obj: models.Model, actor: Any) -> None:
    """Record a change made by a conditional UPDATE (optimistic concurrency): simple-history cannot see it."""
    obj.history.model.objects.create(  # type: ignore[attr-defined]
        history_date=timezone.now(),
        history_type="~",
        history_user=actor if getattr(actor, "is_authenticated", False) else None,
        **{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields},
    )
