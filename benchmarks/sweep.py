"""Offender sweep benchmark: the escalation ladder over 100,000 offenders with visit and notification history.

    .venv/bin/python benchmarks/sweep.py [--offenders 100000] [--seed 1] [--keep]

Builds a throwaway database (a temp SQLite file, or the PostgreSQL database in DATABASE_URL when it is a
postgres URL: it must be a scratch database, tables are created by migrate and the offender tables are
emptied first), bulk-generates the register, then times in this process:

- baseline: one SQL pass reading the same rows the sweep reads (offenders, visits, notifications, time away,
  ARMS reviews, tasks), fetched as tuples and discarded: the lower bound;
- first sweep: evaluate every offender with the pure rules and open the tasks (a cold register);
- steady sweep: the nightly run after that (idempotent: creates nothing), best of two, and the baseline
  again (best of two), both after the database has settled (`_settle`).

Prints JSON with the times and the ratios sweep/baseline (target: steady ratio <= 3 and < 60 s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

INTERVAL_DAYS = {"very-high": 42, "high": 91, "medium": 182, "low": 365}


def _setup(keep: bool) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = Path(tempfile.mkdtemp(prefix="custos-sweep-")) / "bench.db"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        url = os.environ["DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custos.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return "postgresql" if url.startswith("postgres") else "sqlite"


def _generate(n: int, seed: int) -> dict[str, int]:
    from django.db import transaction
    from django.utils import timezone

    from custos.offenders.models import (
        Address,
        Alias,
        AwayPeriod,
        NotifiableDetail,
        NotificationEvent,
        Offender,
        OffenderTask,
        Visit,
    )
    from custos.workforce.models import Borough, Person, Team

    rng = random.Random(seed)
    today = timezone.localdate()
    OffenderTask.objects.all().delete()
    Offender.objects.all().delete()
    boroughs = [
        Borough.objects.get_or_create(code=f"B{i:02d}", defaults={"name": f"Bench {i:02d}"})[0]
        for i in range(40)
    ]
    people: list[Person] = []
    for b in boroughs:
        team, _ = Team.objects.get_or_create(
            borough=b, name="MOSOVO", defaults={"team_type": "offender-management"}
        )
        for k in range(12):
            p, _ = Person.objects.get_or_create(
                staff_number=f"BENCH{b.code}{k:02d}",
                defaults={
                    "first_name": "Om",
                    "last_name": f"{b.code}-{k}",
                    "rank": "detective-constable",
                    "borough": b,
                    "team": team,
                    "start_date": date(2010, 1, 1),
                    "visor_authorised": True,
                    "visor_training_expires": today + timedelta(days=400),
                },
            )
            people.append(p)
    counts = {
        "offenders": 0,
        "visits": 0,
        "notifications": 0,
        "away": 0,
        "addresses": 0,
        "aliases": 0,
        "details": 0,
    }
    levels = ["very-high"] * 4 + ["high"] * 22 + ["medium"] * 40 + ["low"] * 34
    batch = 10_000
    with transaction.atomic():
        for start in range(0, n, batch):
            offenders = []
            for i in range(start, min(n, start + batch)):
                lead = people[i % len(people)]
                offenders.append(
                    Offender(
                        reference=f"B{i:07d}",
                        first_name="Bench",
                        last_name=f"N{i}",
                        date_of_birth=date(1970, 1, 1),
                        borough_id=lead.borough_id,
                        team_id=lead.team_id,
                        rosh_level=rng.choice(levels),
                        lead_manager=lead,
                        managed_since=(since := today - timedelta(days=rng.randint(400, 4000))),
                        first_notification_on=since,
                        whereabouts_verified=rng.random() > 0.005,
                    )
                )
            Offender.objects.bulk_create(offenders, batch_size=2000)
            visits, notes, away = [], [], []
            addresses: list[Any] = []
            aliases: list[Any] = []
            details: list[Any] = []
            for o in offenders:
                # The record's s.84 history: a home since the initial notification; some moved, took a
                # name or a vehicle later and notified it within 3 days; a few had short stays elsewhere.
                since = o.managed_since
                addresses.append(
                    Address(
                        offender=o,
                        kind="home",
                        line1=f"{o.pk} Bench Road",
                        postcode="E1 1AA",
                        from_date=since,
                    )
                )
                if rng.random() < 0.3:
                    moved = since + timedelta(days=rng.randint(30, 300))
                    addresses.append(
                        Address(
                            offender=o,
                            kind="home",
                            line1=f"{o.pk} New Street",
                            postcode="E2 2BB",
                            from_date=moved,
                        )
                    )
                    notes.append(
                        NotificationEvent(
                            offender=o, kind="change", on=moved + timedelta(days=1), station="Bench"
                        )
                    )
                if rng.random() < 0.4:
                    aliases.append(Alias(offender=o, first_name="Ben", last_name=f"A{o.pk}", used_from=since))
                if rng.random() < 0.2:
                    bought = since + timedelta(days=rng.randint(30, 300))
                    details.append(
                        NotifiableDetail(
                            offender=o, kind="vehicle", value=f"BN{o.pk % 100:02d} ABC", from_date=bought
                        )
                    )
                    notes.append(
                        NotificationEvent(
                            offender=o, kind="change", on=bought + timedelta(days=2), station="Bench"
                        )
                    )
                if rng.random() < 0.05:
                    for d in (200, 90):
                        first = today - timedelta(days=d)
                        addresses.append(
                            Address(
                                offender=o,
                                kind="short-stay",
                                line1=f"{o.pk} Holiday Lane",
                                postcode="E3 3CC",
                                from_date=first,
                                to_date=first + timedelta(days=2),
                            )
                        )
                interval = INTERVAL_DAYS[o.rosh_level]
                last = today - timedelta(
                    days=int(interval * rng.choice([0.3, 0.6, 0.9, 0.97, 1.1, 1.6, 2.4]))
                )
                for k in range(4):  # four successful visits, one interval apart
                    day = last - timedelta(days=k * interval)
                    visits.append(
                        Visit(
                            offender=o,
                            status="recorded",
                            outcome="seen-and-entered",
                            attempted_at=timezone.make_aware(datetime(day.year, day.month, day.day, 11)),
                        )
                    )
                if rng.random() < 0.05:
                    for d in (5, 2):
                        day = today - timedelta(days=d)
                        visits.append(
                            Visit(
                                offender=o,
                                status="recorded",
                                outcome="no-answer",
                                attempted_at=timezone.make_aware(datetime(day.year, day.month, day.day, 19)),
                            )
                        )
                notes.append(
                    NotificationEvent(offender=o, kind="initial", on=o.managed_since, station="Bench")
                )
                notes.append(
                    NotificationEvent(
                        offender=o,
                        kind="annual",
                        on=today - timedelta(days=rng.randint(20, 380)),
                        station="Bench",
                    )
                )
                if rng.random() < 0.03:
                    away.append(AwayPeriod(offender=o, kind="custody", start=today - timedelta(days=30)))
            Visit.objects.bulk_create(visits, batch_size=5000)
            NotificationEvent.objects.bulk_create(notes, batch_size=5000)
            AwayPeriod.objects.bulk_create(away, batch_size=5000)
            Address.objects.bulk_create(addresses, batch_size=5000)
            Alias.objects.bulk_create(aliases, batch_size=5000)
            NotifiableDetail.objects.bulk_create(details, batch_size=5000)
            counts["addresses"] += len(addresses)
            counts["aliases"] += len(aliases)
            counts["details"] += len(details)
            counts["offenders"] += len(offenders)
            counts["visits"] += len(visits)
            counts["notifications"] += len(notes)
            counts["away"] += len(away)
    return counts


def _baseline() -> float:
    """One SQL pass over the same rows the sweep reads, as tuples (the lower bound for any sweep)."""
    from django.db import connection

    queries = [
        "SELECT id, reference, rosh_level, management_mode, managed_since, lead_manager_id, team_id, "
        "borough_id, "
        "no_fixed_abode, whereabouts_verified, whereabouts_unverified_since, last_successful_visit_on, "
        "next_visit_due, next_notification_due, ladder_rank, ladder_steps, first_notification_on "
        "FROM offenders_offender WHERE active",
        "SELECT offender_id, attempted_at, outcome, for_risk_assessment, announced FROM offenders_visit "
        "WHERE status = 'recorded'",
        'SELECT offender_id, kind, "on", expected_on FROM offenders_notificationevent',
        "SELECT offender_id, first_name, last_name, used_from FROM offenders_alias "
        "WHERE used_from IS NOT NULL",
        "SELECT offender_id, kind, line1, postcode, from_date, to_date FROM offenders_address",
        "SELECT offender_id, kind, from_date FROM offenders_notifiabledetail WHERE from_date IS NOT NULL",
        'SELECT offender_id, kind, start, "end" FROM offenders_awayperiod',
        "SELECT offender_id, next_review FROM offenders_riskassessment WHERE tool = 'arms'",
        "SELECT id, offender_id, kind, episode, status FROM offenders_offendertask",
    ]
    started = time.perf_counter()
    with connection.cursor() as cur:
        for q in queries:
            cur.execute(q)
            while cur.fetchmany(10_000):
                pass
    return time.perf_counter() - started


def _sweep() -> tuple[float, dict[str, int]]:
    from django.db import transaction
    from django.utils import timezone

    from custos.offenders import ladder

    started = time.perf_counter()
    with transaction.atomic():
        created, _ = ladder.run(today=timezone.localdate())
    return time.perf_counter() - started, created


def _settle(engine: str) -> None:
    """Let the database settle after the first sweep's bulk writes, as it would before the next night.

    The first sweep inserts a task and an audit event per offender and rewrites every offender's worklist
    columns. On PostgreSQL that leaves 100,000 dead row versions and sets autovacuum going on the very
    tables the next runs read, competing with them for the two cores; one VACUUM ANALYZE does now what
    autovacuum would do overnight, so the baseline and the steady sweep both read a settled table.
    """
    if engine != "postgresql":
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offenders", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temp SQLite database")
    args = ap.parse_args(argv)
    engine = _setup(args.keep)
    t0 = time.perf_counter()
    counts = _generate(args.offenders, args.seed)
    generated = time.perf_counter() - t0
    baseline_cold = _baseline()
    first, created_first = _sweep()
    _settle(engine)
    baseline = min(_baseline() for _ in range(2))
    steady, created_steady = _sweep()
    steady2, _ = _sweep()
    steady = min(steady, steady2)
    result: dict[str, Any] = {
        "engine": engine,
        "rows": counts,
        "generate_seconds": round(generated, 1),
        "baseline_seconds": round(baseline, 2),
        "baseline_cold_seconds": round(baseline_cold, 2),
        "first_sweep_seconds": round(first, 2),
        "first_sweep_created": created_first,
        "steady_sweep_seconds": round(steady, 2),
        "steady_sweep_created": {k: v for k, v in created_steady.items() if v},
        "steady_ratio": round(steady / baseline, 2),
        "first_ratio": round(first / baseline, 2),
        "target": "steady ratio <= 3 and < 60 s",
        "met": steady / baseline <= 3 and steady < 60,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
