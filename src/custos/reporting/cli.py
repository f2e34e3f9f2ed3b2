"""`custos report inspection`: the inspection measures, as the page and the API give them."""

from __future__ import annotations

import argparse
import json

NOT_ALLOWED = "{user!r} may not read the inspection measures (inspectors, analysts, administrators, DIs)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="inspection-grade reports")
    rsub = p.add_subparsers(dest="report", required=True, metavar="REPORT")
    i = rsub.add_parser(
        "inspection", help="one figure per inspectorate finding, each with its basis (aggregates only)"
    )
    i.add_argument("--borough", default="", help="one borough's figures (force-wide readers only)")
    i.add_argument("--user", default="", help="account to read as (default: first administrator)")
    i.add_argument("--json", action="store_true", help="print JSON")
    i.set_defaults(handler=_inspection)


def _inspection(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from django.http import Http404
    from django.utils import timezone

    from custos.core.calc import UserError
    from custos.core.policy import current_policy
    from custos.crimes.cli import cli_actor
    from custos.reporting.measures import inspection_report

    actor = cli_actor(args.user)
    try:
        report = inspection_report(
            actor=actor, today=timezone.localdate(), policy=current_policy(), borough=args.borough
        )
    except Http404:
        raise UserError(NOT_ALLOWED.format(user=getattr(actor, "username", ""))) from None
    except LookupError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print(json.dumps(report.record(), indent=2))
        return 0
    print(f"as_at           {report.today.isoformat()}")
    print(f"scope           {report.borough.code if report.borough else 'force'}")
    print(f"policy_version  {report.policy_version}")
    for area, measures in report.by_area():
        if not measures:
            continue
        print(f"\n{area}")
        for m in measures:
            share = (
                ""
                if m.out_of is None
                else f" of {m.out_of}" + (f" ({m.percent}%)" if m.percent is not None else "")
            )
            print(f"  {m.title}: {m.count}{share}")
            print(f"    basis: {m.basis}")
    return 0
