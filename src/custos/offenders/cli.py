"""``custos offenders show|search|worklist``: the register from the command line (reads audited)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from custos.core.calc import iso_date

SEARCH_NEEDS_A_TERM = "give at least one of --name, --dob, --address or --vrm"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("offenders", help="registered offenders: show a record, search, worklist (audited)")
    ops = p.add_subparsers(dest="offenders_command", required=True)
    show = ops.add_parser("show", help="one offender by nominal reference, with computed dates and ladder")
    show.add_argument("reference")
    search = ops.add_parser("search", help="fuzzy name/alias, DOB, address or vehicle registration")
    search.add_argument("--name", default="")
    search.add_argument("--dob", type=iso_date, default=None, help="date of birth, YYYY-MM-DD")
    search.add_argument("--address", default="")
    search.add_argument("--vrm", default="")
    work = ops.add_parser("worklist", help="offenders needing attention, longest unseen first")
    work.add_argument("--scope", default="all", choices=["mine", "team", "borough", "all"])
    work.add_argument("--limit", type=int, default=50)
    for q in (show, search, work):
        q.add_argument("--user", required=True, help="the account the read is audited against")
        q.add_argument("--json", action="store_true")
        q.set_defaults(handler=_run)


def _actor(username: str) -> Any:
    from django.contrib.auth import get_user_model

    from custos.core.calc import UserError

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UserError(f"unknown or inactive user {username!r}")
    return user


def _summary(o: Any) -> dict[str, Any]:
    return {
        "reference": o.reference,
        "name": o.full_name,
        "date_of_birth": o.date_of_birth.isoformat(),
        "rosh_level": o.rosh_level,
        "last_successful_visit": o.last_successful_visit_on.isoformat()
        if o.last_successful_visit_on
        else None,
        "next_visit_due": o.next_visit_due.isoformat() if o.next_visit_due else None,
        "ladder_steps": o.ladder_steps,
    }


def _run(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from django.http import Http404
    from django.utils import timezone

    from custos.core.calc import UserError
    from custos.offenders import selectors
    from custos.offenders.computed import record_dates
    from custos.offenders.models import Offender

    actor = _actor(args.user)
    today = timezone.localdate()
    out: Any
    if args.offenders_command == "show":
        pk = Offender.objects.filter(reference=args.reference).values_list("pk", flat=True).first()
        try:
            o = selectors.offender_get(actor=actor, pk=pk or 0, purpose="cli")
        except Http404 as exc:
            raise UserError(f"no offender {args.reference!r} within {args.user}'s need-to-know") from exc
        dates, evaluation = record_dates(o, today=today)
        out = {
            **_summary(o),
            "computed": [d.__dict__ for d in dates],
            "ladder": [
                {"step": s.step.value, "since": s.since.isoformat(), "reason": s.reason, "basis": s.basis}
                for s in (evaluation.ladder.steps if evaluation else ())
            ],
        }
    elif args.offenders_command == "search":
        query = selectors.SearchQuery(
            name=args.name, date_of_birth=args.dob, address=args.address, vrm=args.vrm
        )
        if not query.as_dict():
            raise UserError(SEARCH_NEEDS_A_TERM)
        out = [_summary(o) for o in selectors.offender_search(actor=actor, query=query)]
    else:
        filters = selectors.WorklistFilters(scope=args.scope)
        out = [
            _summary(o) for o in selectors.worklist(actor=actor, filters=filters, today=today)[: args.limit]
        ]
        selectors.list_read(
            actor=actor,
            action=selectors.WORKLIST_LISTED,
            filters={"scope": filters.scope, "limit": args.limit, "via": "cli"},
            result_count=len(out),
        )
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for row in out if isinstance(out, list) else [out]:
            print("  ".join(f"{k}: {v}" for k, v in row.items() if not isinstance(v, list)))
    return 0
