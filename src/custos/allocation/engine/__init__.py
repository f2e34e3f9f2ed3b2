"""The allocation engine: one deterministic, versioned function decides who investigates what.

Pure package (no Django). The Django services build the plain inputs from rows, call these functions, and
re-check caps at commit time with conditional updates (see docs/decisions/0002-allocation-solver.md).
"""

from __future__ import annotations

from .batch import Progress, allocate_batch, allocate_greedy, allocate_single
from .eligibility import (
    CASELOAD_CAP,
    CONFLICT,
    OUT_OF_SCOPE,
    PIP,
    PROBATIONER_TIER,
    SPECIALISM,
    UNAVAILABLE,
    WEIGHTED_CAP,
)
from .model import (
    ENGINE_VERSION,
    Allocation,
    AllocationRun,
    Alternative,
    ConstraintFailure,
    CrimeToAllocate,
    Investigator,
    SolveStats,
    Supervisor,
    Unallocated,
)
from .overrides import AllocationCheck, OverrideDecision, check_allocation, validate_override
from .whatif import LoadDistribution, WhatIfReport, load_distribution, simulate
from .workload import (
    RAG,
    BalanceCurve,
    OpenCase,
    caseload_cap,
    crime_weight,
    over_red_flag,
    rag_status,
    weighted_cap,
    weighted_load,
)

__all__ = [
    "CASELOAD_CAP",
    "CONFLICT",
    "ENGINE_VERSION",
    "OUT_OF_SCOPE",
    "PIP",
    "PROBATIONER_TIER",
    "RAG",
    "SPECIALISM",
    "UNAVAILABLE",
    "WEIGHTED_CAP",
    "Allocation",
    "AllocationCheck",
    "AllocationRun",
    "Alternative",
    "BalanceCurve",
    "ConstraintFailure",
    "CrimeToAllocate",
    "Investigator",
    "LoadDistribution",
    "OpenCase",
    "OverrideDecision",
    "Progress",
    "SolveStats",
    "Supervisor",
    "Unallocated",
    "WhatIfReport",
    "allocate_batch",
    "allocate_greedy",
    "allocate_single",
    "caseload_cap",
    "check_allocation",
    "crime_weight",
    "load_distribution",
    "over_red_flag",
    "rag_status",
    "simulate",
    "validate_override",
    "weighted_cap",
    "weighted_load",
]
