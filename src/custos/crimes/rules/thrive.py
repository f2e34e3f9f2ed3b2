"""THRIVE record validation: Threat, Harm, Risk, Investigation, Vulnerability, Engagement.

Reference §1 [S THRIVE-SEC, WMP-THRIVE; HMI-SAC]: every contact is graded with THRIVE and the grading is
recorded; changed circumstances mean a fresh assessment (with the reason); repeat victims are flagged.
Response grades differ between forces, so the list is policy (``crimes.thrive.response_grades``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from custos.core.policy import Policy

THRIVE_ELEMENTS = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")

ELEMENT_MISSING = "THRIVE {element} must be recorded"
GRADE_UNKNOWN = "response grade {grade!r} is not one of {valid}"
ASSESSOR_MISSING = "the assessor must be recorded"
REPEAT_VICTIM_MISSING = "whether the victim is a repeat victim must be recorded (true or false)"
REASSESSMENT_REASON_MISSING = "a re-assessment must record the change of circumstances that prompted it"


def thrive_errors(record: Mapping[str, Any], *, reassessment: bool = False, policy: Policy) -> list[str]:
    """Everything missing or wrong in a THRIVE record, as field-led messages (empty when valid).

    ``record`` holds the six elements as text, ``response_grade``, ``assessed_by``, ``repeat_victim`` and,
    for a re-assessment, ``reassessment_reason``.
    """
    errors = []
    for element in THRIVE_ELEMENTS:
        value = record.get(element)
        if not isinstance(value, str) or not value.strip():
            errors.append(ELEMENT_MISSING.format(element=element))
    grades = list(policy.get("crimes.thrive.response_grades"))
    if record.get("response_grade") not in grades:
        errors.append(GRADE_UNKNOWN.format(grade=record.get("response_grade"), valid=", ".join(grades)))
    assessor = record.get("assessed_by")
    if not isinstance(assessor, str) or not assessor.strip():
        errors.append(ASSESSOR_MISSING)
    if not isinstance(record.get("repeat_victim"), bool):
        errors.append(REPEAT_VICTIM_MISSING)
    reason = record.get("reassessment_reason")
    if reassessment and (not isinstance(reason, str) or not reason.strip()):
        errors.append(REASSESSMENT_REASON_MISSING)
    return errors
