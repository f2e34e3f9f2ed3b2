"""Per-device verdict: counts by category and by match kind, "likely IIOC" with its reason, lab priority.

Counting rule: each *file* is counted once, under the most severe category among its matches and under its
strongest kind (exact beats perceptual), so the counts add up to the number of matched files.
"""

from __future__ import annotations

from typing import Any

from custos.core.policy import Policy

from .hashsets import CATEGORIES, SEVERITY


def file_category(record: dict[str, Any]) -> str | None:
    matches = record.get("matches") or []
    if not matches:
        return None
    return str(min((m["category"] for m in matches), key=lambda c: SEVERITY.get(c, 9)))


def file_kind(record: dict[str, Any]) -> str | None:
    kinds = {m["kind"] for m in record.get("matches") or []}
    return "exact" if "exact" in kinds else ("perceptual" if kinds else None)


def device_verdict(records: list[dict[str, Any]], *, policy: Policy) -> dict[str, Any]:
    by_category = dict.fromkeys(CATEGORIES, 0)
    by_kind = {"exact": 0, "perceptual": 0}
    by_category_kind = {c: {"exact": 0, "perceptual": 0} for c in CATEGORIES}
    for rec in records:
        category, kind = file_category(rec), file_kind(rec)
        if category is None or kind is None:
            continue
        by_category[category] = by_category.get(category, 0) + 1
        by_kind[kind] += 1
        by_category_kind.setdefault(category, {"exact": 0, "perceptual": 0})[kind] += 1
    iioc_categories = [str(c) for c in policy.get("triage.likely_iioc_categories")]
    min_hits = int(policy.get("triage.likely_iioc_min_hits"))
    hits = sum(by_category.get(c, 0) for c in iioc_categories)
    likely = hits >= min_hits and hits > 0
    found = [c for c in sorted(by_category, key=lambda c: SEVERITY.get(c, 9)) if by_category[c]]
    if likely:
        parts = [
            f"{by_category[c]} in category {c} ({by_category_kind[c]['exact']} exact, "
            f"{by_category_kind[c]['perceptual']} perceptual)"
            for c in found
            if c in iioc_categories
        ]
        reason = f"{hits} file(s) matched known-bad hash sets: " + "; ".join(parts)
    elif hits:
        reason = f"{hits} file(s) matched, fewer than triage.likely_iioc_min_hits ({min_hits})"
    else:
        reason = "no file matched a known-bad hash set in " + ", ".join(iioc_categories)
    priorities = policy.get("triage.lab_priority_by_category")
    priority = str(policy.get("triage.lab_priority_no_hits"))
    priority_basis = policy.basis("triage.lab_priority_no_hits")
    if found:
        priority = str(priorities.get(found[0], priority))
        priority_basis = policy.basis(f"triage.lab_priority_by_category.{found[0]}")
    return {
        "by_category": by_category,
        "by_kind": by_kind,
        "by_category_and_kind": by_category_kind,
        "matched_files": sum(by_kind.values()),
        "likely_iioc": likely,
        "likely_iioc_reason": reason,
        "most_severe_category": found[0] if found else None,
        "lab_priority": priority,
        "basis": [
            policy.basis("triage.likely_iioc_categories"),
            policy.basis("triage.likely_iioc_min_hits"),
            priority_basis,
        ],
        "policy_version": policy.version,
    }
