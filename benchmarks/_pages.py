"""Shared by the page benchmarks: verified test clients for throwaway accounts, and p50/p95 per page.

Each page benchmark links throwaway accounts to real people in the seeded database inside one transaction
that it rolls back, then times requests through Django's test client (no network) and counts queries.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custos.settings")
    os.environ.setdefault("CUSTOS_FAST_PASSWORD_HASHER", "1")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def client_as(person: Any, key: str, roles: list[Any]) -> Any:
    """A two-factor-verified test client for a throwaway account linked to ``person``."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from custos.accounts import services as accounts
    from custos.workforce.models import Person

    user = accounts.user_create(username=f"bench-{key}", password="x" * 20, roles=roles, validate=False)
    Person.objects.filter(pk=person.pk).update(user=user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def time_pages(clients: dict[str, Any], pages: dict[str, tuple[str, str]], requests: int) -> dict[str, Any]:
    """p50/p95/max milliseconds and the distinct query counts of each page, after one warm-up request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out: dict[str, Any] = {}
    for name, (who, url) in pages.items():
        client = clients[who]
        client.get(url)
        times, queries = [], []
        for _ in range(requests):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries.append(len(ctx.captured_queries))
        times.sort()
        out[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 1),
            "max_ms": round(times[-1], 1),
            "queries": sorted(set(queries)),
        }
    return out


def run(
    description: str,
    pages: dict[str, tuple[str, str]],
    people: Callable[[dict[str, Any]], dict[str, Any] | None],
    argv: list[str] | None = None,
) -> int:
    """The whole benchmark: ``people(results)`` returns the clients by key (or None: nothing seeded).

    It runs inside a transaction that is rolled back, so the throwaway accounts never persist.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args(argv)
    setup_django()
    from django.db import transaction

    results: dict[str, Any] = {}
    with transaction.atomic():
        clients = people(results)
        if clients is None:
            return 2
        results["pages"] = time_pages(clients, pages, args.requests)
        transaction.set_rollback(True)
    print(json.dumps(results, indent=2))
    return 0
