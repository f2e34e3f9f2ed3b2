"""The workload views as plain records, for the API and ``custos workload``: one shape for both, so the
JSON an API client reads and the JSON the command prints are the same for the same data and policy.

The numbers come from the selectors (``investigator_loads``, ``group_loads``, ``supervisors``,
``officer_workload``) and the engine's thresholds; this module only names them and says which policy key
governed each status (``basis``), as the workload page does in words.
"""

from __future__ import annotations

from typing import Any

from custos.allocation.engine import RAG
from custos.allocation.engine.workload import amber_threshold, key, red_threshold
from custos.allocation.selectors import GroupLoad, InvestigatorLoad, OfficerWorkload, SupervisorRow
from custos.core.policy import Policy

VIEWS = ("investigator", "team", "borough")
SORTS = ("load", "oldest", "name")


def rag_basis(rag: RAG, probationer: bool, *, policy: Policy) -> str:
    """The threshold that decided the status: red above the red one, else judged against the amber one."""
    trainee = "probationer_" if probationer else ""
    threshold = "caseload_red" if rag is RAG.RED else "caseload_amber"
    return policy.basis(key(trainee + threshold))


def sort_loads(rows: list[InvestigatorLoad], sort: str) -> list[InvestigatorLoad]:
    """The page's orders: heaviest first (default), oldest crime first, or by name (the selector's)."""
    if sort == "load":
        rows.sort(key=lambda r: (-r.open_crimes, r.person.last_name))
    elif sort == "oldest":
        rows.sort(key=lambda r: (-r.oldest_days, r.person.last_name))
    return rows


def _load_fields(r: InvestigatorLoad, *, policy: Policy) -> dict[str, Any]:
    trainee = r.person.probationer
    return {
        "open_crimes": r.open_crimes,
        "weighted_load": r.weighted_load,
        "caseload_amber": amber_threshold(trainee, policy=policy),
        "caseload_red": red_threshold(trainee, policy=policy),
        "weighted_load_cap": float(policy.get(key("weighted_load_cap"))),
        "rag": r.rag.value,
        "rag_basis": rag_basis(r.rag, trainee, policy=policy),
        "over_25": r.over_25,
        "over_25_basis": policy.basis(key("caseload_red")),
        "oldest_days": r.oldest_days,
        "ages": dict(r.ages),
        "policy_version": policy.version,
    }


def investigator_record(r: InvestigatorLoad, *, policy: Policy) -> dict[str, Any]:
    p = r.person
    return {
        "person_id": p.pk,
        "name": p.full_name,
        "staff_number": p.staff_number,
        "borough": p.borough_code,
        "borough_name": p.borough_name,
        "team_id": p.team_id,
        "team": p.team_name,
        "pip_level": p.pip_level,
        "probationer": p.probationer,
        **_load_fields(r, policy=policy),
    }


def group_record(g: GroupLoad, *, view: str, policy: Policy) -> dict[str, Any]:
    return {
        "view": view,
        "id": g.key,
        "name": g.label,
        "investigators": g.investigators,
        "open_crimes": g.open_crimes,
        "mean_open_crimes": g.mean_load,
        "weighted_load": g.weighted_load,
        "red": g.red,
        "amber": g.amber,
        "over_25": g.over_25,
        "oldest_days": g.oldest_days,
        "policy_version": policy.version,
    }


def supervisor_record(s: SupervisorRow, *, policy: Policy) -> dict[str, Any]:
    p = s.person
    return {
        "person_id": p.pk,
        "name": p.full_name,
        "staff_number": p.staff_number,
        "borough": p.borough.code,
        "team": p.team.name if p.team else "",
        "span": s.span,
        "span_limit": int(policy.get(key("supervisor_span_of_control"))),
        "over_span": s.over_span,
        "span_basis": policy.basis(key("supervisor_span_of_control")),
        "training_on": p.workload_training_on,
        "training_expires": p.workload_training_expires,
        "training_current": s.training_current,
        "untrained": not s.training_current,
        "training_note": s.training_note,
        "policy_version": policy.version,
    }


def officer_record(data: OfficerWorkload, *, policy: Policy) -> dict[str, Any]:
    return {
        **investigator_record(data.load, policy=policy),
        "line_supervisor_id": data.person.line_supervisor_id,
        "crimes": [
            {
                "id": c.pk,
                "reference": c.reference,
                "offence": c.ho_description,
                "tier": c.tier,
                "recorded_on": c.recorded_on,
            }
            for c in data.crimes
        ],
    }
