"""Writing the audit trail. Call these inside the same transaction as the change or read they record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from custos.core import requestctx
from custos.core.models import AuditEvent


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A plain dict of concrete field values, for before/after summaries."""
    names = list(fields) if fields is not None else [f.attname for f in obj._meta.concrete_fields]
    return {n: _json_safe(getattr(obj, n)) for n in names}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    purpose: str = "",
    changes: Mapping[str, Any] | None = None,
    sensitive: bool = False,
    break_glass: bool = False,
) -> AuditEvent:
    event = unsaved_event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        purpose=purpose,
        changes=changes,
        sensitive=sensitive,
        break_glass=break_glass,
    )
    event.save(force_insert=True)
    return event


def unsaved_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    purpose: str = "",
    changes: Mapping[str, Any] | None = None,
    sensitive: bool = False,
    break_glass: bool = False,
) -> AuditEvent:
    """The event ``record`` writes, unsaved: for a sweep that writes many in one insert (bulk_create)."""
    ctx = requestctx.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=user,
        actor_username=getattr(user, "username", "") if user else "",
        ip=ctx.ip,
        client=ctx.client[:80],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        purpose=purpose[:500],
        changes=_json_safe(dict(changes or {})),
        sensitive=sensitive,
        break_glass=break_glass,
    )


def record_access(
    *, actor: Any, obj: models.Model, action: str, purpose: str = "", break_glass: bool = False
) -> AuditEvent:
    """A read of a sensitive record (offender, victim, device, triage result, intelligence)."""
    return record(
        actor=actor, action=action, obj=obj, purpose=purpose, sensitive=True, break_glass=break_glass
    )


def record_search(*, actor: Any, action: str, query: Mapping[str, Any], result_count: int) -> AuditEvent:
    return record(
        actor=actor,
        action=action,
        object_type="search",
        object_repr=f"{result_count} results",
        changes={"query": dict(query)},
        sensitive=True,
    )
