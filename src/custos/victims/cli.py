"""``custos victims event REF EVENT DATE`` records an investigation event (starting the victims' contact
clocks); ``custos victims clocks [--overdue]`` lists what is due to victims, as the worklist does;
``custos victims compliance [--snapshot]`` prints the compliance figures or takes today's snapshot."""

from __future__ import annotations

import argparse
import json
from typing import Any

from custos.core.calc import UserError, iso_date

NOT_A_COMPLIANCE_READER = (
    "{user} may not read the Victims' Code compliance figures (investigation supervisors, detective "
    "inspectors, performance analysts, inspectors and administrators may)"
)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    victims = sub.add_parser("victims", help="victims: investigation events and contact clocks")
    victims_sub = victims.add_subparsers(dest="victims_command", metavar="COMMAND", required=True)
    ev = victims_sub.add_parser("event", help="record an investigation event against a crime")
    ev.add_argument("reference", help="crime reference")
    ev.add_argument("event", help="arrest, interview, release-without-charge, bail, rui, charge, nfa, ...")
    ev.add_argument("date", type=iso_date)
    ev.add_argument("--user", default="", help="account to act as (default: the first administrator)")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(handler=_event)
    clocks = victims_sub.add_parser("clocks", help="list victim obligations that are due")
    clocks.add_argument("--overdue", action="store_true")
    clocks.add_argument("--user", default="", help="account whose need-to-know applies")
    clocks.add_argument("--limit", type=_positive, default=50, help="at most this many (default 50)")
    clocks.add_argument("--json", action="store_true")
    clocks.set_defaults(handler=_clocks)
    report = victims_sub.add_parser(
        "compliance",
        help="the Victims' Code compliance figures (aggregates only), or --snapshot to count them now",
    )
    report.add_argument(
        "--snapshot",
        action="store_true",
        help="count the whole force now and keep it as today's figures (what the nightly sweep does)",
    )
    report.add_argument("--user", default="", help="account whose view of the figures to print")
    report.add_argument("--json", action="store_true")
    report.set_defaults(handler=_compliance)


def _print(out: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(out, indent=2, default=str))
        return
    rows = out if isinstance(out, list) else [out]
    for row in rows:
        print("  ".join(f"{k}: {v}" for k, v in row.items()))


def _event(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from django.core.exceptions import ValidationError

    from custos.crimes.cli import cli_actor
    from custos.crimes.models import Crime
    from custos.victims.services import investigation_event_recorded

    crime = Crime.objects.filter(reference=args.reference).first()
    if crime is None:
        raise UserError(f"unknown crime {args.reference!r}")
    try:
        result = investigation_event_recorded(
            crime=crime, event=args.event, occurred_on=args.date, actor=cli_actor(args.user)
        )
    except ValidationError as exc:
        raise UserError("; ".join(exc.messages)) from None
    except PermissionError as exc:
        raise UserError(str(exc)) from None
    _print(
        [
            {"victim": o.link.victim_id, "obligation": o.key, "due": o.due_on, "basis": o.due_basis}
            for o in result.created
        ],
        args.json,
    )
    return 0


def _clocks(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from django.utils import timezone

    from custos.crimes.cli import cli_actor
    from custos.victims.selectors import ClockFilters, clock_list

    today = timezone.localdate()
    qs = clock_list(
        actor=cli_actor(args.user),
        filters=ClockFilters(status="overdue" if args.overdue else ""),
        today=today,
    )
    _print(
        [
            {
                "due": o.due_on,
                "crime": o.link.crime.reference,
                "victim": o.link.victim.display_name,
                "enhanced": o.link.enhanced,
                "obligation": o.key,
                "basis": o.due_basis,
            }
            for o in qs[: args.limit]
        ],
        args.json,
    )
    return 0


def _compliance(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from django.http import Http404
    from django.utils import timezone

    from custos.crimes.cli import cli_actor
    from custos.victims import compliance

    today = timezone.localdate()
    if args.snapshot:
        snapshot = compliance.take_snapshot(today=today)
        _print(
            {
                "as_of": snapshot.as_of,
                "taken_at": snapshot.taken_at,
                "cells": len(snapshot.cells),
                "seconds": snapshot.seconds,
                "policy_version": snapshot.policy_version,
            },
            args.json,
        )
        return 0
    actor = cli_actor(args.user)
    try:
        report = compliance.compliance_report(actor=actor, today=today)
    except Http404:
        raise UserError(NOT_A_COMPLIANCE_READER.format(user=getattr(actor, "username", ""))) from None
    _print(
        {
            "today": report.today,
            "as_at": report.as_at or "counted now",
            "due": report.overall.total,
            "met_on_time": report.overall.on_time,
            "percent": report.overall.percent,
            "enhanced_entitled": report.enhanced_entitled,
            "enhanced_recognised": report.enhanced_recognised,
            "overdue": report.overdue_total,
            "oldest_overdue_days": report.oldest_overdue_days,
        },
        args.json,
    )
    return 0
