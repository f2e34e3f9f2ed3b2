"""``custos calc`` calculators for crimes: tier, harm and solvability."""

from __future__ import annotations

import argparse
from typing import Any

from custos.core.calc import Calculator, UserError
from custos.core.policy import current_policy
from custos.crimes.offences import MODIFIERS, UnknownOffence, catalogue
from custos.crimes.rules import (
    BURGLARY_FACTORS,
    EBIT_FACTORS,
    UnknownModifier,
    crime_harm,
    crime_tier,
    solvability_screen,
)

TIER_NEEDS_OFFENCE = "give --offence KEY (or --list-offences); see `custos calc tier --list-offences`"
HARM_COUNT_FORMAT = "--count must look like KEY=N (e.g. shoplifting=10), got {value!r}"
HARM_NEEDS_COUNTS = "give at least one --count KEY=N"


def _configure_tier(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--list-offences", action="store_true", help="list every offence key and its default tier"
    )
    parser.add_argument("--offence", metavar="KEY", help="offence key from --list-offences")
    parser.add_argument(
        "--modifier",
        action="append",
        default=[],
        metavar="NAME",
        help=f"escalation modifier, repeatable: {', '.join(MODIFIERS)}",
    )


def list_offences() -> list[dict[str, Any]]:
    """Every offence key with its Home Office code, description and default tier under current policy."""
    matrix = current_policy().get("crimes.tiering.default_tier")
    return [
        {"key": o.key, "ho_code": o.ho_code, "description": o.description, "default_tier": matrix.get(o.key)}
        for o in catalogue().values()
    ]


def _run_tier(args: argparse.Namespace) -> Any:
    # The interface contract makes `--list-offences` print a bare JSON list, so this calculator's
    # result is a list in that mode and a dict otherwise (the CLI prints either).
    if args.list_offences:
        return list_offences()
    policy = current_policy()
    if not args.offence:
        raise UserError(TIER_NEEDS_OFFENCE)
    try:
        decision = crime_tier(args.offence, args.modifier, policy=policy)
    except (UnknownOffence, UnknownModifier) as exc:
        raise UserError(str(exc)) from None
    return {
        "offence": decision.offence_key,
        "tier": decision.tier,
        "required_pip": decision.required_pip,
        "specialism": decision.specialism,
        "modifiers_applied": list(decision.modifiers_applied),
        "basis": list(decision.basis),
        "policy_version": decision.policy_version,
    }


def _configure_harm(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--count", action="append", default=[], metavar="KEY=N", help="offence key and count, repeatable"
    )


def _run_harm(args: argparse.Namespace) -> dict[str, Any]:
    if not args.count:
        raise UserError(HARM_NEEDS_COUNTS)
    pairs: list[tuple[str, int]] = []
    for value in args.count:
        key, sep, number = value.partition("=")
        if not sep or not number.strip().isdigit():
            raise UserError(HARM_COUNT_FORMAT.format(value=value))
        pairs.append((key.strip(), int(number)))
    try:
        result = crime_harm(pairs)
    except UnknownOffence as exc:
        raise UserError(str(exc)) from None
    return {
        "harm_days": result.total_days,
        "items": [
            {"offence": i.offence_key, "count": i.count, "cchi_days": i.days_each, "harm_days": i.days}
            for i in result.items
        ],
        "unweighted": list(result.unweighted),
        "basis": list(result.basis),
    }


def _configure_solvability(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", choices=("ebit", "burglary"), default="ebit")
    names = [n for n, _ in EBIT_FACTORS] + [n for n, _ in BURGLARY_FACTORS]
    parser.add_argument(
        "--factor", action="append", default=[], metavar="NAME", help=f"factor present: {', '.join(names)}"
    )
    parser.add_argument(
        "--public-interest", action="append", default=[], metavar="REASON", help="public-interest reason"
    )


def _run_solvability(args: argparse.Namespace) -> dict[str, Any]:
    policy = current_policy()
    try:
        result = solvability_screen(
            args.model, args.factor, public_interest=args.public_interest, policy=policy
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return {
        "model": result.model,
        "screen_in": result.screen_in,
        "factors_present": list(result.factors_present),
        "count": result.count,
        "threshold": result.threshold,
        "basis": list(result.basis),
        "policy_version": result.policy_version,
    }


CALCULATORS = [
    Calculator("tier", "tier, required PIP level and specialism of an offence", _configure_tier, _run_tier),
    Calculator("harm", "Cambridge Crime Harm Index harm of a set of crimes", _configure_harm, _run_harm),
    Calculator(
        "solvability", "EBIT or burglary solvability screening", _configure_solvability, _run_solvability
    ),
]
