"""``custos calc`` calculators for victims: contact deadlines, Right to Review, enhanced entitlement."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from custos.core.calc import Calculator, UserError, iso_date
from custos.core.policy import current_policy
from custos.crimes.offences import UnknownOffence
from custos.victims.rules import (
    CRIME_FLAGS,
    VICTIM_EVENTS,
    VictimFacts,
    enhanced_entitlement,
    victim_deadline,
    vrr_eligibility,
    vrr_window,
)

SUMMARY_ONLY_NEEDS_INCIDENT = "--summary-only needs --incident D (the date of the incident)"
INCIDENT_WITHOUT_SUMMARY_ONLY = "--incident only applies with --summary-only"
CANNOT_READ = "cannot read {path}: {reason}"
NOT_JSON = "{path} is not valid JSON: {reason}"
EXPECTED_OBJECT = "{where} must be a JSON object"
MISSING = "{where} is missing"
WRONG_TYPE = "{where} must be {expected}, got {got}"
BAD_VALUE = "{where} must be one of {valid}, got {got!r}"
UNKNOWN_FIELDS = "{where} has unknown fields: {names}"

VICTIM_BOOLEANS = (
    "named_contact",
    "bereaved_relative",
    "mental_disorder",
    "impairment",
    "physical_disability",
    "fear_or_distress",
)


def _configure_deadline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event", required=True, choices=list(VICTIM_EVENTS))
    parser.add_argument("--date", required=True, type=iso_date, metavar="D", help="date of the event (day 0)")
    parser.add_argument("--enhanced", action="store_true", help="the victim is entitled to enhanced rights")


def _run_deadline(args: argparse.Namespace) -> dict[str, Any]:
    deadline = victim_deadline(args.event, args.date, args.enhanced, policy=current_policy())
    return {
        "event": deadline.event,
        "date": deadline.occurred.isoformat(),
        "enhanced": deadline.enhanced,
        "due": deadline.due.isoformat(),
        "basis": deadline.basis,
        "policy_version": deadline.policy_version,
    }


def _configure_vrr(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--notified", required=True, type=iso_date, metavar="D", help="date the victim was told"
    )
    parser.add_argument("--requested", required=True, type=iso_date, metavar="D", help="date of the request")
    parser.add_argument("--summary-only", action="store_true", help="the offence is triable only summarily")
    parser.add_argument("--incident", type=iso_date, metavar="D", help="date of the incident (summary-only)")


def _run_vrr(args: argparse.Namespace) -> dict[str, Any]:
    if args.summary_only and args.incident is None:
        raise UserError(SUMMARY_ONLY_NEEDS_INCIDENT)
    if args.incident is not None and not args.summary_only:
        raise UserError(INCIDENT_WITHOUT_SUMMARY_ONLY)
    try:
        window = vrr_window(
            args.notified,
            args.requested,
            summary_only=args.summary_only,
            incident=args.incident,
            policy=current_policy(),
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return {
        "in_time": window.in_time,
        "window_closes": window.window_closes.isoformat(),
        "acknowledge_by": window.acknowledge_by.isoformat(),
        "decide_by": window.decide_by.isoformat(),
        "basis": list(window.basis),
        "policy_version": window.policy_version,
    }


def _configure_vrr_eligibility(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--outcome", type=int, required=True, metavar="N", help="Home Office outcome 0-22")
    parser.add_argument("--not-interviewed", action="store_true", help="no suspect interviewed under caution")
    parser.add_argument("--victim-withdrawn", action="store_true")
    parser.add_argument("--victim-reinstated", action="store_true")


def _run_vrr_eligibility(args: argparse.Namespace) -> dict[str, Any]:
    result = vrr_eligibility(
        outcome=args.outcome,
        suspect_interviewed=not args.not_interviewed,
        victim_withdrawn=args.victim_withdrawn,
        victim_reinstated=args.victim_reinstated,
        policy=current_policy(),
    )
    return {
        "eligible": result.eligible,
        "reasons": list(result.reasons),
        "policy_version": result.policy_version,
    }


def _configure_entitlement(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, metavar="FILE.json", help="victim, crime and prior crimes")


JSON_TYPE_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "an object",
}


def _type_name(value: Any) -> str:
    return "null" if value is None else JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UserError(EXPECTED_OBJECT.format(where=where))
    return value


def _check_fields(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise UserError(UNKNOWN_FIELDS.format(where=where, names=", ".join(unknown)))


def _bool(obj: dict[str, Any], name: str, where: str) -> bool:
    value = obj.get(name, False)
    if not isinstance(value, bool):
        raise UserError(
            WRONG_TYPE.format(where=f"{where}.{name}", expected="true or false", got=_type_name(value))
        )
    return value


def _count(value: Any, where: str, *, nullable: bool) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        expected = "a whole number of 0 or more" + (" or null" if nullable else "")
        # A negative number is the right type: say which number, not "got an integer".
        got = str(value) if isinstance(value, int) and not isinstance(value, bool) else _type_name(value)
        raise UserError(WRONG_TYPE.format(where=where, expected=expected, got=got))
    return value


def read_entitlement_input(path: str) -> tuple[VictimFacts, str, list[str], int]:
    """Parse and validate the ``victim-entitlement`` input file, with a clear message for each mistake."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(CANNOT_READ.format(path=path, reason=exc.strerror or exc)) from None
    except UnicodeDecodeError:
        raise UserError(CANNOT_READ.format(path=path, reason="not UTF-8 text")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(NOT_JSON.format(path=path, reason=exc)) from None
    root = _object(data, "the input")
    _check_fields(root, {"victim", "crime", "prior_crimes_against_victim_12_months"}, "the input")
    for name in ("victim", "crime"):
        if name not in root:
            raise UserError(MISSING.format(where=name))
    victim = _object(root["victim"], "victim")
    crime = _object(root["crime"], "crime")
    _check_fields(victim, {"kind", "age", *VICTIM_BOOLEANS}, "victim")
    _check_fields(crime, {"offence_key", "flags"}, "crime")
    kind = victim.get("kind")
    if kind not in ("person", "business"):
        raise UserError(BAD_VALUE.format(where="victim.kind", valid="person, business", got=kind))
    facts = VictimFacts(
        kind=kind,
        age=_count(victim.get("age"), "victim.age", nullable=True),
        **{name: _bool(victim, name, "victim") for name in VICTIM_BOOLEANS},
    )
    offence_key = crime.get("offence_key")
    if not isinstance(offence_key, str):
        raise UserError(
            WRONG_TYPE.format(where="crime.offence_key", expected="a string", got=_type_name(offence_key))
        )
    flags = crime.get("flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        raise UserError(
            WRONG_TYPE.format(where="crime.flags", expected="a list of strings", got=_type_name(flags))
        )
    for flag in flags:
        if flag not in CRIME_FLAGS:
            raise UserError(BAD_VALUE.format(where="crime.flags[]", valid=", ".join(CRIME_FLAGS), got=flag))
    prior_name = "prior_crimes_against_victim_12_months"
    prior = _count(root.get(prior_name, 0), prior_name, nullable=False)
    return facts, offence_key, flags, prior or 0


def _run_entitlement(args: argparse.Namespace) -> dict[str, Any]:
    facts, offence_key, flags, prior = read_entitlement_input(args.input)
    try:
        result = enhanced_entitlement(
            facts, offence_key=offence_key, flags=flags, prior_crimes_12_months=prior, policy=current_policy()
        )
    except UnknownOffence as exc:
        raise UserError(f"crime.offence_key: {exc}") from None
    return {
        "enhanced": result.enhanced,
        "services": result.services,
        "categories": list(result.categories),
        "reasons": list(result.reasons),
        "flags": list(result.flags),
        "policy_version": result.policy_version,
    }


CALCULATORS = [
    Calculator(
        "victim-deadline", "when a victim must be told of an event", _configure_deadline, _run_deadline
    ),
    Calculator("vrr", "Victims' Right to Review request window and deadlines", _configure_vrr, _run_vrr),
    Calculator(
        "vrr-eligibility",
        "may the victim ask for a review of this outcome",
        _configure_vrr_eligibility,
        _run_vrr_eligibility,
    ),
    Calculator(
        "victim-entitlement",
        "Victims' Code services and enhanced categories",
        _configure_entitlement,
        _run_entitlement,
    ),
]
