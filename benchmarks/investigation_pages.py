"""Investigator worklist and supervisor dashboards: p95 response time and query count on a seeded database.

    DATABASE_URL=... .venv/bin/python benchmarks/investigation_pages.py [--requests 40]

Uses the database in DATABASE_URL as seeded by `custos seed --scale demo|borough|london`. Inside one
transaction that is rolled back at the end it links throwaway accounts to the busiest investigator and to
their supervisor, then requests each page through Django's test client (no network), timing each request
and counting its queries. Prints JSON: per page p50/p95/max milliseconds and queries per request (which must
not grow with the data). Target (issue 4): p95 at most 150 ms at London scale.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

PAGES = {
    "investigator worklist": ("investigator", "/investigations/"),
    "home (investigator)": ("investigator", "/"),
    "supervision": ("supervisor", "/investigations/supervision/"),
    "allocation queue": ("supervisor", "/allocation/"),
    "workload (investigators)": ("supervisor", "/allocation/workload/"),
    "workload (teams)": ("supervisor", "/allocation/workload/?view=team"),
    "home (supervisor)": ("supervisor", "/"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custos.settings")
    os.environ.setdefault("CUSTOS_FAST_PASSWORD_HASHER", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from custos.accounts import services as accounts
    from custos.accounts.roles import Role
    from custos.crimes.models import Crime
    from custos.workforce.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    busiest = (
        Crime.objects.filter(status="open", officer__isnull=False, officer__line_supervisor__isnull=False)
        .values("officer_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        print("no allocated open crimes: seed the database first (custos seed)", file=sys.stderr)
        return 2
    results: dict[str, Any] = {
        "open_crimes": Crime.objects.filter(status="open").count(),
        "crimes": Crime.objects.count(),
        "busiest_holds": busiest["n"],
        "pages": {},
    }
    with transaction.atomic():
        officer = Person.objects.get(pk=busiest["officer_id"])
        supervisor = officer.line_supervisor
        assert supervisor is not None
        users = {}
        for key, person, role in (
            ("investigator", officer, Role.INVESTIGATOR),
            ("supervisor", supervisor, Role.INVESTIGATION_SUPERVISOR),
        ):
            user = accounts.user_create(
                username=f"bench-{key}", password="x" * 20, roles=[role], validate=False
            )
            Person.objects.filter(pk=person.pk).update(user=user)
            users[key] = _client(Client(), user)
        for name, (who, url) in PAGES.items():
            client = users[who]
            client.get(url)  # warm
            times, queries = [], []
            for _ in range(args.requests):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries.append(len(ctx.captured_queries))
            times.sort()
            results["pages"][name] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 1),
                "max_ms": round(times[-1], 1),
                "queries": sorted(set(queries)),
            }
        transaction.set_rollback(True)
    print(json.dumps(results, indent=2))
    return 0


def _client(client: Any, user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


if __name__ == "__main__":
    sys.exit(main())
