"""Soft links to the crimes and offenders apps, which are built alongside this one.

A device holds a crime reference string and an offender id. Where those apps' models exist they are
resolved here (``django.apps.apps.get_model``); where they do not, the plain values stand on their own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import reverse


def model_or_none(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def crime_for(reference: str) -> Any | None:
    """The crime record with this reference, if the crimes app exists and holds it."""
    if not reference:
        return None
    crime = model_or_none("crimes.Crime")
    if crime is None:
        return None
    return crime._default_manager.filter(reference=reference).first()


OFFENDER_MODELS = ("offenders.Offender", "offenders.Nominal")


def offenders_present() -> bool:
    """Whether the offenders app holds the register here (so an offender id can be checked)."""
    return any(model_or_none(label) is not None for label in OFFENDER_MODELS)


def offender_for(offender_id: int | None) -> Any | None:
    if offender_id is None:
        return None
    for label in OFFENDER_MODELS:
        model = model_or_none(label)
        if model is not None:
            return model._default_manager.filter(pk=offender_id).first()
    return None


def record_urls(user: Any, *, crime_reference: str, offender_id: int | None) -> dict[str, str]:
    """Links from a device to its investigation and its suspect's RSO nominal, only for a reader whose
    need-to-know opens them (each app's own object permission), so a link never leads to a 404."""
    urls: dict[str, str] = {}
    crime = crime_for(crime_reference)
    if crime is not None and user.has_perm("crimes.view_crime", crime):
        urls["crime"] = reverse("crimes:detail", args=[crime.pk])
    offender = offender_for(offender_id)
    if offender is not None and user.has_perm("offenders.view_offender", offender):
        urls["offender"] = reverse("offenders:offender", args=[offender.pk])
    return urls


def offender_hook() -> Callable[..., Any] | None:
    """``custos.offenders.services.triage_hit_on_nominal`` if the offenders app provides it yet."""
    try:
        module = importlib.import_module("custos.offenders.services")
    except ModuleNotFoundError as exc:
        if exc.name in ("custos.offenders.services", "custos.offenders"):
            return None
        raise
    hook = getattr(module, "triage_hit_on_nominal", None)
    return hook if callable(hook) else None
