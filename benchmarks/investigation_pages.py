"""Investigator worklist and supervisor dashboards: p95 response time and query count on a seeded database.

    DATABASE_URL=... .venv/bin/python benchmarks/investigation_pages.py [--requests 40]

Uses the database in DATABASE_URL as seeded by `custos seed --scale demo|borough|london`. Inside one
transaction that is rolled back at the end it links throwaway accounts to the busiest investigator and to
their supervisor, then requests each page through Django's test client (no network), timing each request
and counting its queries. Prints JSON: per page p50/p95/max milliseconds and queries per request (which must
not grow with the data). Target (issue 4): p95 at most 150 ms at London scale.
"""

from __future__ import annotations

import sys
from typing import Any

from _pages import client_as, run

PAGES = {
    "investigator worklist": ("investigator", "/investigations/"),
    "home (investigator)": ("investigator", "/"),
    "supervision": ("supervisor", "/investigations/supervision/"),
    "allocation queue": ("supervisor", "/allocation/"),
    "workload (investigators)": ("supervisor", "/allocation/workload/"),
    "workload (teams)": ("supervisor", "/allocation/workload/?view=team"),
    "home (supervisor)": ("supervisor", "/"),
}


def people(results: dict[str, Any]) -> dict[str, Any] | None:
    from django.db.models import Count

    from custos.accounts.roles import Role
    from custos.crimes.models import Crime
    from custos.workforce.models import Person

    busiest = (
        Crime.objects.filter(status="open", officer__isnull=False, officer__line_supervisor__isnull=False)
        .values("officer_id")
        .annotate(n=Count("id"))
        .order_by("-n", "officer_id")
        .first()
    )
    if busiest is None:
        print("no allocated open crimes: seed the database first (custos seed)", file=sys.stderr)
        return None
    results.update(
        open_crimes=Crime.objects.filter(status="open").count(),
        crimes=Crime.objects.count(),
        busiest_holds=busiest["n"],
    )
    officer = Person.objects.get(pk=busiest["officer_id"])
    supervisor = officer.line_supervisor
    assert supervisor is not None
    return {
        "investigator": client_as(officer, "investigator", [Role.INVESTIGATOR]),
        "supervisor": client_as(supervisor, "supervisor", [Role.INVESTIGATION_SUPERVISOR]),
    }


if __name__ == "__main__":
    sys.exit(run(__doc__.splitlines()[0], PAGES, people))
