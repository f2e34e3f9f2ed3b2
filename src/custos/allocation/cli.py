"""``custos allocate [--dry-run] [--borough CODE] [--json]``: run the allocation engine on today's data.

The JSON has exactly ``policy_version``, ``allocations`` and ``unallocated``; identical data and policy
give identical output (the engine is deterministic and its inputs are read in a fixed order).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "allocate", help="allocate unallocated crimes to investigators (explained, deterministic)"
    )
    p.add_argument("--dry-run", action="store_true", help="decide and print, write nothing")
    p.add_argument("--borough", default="", help="only this borough's unallocated crimes")
    p.add_argument(
        "--user", default="", help="account the run is recorded against (default: first administrator)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_allocate)


def _allocate(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from custos.allocation.services import allocation_run
    from custos.core.calc import UserError
    from custos.crimes.cli import cli_actor
    from custos.workforce.models import Borough

    borough = None
    if args.borough:
        borough = Borough.objects.filter(code=args.borough).first()
        if borough is None:
            raise UserError(f"unknown borough {args.borough!r}")
    actor = None if args.dry_run and not args.user else cli_actor(args.user)
    with _Bars() as bars:
        result = allocation_run(actor=actor, borough=borough, dry_run=args.dry_run, progress=bars.report)
    body = result.to_json_dict()
    if args.json:
        print(json.dumps(body, indent=2, sort_keys=False))
        return 0
    print(f"policy_version  {body['policy_version']}")
    print(
        f"allocations     {len(body['allocations'])}{' (dry run: nothing written)' if args.dry_run else ''}"
    )
    for a in body["allocations"]:
        print(
            f"  {a['crime']} -> {a['officer']} (PIP{a['officer_pip']} for PIP{a['required_pip']}, "
            f"load {a['load_before']:.2f} -> {a['load_after']:.2f} of {a['cap']:.2f})"
        )
    print(f"unallocated     {len(body['unallocated'])}")
    for u in body["unallocated"]:
        print(f"  {u['crime']}: {u['reason']}")
    return 0


class _Bars:
    """One progress bar per phase of the run (components solved, allocations committed), on stderr and
    only on a terminal, so ``--json`` output and logs stay clean."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.what = ""

    def __enter__(self) -> _Bars:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def report(self, what: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if what != self.what:
            from tqdm import tqdm

            if self.bar is not None:
                self.bar.close()
            self.bar, self.what = tqdm(total=total, desc=what.capitalize(), file=sys.stderr), what
        self.bar.update(done - self.bar.n)
