"""Offender manager's worklist and the supervisor and DI dashboards: p95 and query count on a seeded database.

    DATABASE_URL=... .venv/bin/python benchmarks/offender_pages.py [--requests 40]

Uses the database in DATABASE_URL (or CUSTOS_DATA_DIR) as seeded by `custos seed --scale london` (about
8,000 offenders). Inside one transaction that is rolled back it links throwaway accounts to the offender
manager with the biggest caseload, to that officer's line supervisor (DS) and to a DI in the same borough,
then times each page through Django's test client. Prints JSON: p50/p95/max milliseconds and the queries
per request, which must not grow with the data. Target (issue 3): p95 at most 150 ms at London scale.
"""

from __future__ import annotations

import sys
from typing import Any

from _pages import client_as, run

PAGES = {
    "offender manager's worklist": ("om", "/offenders/"),
    "home (offender manager)": ("om", "/"),
    "supervisor dashboard (team)": ("ds", "/offenders/oversight/?scope=team"),
    "supervisor dashboard (borough)": ("ds", "/offenders/oversight/?scope=borough"),
    "DI view (borough)": ("di", "/offenders/oversight/?scope=borough"),
    "search by name": ("om", "/offenders/search/?q=smith"),
}


def people(results: dict[str, Any]) -> dict[str, Any] | None:
    from django.db.models import Count

    from custos.accounts.roles import Role
    from custos.offenders.models import Offender
    from custos.workforce.models import Person

    busiest = (
        Offender.objects.filter(lead_manager__isnull=False, lead_manager__line_supervisor__isnull=False)
        .values("lead_manager_id")
        .annotate(n=Count("id"))
        .order_by("-n", "lead_manager_id")
        .first()
    )
    if busiest is None:
        print("no managed offenders: seed the database first (custos seed)", file=sys.stderr)
        return None
    results.update(offenders=Offender.objects.count(), busiest_caseload=busiest["n"])
    om = Person.objects.get(pk=busiest["lead_manager_id"])
    ds = om.line_supervisor
    assert ds is not None
    di = (
        Person.objects.filter(borough_id=om.borough_id, active=True)
        .exclude(pk__in=[om.pk, ds.pk])
        .order_by("pk")
        .first()
    )
    assert di is not None
    return {
        "om": client_as(om, "om", [Role.OFFENDER_MANAGER]),
        "ds": client_as(ds, "ds", [Role.MOSOVO_SUPERVISOR]),
        "di": client_as(di, "di", [Role.DETECTIVE_INSPECTOR]),
    }


if __name__ == "__main__":
    sys.exit(run(__doc__.splitlines()[0], PAGES, people))
