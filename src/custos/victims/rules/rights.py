"""The 12 rights of the Victims' Code, their concrete obligations, and when each obligation is due.

The rights and obligations are data (``victims/data/rights.toml``, with sources); the time limits are
policy (``[victims]``). An obligation the Code gives no time for is tracked without an invented date.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from custos.core.policy import Policy
from custos.core.workingdays import add_working_days

RIGHTS_FILE = Path(__file__).resolve().parents[1] / "data" / "rights.toml"
DUE_RULES = ("on-trigger", "working-days", "update-working-days", "agreed-frequency", "no-fixed-date")
CODE = "Code of Practice for Victims of Crime in England and Wales (2020)"

UNKNOWN_OBLIGATION = "unknown obligation {key!r}; valid obligations: {valid}"


class RightsDataError(Exception):
    """The rights data file is malformed (a packaging fault)."""


@dataclass(frozen=True)
class Obligation:
    key: str
    right: int
    title: str
    trigger: str
    due_rule: str
    policy_key: str | None


@dataclass(frozen=True)
class Right:
    number: int
    title: str
    obligations: tuple[Obligation, ...]


@dataclass(frozen=True)
class ObligationDue:
    key: str
    due: date | None
    basis: str
    policy_version: str


@lru_cache(maxsize=1)
def victims_code_rights() -> tuple[Right, ...]:
    """The 12 rights, in order, each with its obligations."""
    data = tomllib.loads(RIGHTS_FILE.read_text(encoding="utf-8"))
    rights = []
    for entry in data["right"]:
        obligations = []
        for raw in entry["obligations"]:
            if raw["due"] not in DUE_RULES:
                raise RightsDataError(
                    f"right {entry['number']}: obligation {raw['key']} has unknown due {raw['due']!r}"
                )
            obligations.append(
                Obligation(
                    raw["key"], entry["number"], raw["title"], raw["trigger"], raw["due"], raw.get("policy")
                )
            )
        rights.append(Right(entry["number"], entry["title"], tuple(obligations)))
    if [r.number for r in rights] != list(range(1, 13)):
        raise RightsDataError("rights.toml must list rights 1 to 12 in order")
    return tuple(rights)


def obligation(key: str) -> Obligation:
    found = {o.key: o for r in victims_code_rights() for o in r.obligations}
    if key not in found:
        raise KeyError(UNKNOWN_OBLIGATION.format(key=key, valid=", ".join(found)))
    return found[key]


def obligation_due(
    key: str, trigger_date: date, *, enhanced: bool, agreed_frequency_days: int | None = None, policy: Policy
) -> ObligationDue:
    """When an obligation falls due after its trigger (None where the Code sets no time)."""
    item = obligation(key)
    right = f"{CODE}, Right {item.right}"
    if item.due_rule == "on-trigger":
        return ObligationDue(key, trigger_date, f"{right}: at the {item.trigger} itself", policy.version)
    if item.due_rule == "no-fixed-date":
        return ObligationDue(key, None, f"{right}: no fixed time; without unjustified delay", policy.version)
    if item.due_rule == "agreed-frequency":
        if agreed_frequency_days is not None:
            return ObligationDue(
                key,
                trigger_date + timedelta(days=agreed_frequency_days),
                f"{right}: every {agreed_frequency_days} days as agreed with the victim",
                policy.version,
            )
        policy_key = item.policy_key or "victims.default_update_frequency_days"
        days = int(policy.get(policy_key))
        return ObligationDue(
            key,
            trigger_date + timedelta(days=days),
            f"{right}: every {days} days [{policy.basis(policy_key)}]",
            policy.version,
        )
    if item.due_rule == "update-working-days":
        policy_key = (
            "victims.enhanced_update_working_days" if enhanced else "victims.standard_update_working_days"
        )
    else:
        policy_key = item.policy_key or ""
    n = int(policy.get(policy_key))
    return ObligationDue(
        key,
        add_working_days(trigger_date, n),
        f"{right}: within {n} working day(s) of the {item.trigger}, day 0 [{policy.basis(policy_key)}]",
        policy.version,
    )
