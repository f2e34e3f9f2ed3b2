"""`custos sweep`: the escalation ladder over the whole register, nightly (idempotent)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from custos.core.sweep import SweepResult, register
from custos.offenders import ladder


@register("offenders")
def offenders_sweep(today: date) -> SweepResult:
    with transaction.atomic():
        created, checked = ladder.run(today=today)
    return SweepResult("offenders", created=created, checked=checked)
