"""When graded material counts: CAID-style independent gradings. Pure functions, no Django import."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from custos.core.policy import Policy


@dataclass(frozen=True)
class Vote:
    examiner: int
    category: str


@dataclass(frozen=True)
class Consensus:
    counts: bool
    category: str | None
    votes: int
    needed: int
    reason: str
    basis: str
    policy_version: str


def consensus(votes: Sequence[Vote], *, policy: Policy) -> Consensus:
    """A hash counts once ``triage.gradings_required`` different examiners agree on its category.

    One vote per examiner (a second vote by the same examiner never counts twice). When examiners
    disagree the item waits for more gradings: the category with the most votes must itself reach the
    number required.
    """
    needed = int(policy.get("triage.gradings_required"))
    basis = policy.basis("triage.gradings_required")
    by_examiner: dict[int, str] = {}
    for v in votes:
        by_examiner.setdefault(v.examiner, v.category)
    tally = Counter(by_examiner.values())
    if not tally:
        return Consensus(False, None, 0, needed, "not graded yet", basis, policy.version)
    category, agreeing = max(tally.items(), key=lambda kv: (kv[1], kv[0]))
    if agreeing >= needed:
        reason = f"{agreeing} independent gradings agree on {category}"
        return Consensus(True, category, len(by_examiner), needed, reason, basis, policy.version)
    if len(tally) > 1:
        split = ", ".join(f"{c}: {n}" for c, n in sorted(tally.items()))
        reason = f"gradings disagree ({split}); {needed} must agree"
    else:
        reason = f"{agreeing} of {needed} independent gradings"
    return Consensus(False, None, len(by_examiner), needed, reason, basis, policy.version)


def fingerprint(md5: str | None, sha1: str | None, sha256: str | None, pdq: str | None = None) -> bytes:
    """A 16-byte identity of an item from its lower-case digests (BLAKE2b-128), used as a unique key."""
    parts = [(v or "").strip().lower() for v in (md5, sha1, sha256, pdq)]
    return hashlib.blake2b("|".join(parts).encode("ascii"), digest_size=16).digest()
