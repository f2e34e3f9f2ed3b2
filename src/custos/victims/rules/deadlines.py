"""Victims' Code contact clocks: when a victim must be told of an investigation event.

Reference §4 [S BEDS-R4, BEDS-R6; ESSEX; WMPCC-VRR]: 1 working day for enhanced victims, 5 for others;
support referral within 2 working days of the report. The day of the event is day 0 and working days
exclude weekends and England bank holidays. All the numbers are policy (``[victims]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from custos.core.policy import Policy
from custos.core.workingdays import add_working_days

# Event -> what the victim must be told, and the Code source of the duty.
VICTIM_EVENTS: dict[str, tuple[str, str]] = {
    "report": ("referral to victim support services, unless declined", "Victims' Code Right 4"),
    "arrest": ("the suspect's arrest", "Victims' Code Right 6"),
    "interview": ("the suspect's interview under caution", "Victims' Code Right 6"),
    "release-without-charge": ("the suspect's release without charge", "Victims' Code Right 6"),
    "bail": ("the suspect's release on bail, with any conditions relevant to them", "Victims' Code Right 6"),
    "rui": ("the suspect's release under investigation", "Victims' Code Right 6"),
    "bail-change": ("a change to or cancellation of the suspect's bail conditions", "Victims' Code Right 6"),
    "charge": ("the charge", "Victims' Code Right 6"),
    "out-of-court": ("the out-of-court disposal", "Victims' Code Right 6"),
    "nfa": (
        "the decision not to prosecute, with reasons and how to ask for a review",
        "Victims' Code Right 6",
    ),
    "decision-not-to-investigate": (
        "the decision not to investigate, explained, with support offered",
        "Victims' Code Right 6",
    ),
}

UNKNOWN_EVENT = "unknown event {event!r}; valid events: {valid}"
BAD_FREQUENCY = "an agreed update frequency must be at least 1 day, got {days}"


@dataclass(frozen=True)
class VictimDeadline:
    event: str
    occurred: date
    enhanced: bool
    due: date
    basis: str
    policy_version: str


def victim_deadline(event: str, occurred: date, enhanced: bool, *, policy: Policy) -> VictimDeadline:
    """The date by which the victim must be told of (or, for ``report``, referred after) an event."""
    if event not in VICTIM_EVENTS:
        raise ValueError(UNKNOWN_EVENT.format(event=event, valid=", ".join(VICTIM_EVENTS)))
    duty, source = VICTIM_EVENTS[event]
    if event == "report":
        # The report's duty is to refer the victim, not to tell them of anything.
        key = "victims.support_referral_working_days"
        owed = "every victim referred to victim support services, unless they decline,"
    elif enhanced:
        key = "victims.enhanced_update_working_days"
        owed = f"enhanced victim told of {duty}"
    else:
        key = "victims.standard_update_working_days"
        owed = f"victim (standard) told of {duty}"
    n = int(policy.get(key))
    due = add_working_days(occurred, n)
    basis = (
        f"{source}: {owed} within {n} working day(s) of {occurred} (day 0), "
        f"weekends and England bank holidays excluded [{policy.basis(key)}]"
    )
    return VictimDeadline(event, occurred, enhanced, due, basis, policy.version)


def next_update_due(
    last_update: date, agreed_frequency_days: int | None = None, *, policy: Policy
) -> VictimDeadline:
    """The next regular update: at the frequency agreed with the victim, else the policy default."""
    if agreed_frequency_days is not None:
        if agreed_frequency_days < 1:
            raise ValueError(BAD_FREQUENCY.format(days=agreed_frequency_days))
        days = agreed_frequency_days
        basis = f"Victims' Code Right 6: update every {days} days, as agreed with the victim"
    else:
        key = "victims.default_update_frequency_days"
        days = int(policy.get(key))
        basis = f"Victims' Code Right 6: no frequency agreed, so every {days} days [{policy.basis(key)}]"
    return VictimDeadline(
        "update", last_update, False, last_update + timedelta(days=days), basis, policy.version
    )
