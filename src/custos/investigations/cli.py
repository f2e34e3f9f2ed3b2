"""``custos investigations nfa-rates``: NFA rates by crime type, offence group, team or officer, as an
analyst sees them, the same rows as GET /api/v1/investigations/nfa-rates."""

from __future__ import annotations

import argparse
import json
from typing import Any

from custos.core.calc import UserError, iso_date

# The command's names for the groupings, and the selector's.
GROUPINGS = {"crime-type": "offence", "offence-group": "group", "team": "team", "officer": "officer"}
OFFICER_NEEDS_NAMES = (
    "grouping by officer names people, and {user} sees aggregates only; "
    "use --by crime-type, offence-group or team, or --user an account that may see names"
)
NO_ANALYST = "no active performance-analyst account exists; create one or pass --user"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("investigations", help="investigation quality: NFA rates")
    ops = p.add_subparsers(dest="investigations_command", metavar="COMMAND", required=True)
    rates = ops.add_parser(
        "nfa-rates", help="NFA_CORE, NFA_BROAD and positive-outcome rates of finalised crimes, with basis"
    )
    rates.add_argument(
        "--by", choices=list(GROUPINGS), default="crime-type", help="grouping (default crime-type)"
    )
    rates.add_argument("--since", type=iso_date, help="only crimes finalised on or after YYYY-MM-DD")
    rates.add_argument(
        "--user", default="", help="account whose view is used (default: the first performance analyst)"
    )
    rates.add_argument("--json", action="store_true", help="print JSON (the API's rows)")
    rates.set_defaults(handler=_nfa_rates)


def analyst_actor(username: str) -> Any:
    """The named account, or the first active performance analyst (aggregates only, as in the unit)."""
    from django.contrib.auth import get_user_model

    from custos.accounts.models import RoleGrant
    from custos.accounts.roles import Role
    from custos.crimes.cli import cli_actor

    if username:
        return cli_actor(username)
    grant = (
        RoleGrant.objects.filter(role=Role.PERFORMANCE_ANALYST, user__is_active=True)
        .order_by("user_id")
        .first()
    )
    if grant is None:
        raise UserError(NO_ANALYST)
    return get_user_model().objects.get(pk=grant.user_id)


def _nfa_rates(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from custos.core.policy import current_policy
    from custos.investigations import selectors

    actor = analyst_actor(args.user)
    by = GROUPINGS[args.by]
    if by == "officer" and not selectors.names_allowed(actor):
        raise UserError(OFFICER_NEEDS_NAMES.format(user=actor.username))
    rows = selectors.rates_out(actor=actor, by=by, policy=current_policy(), since=args.since)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    _print_table(rows, args.by)
    return 0


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _print_table(rows: list[dict[str, Any]], by: str) -> None:
    if not rows:
        print("no finalised crimes")
        return
    width = min(max(len(r["label"]) for r in rows), 60)
    print(f"{by:<{width}}  {'denominator':>11}  {'NFA core':>13}  {'NFA broad':>13}  {'positive':>13}")
    for r in rows:
        label = r["label"] if len(r["label"]) <= width else r["label"][: width - 1] + "…"
        print(
            f"{label:<{width}}  {r['finalised']:>11}  "
            f"{r['nfa_core']:>4} {_percent(r['nfa_core_percent']):>8}  "
            f"{r['nfa_broad']:>4} {_percent(r['nfa_broad_percent']):>8}  "
            f"{r['positive']:>4} {_percent(r['positive_percent']):>8}"
        )
    # The basis is the same for every row: one policy, one set of outcome definitions.
    print()
    for line in rows[0]["basis"]:
        print(f"basis: {line}")
    print(f"policy_version: {rows[0]['policy_version']}")
