"""How long an account stays locked after repeated failed passwords or codes: pure, no Django.

A fixed lockout lets someone who has the password keep guessing the six-digit code for ever, a few codes
each lockout (about 480 a day at 5 every 15 minutes). So each lockout in a row, with no full sign-in
between, lasts twice as long as the last, up to a longest; and the policy's number of lockouts in a row
lasts until an administrator unlocks the account, which bounds the guesses an attacker ever gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from custos.core.policy import Policy

FIRST = "security.login_lockout_minutes"
LONGEST = "security.login_lockout_max_minutes"
UNTIL_ADMINISTRATOR = "security.login_lockouts_until_administrator"


@dataclass(frozen=True)
class Lockout:
    """The ``number``-th lockout in a row. ``minutes`` None: it lasts until an administrator unlocks it."""

    number: int
    minutes: int | None
    basis: str
    policy_version: str

    @property
    def needs_administrator(self) -> bool:
        return self.minutes is None


def lockout(number: int, *, policy: Policy) -> Lockout:
    """The ``number``-th lockout in a row (1: the first since a full sign-in or an unlock)."""
    if number < 1:
        raise ValueError(f"lockouts are counted from 1, not {number}")
    if number >= int(policy.get(UNTIL_ADMINISTRATOR)):
        return Lockout(number, None, policy.basis(UNTIL_ADMINISTRATOR), policy.version)
    first, longest = int(policy.get(FIRST)), int(policy.get(LONGEST))
    # The exponent is capped so that a very large administrator threshold cannot build a huge integer.
    doubled = first * 2 ** min(number - 1, 32)
    if doubled >= longest:
        return Lockout(number, longest, policy.basis(LONGEST), policy.version)
    return Lockout(number, doubled, policy.basis(FIRST), policy.version)
