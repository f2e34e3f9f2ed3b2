"""``custos allocate [--dry-run] [--borough CODE] [--json]``: run the allocation engine on today's data.

The JSON has exactly ``policy_version``, ``allocations`` and ``unallocated``; identical data and policy
give identical output (the engine is deterministic and its inputs are read in a fixed order).

``custos workload [--view investigator|team|borough|supervisors] [--borough CODE] [--json]``: the workload
page's tables, read as an account that may see them (as on the page: allocators and administrators). With
``--json`` it prints ``policy_version``, ``view`` and ``rows``, each row as the API's
``/api/v1/allocations/workload`` (or ``/workload/supervisors``) item.
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

    w = sub.add_parser(
        "workload", help="workload RAG per investigator, team or borough, or supervisors' span and training"
    )
    w.add_argument(
        "--view", choices=("investigator", "team", "borough", "supervisors"), default="investigator"
    )
    w.add_argument("--borough", default="", help="only this borough (code)")
    w.add_argument("--user", default="", help="account the view is read as (default: first administrator)")
    w.add_argument("--json", action="store_true", help="print JSON (the API's rows)")
    w.set_defaults(handler=_workload)


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


WORKLOAD_NOT_ALLOWED = (
    "{user!r} may not see workload: investigation supervisors, detective inspectors and administrators may"
)

# (heading, record key) per view, in the page's column order
_WORKLOAD_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "investigator": (
        ("staff", "staff_number"),
        ("name", "name"),
        ("borough", "borough"),
        ("team", "team"),
        ("pip", "pip_level"),
        ("probationer", "probationer"),
        ("open", "open_crimes"),
        ("weighted", "weighted_load"),
        ("rag", "rag"),
        ("over_25", "over_25"),
        ("oldest_days", "oldest_days"),
    ),
    "group": (
        ("name", "name"),
        ("investigators", "investigators"),
        ("open", "open_crimes"),
        ("mean", "mean_open_crimes"),
        ("weighted", "weighted_load"),
        ("red", "red"),
        ("amber", "amber"),
        ("over_25", "over_25"),
        ("oldest_days", "oldest_days"),
    ),
    "supervisors": (
        ("staff", "staff_number"),
        ("name", "name"),
        ("borough", "borough"),
        ("team", "team"),
        ("span", "span"),
        ("over_span", "over_span"),
        ("training", "training_note"),
    ),
}


def _workload(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from django.utils import timezone

    from custos.allocation import selectors, services
    from custos.allocation import workload_records as records
    from custos.core.calc import UserError
    from custos.core.policy import current_policy
    from custos.crimes.cli import cli_actor
    from custos.workforce.models import Borough

    if args.borough and not Borough.objects.filter(code=args.borough).exists():
        raise UserError(f"unknown borough {args.borough!r}")
    actor = cli_actor(args.user)
    if not services.can_allocate(actor, None):
        raise UserError(WORKLOAD_NOT_ALLOWED.format(user=getattr(actor, "username", "")))
    policy = current_policy()
    today = timezone.localdate()
    if args.view == "supervisors":
        sups = selectors.supervisors(actor=actor, today=today, policy=policy, borough=args.borough)
        rows = [records.supervisor_record(s, policy=policy) for s in sups]
    else:
        loads = selectors.investigator_loads(actor=actor, today=today, policy=policy, borough=args.borough)
        if args.view == "investigator":
            rows = [records.investigator_record(r, policy=policy) for r in records.sort_loads(loads, "load")]
        else:
            groups = selectors.group_loads(loads, args.view)
            rows = [records.group_record(g, view=args.view, policy=policy) for g in groups]
    if args.json:
        body = {"policy_version": policy.version, "view": args.view, "rows": rows}
        print(json.dumps(body, indent=2, default=str))
        return 0
    columns = _WORKLOAD_COLUMNS["group" if args.view in ("team", "borough") else args.view]
    table = [[h for h, _ in columns]] + [[_cell(row[k]) for _, k in columns] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    print(f"policy_version  {policy.version}")
    for line in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
    return 0


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


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
