"""Seeding time per scale, against the floor of inserting the same rows with one executemany.

    uv run python benchmarks/seed_workforce.py [--scale demo|borough|london] [--database-url URL]

Creates a fresh database (a temporary SQLite file unless --database-url names an empty PostgreSQL database),
migrates it, runs `custos seed --scale S` for the workforce, then, as the baseline in the same run, copies
the people it produced into an identical empty table with a single `executemany` (no Python object
construction, no hierarchy ordering): the lower bound for writing those rows. Prints both times and the ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["demo", "borough", "london"], default="london")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="custos-seed-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {**os.environ, "DATABASE_URL": url, "CUSTOS_DATA_DIR": str(tmp)}
    cli = [sys.executable, "-m", "custos.cli"]
    subprocess.run([*cli, "manage", "migrate", "-v0"], env=env, check=True)
    os.environ.update(
        {"DATABASE_URL": url, "CUSTOS_DATA_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "custos.settings"}
    )
    import django

    django.setup()
    from django.db import connection, transaction

    from custos.demo.seed import seed_workforce

    started = time.perf_counter()
    with transaction.atomic():
        rows = seed_workforce(scale=args.scale, seed=1, progress=False)
    seeded = time.perf_counter() - started

    with connection.cursor() as cur:
        cur.execute("SELECT * FROM workforce_person")
        columns = [c[0] for c in cur.description]
        data = cur.fetchall()
        cur.execute("CREATE TABLE bench_person AS SELECT * FROM workforce_person WHERE 1 = 0")
    placeholders = ", ".join(["%s"] * len(columns))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(f"INSERT INTO bench_person ({', '.join(columns)}) VALUES ({placeholders})", data)
    floor = time.perf_counter() - started

    print(f"scale={args.scale} database={connection.vendor} people={rows:,}")
    print(f"custos seed (workforce):        {seeded:8.2f} s")
    print(f"baseline executemany same rows: {floor:8.2f} s")
    print(f"ratio:                          {seeded / floor:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
