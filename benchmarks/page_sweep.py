"""Every page each demo account can reach, timed at scale: the slowest pages, against /healthz side by side.

    DATABASE_URL=... .venv/bin/python benchmarks/page_sweep.py [--repeats 5] [--budget-ms 300] [--top 15]

Uses the database in DATABASE_URL as seeded by `custos seed --scale demo|borough|london`. Inside one
transaction that is rolled back at the end it creates the demo accounts (linked to real people, as `custos
demo` does), follows every link each account is shown (`custos.core.pagecrawl`, a few instances of each kind
of page), then requests every page found `--repeats` times more and /healthz as often beside it, so the ratio
is measured under the same load. Prints JSON: per kind of page the slowest account's p95 milliseconds, its
queries and its ratio to /healthz's p95; the pages over `--budget-ms`; and how many kinds of page were timed.

The page-specific targets (investigation_pages.py, offender_pages.py) stay the contract; this sweep is how a
page nobody thought to benchmark is found before a London-sized force finds it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from typing import Any

from _pages import setup_django


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed requests per page after the crawl")
    parser.add_argument("--budget-ms", type=float, default=300.0, help="report pages whose p95 is above this")
    parser.add_argument("--top", type=int, default=15, help="how many of the slowest pages to list")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from custos.core.pagecrawl import crawl, shape, signed_in_client
    from custos.demo.accounts import ensure_demo_accounts
    from custos.workforce.models import Person

    if not Person.objects.exists():
        print("no workforce: seed the database first (custos seed)", file=sys.stderr)
        return 2
    found: dict[str, dict[str, str]] = defaultdict(dict)  # account -> shape -> one URL of that shape
    timings: dict[tuple[str, str], dict[str, Any]] = {}
    baseline: list[float] = []
    anonymous = Client()
    with transaction.atomic():
        accounts = [account.username for account, _ in ensure_demo_accounts()]
        started = time.perf_counter()
        for username in accounts:

            def remember(url: str, response: Any, seconds: float, who: str = username) -> None:
                if response.status_code == 200:
                    found[who].setdefault(shape(url), url)

            crawl(username, observe=remember)
        crawl_seconds = time.perf_counter() - started
        for username in accounts:
            client = signed_in_client(username)
            for kind, url in sorted(found[username].items()):
                times, queries = [], set()
                for _ in range(args.repeats):
                    with CaptureQueriesContext(connection) as ctx:
                        t0 = time.perf_counter()
                        client.get(url)
                        times.append((time.perf_counter() - t0) * 1000)
                    queries.add(len(ctx.captured_queries))
                    t0 = time.perf_counter()
                    anonymous.get("/healthz")
                    baseline.append((time.perf_counter() - t0) * 1000)
                timings[(username, kind)] = {
                    "url": url,
                    "p95_ms": round(p95(times), 1),
                    "queries": sorted(queries),
                }
        transaction.set_rollback(True)

    healthz = p95(baseline)
    slowest: dict[str, dict[str, Any]] = {}
    for (username, kind), t in timings.items():
        if kind not in slowest or t["p95_ms"] > slowest[kind]["p95_ms"]:
            slowest[kind] = {"account": username, **t, "ratio_to_healthz": round(t["p95_ms"] / healthz, 1)}
    ranked = sorted(slowest.items(), key=lambda kv: -kv[1]["p95_ms"])
    print(
        json.dumps(
            {
                "kinds_of_page": len(slowest),
                "pages_timed": len(timings),
                "crawl_seconds": round(crawl_seconds, 1),
                "healthz_p95_ms": round(healthz, 1),
                "budget_ms": args.budget_ms,
                "over_budget": [kind for kind, t in ranked if t["p95_ms"] > args.budget_ms],
                "median_page_p95_ms": round(statistics.median(t["p95_ms"] for t in slowest.values()), 1),
                "slowest": dict(ranked[: args.top]),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
