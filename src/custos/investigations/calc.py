"""``custos calc`` calculators for investigations: outcome check, review dates, plan templates."""

from __future__ import annotations

import argparse
from typing import Any

from custos.core.calc import Calculator, UserError, iso_date
from custos.core.policy import current_policy
from custos.crimes.offences import UnknownOffence
from custos.investigations.rules import (
    SUSPECT_STATES,
    check_outcome,
    first_review_due,
    next_review_due,
    plan_template,
)

REVIEW_NEEDS_ONE = "give --allocated D for the first review, or --reviewed D --tier T for the next"


def _configure_outcome_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--outcome", type=int, required=True, metavar="N", help="Home Office outcome type 0-22"
    )
    parser.add_argument("--suspect", choices=SUSPECT_STATES, required=True)
    parser.add_argument(
        "--flag",
        action="append",
        default=[],
        metavar="FLAG",
        help="case flag, e.g. domestic-abuse, hate, child",
    )


def _run_outcome_check(args: argparse.Namespace) -> dict[str, Any]:
    checked = check_outcome(args.outcome, args.suspect, flags=args.flag, policy=current_policy())
    return {
        "outcome": checked.outcome,
        "name": checked.name,
        "group": checked.group,
        "suspect": checked.suspect,
        "valid": checked.valid,
        "errors": list(checked.errors),
        "warnings": list(checked.warnings),
        "requires_signoff": checked.requires_signoff,
        "basis": list(checked.basis),
        "policy_version": checked.policy_version,
    }


def _configure_review_due(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allocated", type=iso_date, metavar="D", help="allocation date: first review")
    parser.add_argument("--reviewed", type=iso_date, metavar="D", help="date of the last review")
    parser.add_argument("--tier", choices=("T1", "T2", "T3", "T4"))
    parser.add_argument("--requested", type=iso_date, metavar="D", help="next date the reviewer asked for")


def _run_review_due(args: argparse.Namespace) -> dict[str, Any]:
    policy = current_policy()
    if args.allocated and not args.reviewed:
        due = first_review_due(args.allocated, policy=policy)
    elif args.reviewed and args.tier and not args.allocated:
        try:
            due = next_review_due(args.reviewed, args.tier, requested=args.requested, policy=policy)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    else:
        raise UserError(REVIEW_NEEDS_ONE)
    return {"due": due.due.isoformat(), "basis": due.basis, "policy_version": due.policy_version}


def _configure_lines(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offence", required=True, metavar="KEY", help="offence key (custos calc tier --list-offences)"
    )


def _run_lines(args: argparse.Namespace) -> dict[str, Any]:
    try:
        plan = plan_template(args.offence, policy=current_policy())
    except UnknownOffence as exc:
        raise UserError(str(exc)) from None
    return {
        "offence": plan.offence_key,
        "group": plan.group,
        "lines": [{"key": line.key, "title": line.title} for line in plan.lines],
        "basis": plan.basis,
        "policy_version": plan.policy_version,
    }


CALCULATORS = [
    Calculator(
        "outcome-check",
        "is a Home Office outcome valid for the suspect",
        _configure_outcome_check,
        _run_outcome_check,
    ),
    Calculator(
        "review-due", "when the next supervisory review is due", _configure_review_due, _run_review_due
    ),
    Calculator("lines-of-enquiry", "standard lines of enquiry for an offence", _configure_lines, _run_lines),
]
