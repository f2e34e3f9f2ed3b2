"""Examiners' gradings of material; enough independent agreeing gradings add the hash to the force's local
set."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from custos.core import audit
from custos.core.access import scope_of
from custos.core.policy import Policy, current_policy
from custos.triage import access
from custos.triage.grading import Vote, consensus, fingerprint
from custos.triage.hashstore import store_entries
from custos.triage.models import Category, Device, Grading, HashSet, SetKind
from custos.triage.scanner.hashsets import HashEntry

NEEDS_A_HASH = "Give at least one of MD5, SHA-1 or SHA-256."
BAD_HEX = "{kind} must be {n} hexadecimal digits."
ALREADY_GRADED = "You have already graded this item; gradings must come from different examiners."
NOT_AN_EXAMINER = "Only digital forensic examiners grade material."
LOCAL_SET_NAME = "Force graded set (local)"


def _hex(value: str, kind: str, n: int) -> str:
    v = (value or "").strip().lower()
    if v and (len(v) != n or any(c not in "0123456789abcdef" for c in v)):
        raise ValidationError({kind: [BAD_HEX.format(kind=kind.upper(), n=n)]})
    return v


def local_set() -> HashSet:
    hs, _ = HashSet.objects.get_or_create(
        name=LOCAL_SET_NAME,
        defaults={
            "kind": SetKind.KNOWN_BAD,
            "source": "Force lab grading",
            "is_local": True,
            "format": "grading",
        },
    )
    return hs


@transaction.atomic
def grading_record(
    *,
    actor: Any,
    category: str,
    md5: str = "",
    sha1: str = "",
    sha256: str = "",
    pdq: str = "",
    device: Device | None = None,
    note: str = "",
    policy: Policy | None = None,
) -> Grading:
    """One examiner's grading. Once enough independent gradings agree (policy), the hash joins the force's
    local set with the agreed category."""
    if not access.can_grade(scope_of(actor)):
        raise PermissionError(NOT_AN_EXAMINER)
    policy = policy or current_policy()
    md5, sha1, sha256 = _hex(md5, "md5", 32), _hex(sha1, "sha1", 40), _hex(sha256, "sha256", 64)
    pdq = _hex(pdq, "pdq", 64)
    if not (md5 or sha1 or sha256):
        raise ValidationError({"sha256": [NEEDS_A_HASH]})
    if category not in (Category.A, Category.B, Category.C, Category.NON_INDECENT):
        raise ValidationError({"category": ["Grade as A, B, C or non-indecent."]})
    # The item is identified by its strongest digest, so examiners who record different subsets agree.
    key = (
        fingerprint(None, None, sha256)
        if sha256
        else fingerprint(None, sha1, None)
        if sha1
        else fingerprint(md5, None, None)
    )
    if Grading.objects.filter(fingerprint=key, examiner=actor).exists():
        raise ValidationError(ALREADY_GRADED, code="duplicate")
    grading = Grading.objects.create(
        fingerprint=key,
        md5=md5,
        sha1=sha1,
        sha256=sha256,
        pdq=pdq,
        category=category,
        examiner=actor,
        device=device,
        note=note[:300],
        policy_version=policy.version,
    )
    audit.record(
        actor=actor,
        action="custos.grading.recorded",
        obj=grading,
        changes={"category": category, "sha256": sha256, "sha1": sha1, "md5": md5},
    )
    siblings = list(Grading.objects.filter(fingerprint=key))
    outcome = consensus([Vote(g.examiner_id, g.category) for g in siblings], policy=policy)
    if outcome.counts and not any(g.counted for g in siblings):
        hs = local_set()
        best = {
            f: next((getattr(g, f) for g in siblings if getattr(g, f)), None)
            for f in ("md5", "sha1", "sha256", "pdq")
        }
        entry = HashEntry(
            line=0,
            md5=best["md5"],
            sha1=best["sha1"],
            sha256=best["sha256"],
            pdq=best["pdq"],
            category=str(outcome.category),
        )
        store_entries(hs, [entry])
        Grading.objects.filter(fingerprint=key).update(counted=True)
        grading.counted = True
        audit.record(
            actor=actor,
            action="custos.hashset.graded_entry_added",
            obj=hs,
            changes={
                "category": outcome.category,
                "votes": outcome.votes,
                "basis": outcome.basis,
                "sha256": best["sha256"],
                "policy_version": policy.version,
            },
        )
    return grading
