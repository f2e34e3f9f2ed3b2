"""Roles a Custos account can hold. A user may hold several."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFENDER_MANAGER = "offender-manager"
    MOSOVO_SUPERVISOR = "mosovo-supervisor"  # DS over a MOSOVO team
    DETECTIVE_INSPECTOR = "detective-inspector"
    INVESTIGATOR = "investigator"
    INVESTIGATION_SUPERVISOR = "investigation-supervisor"
    DIGITAL_FORENSIC_EXAMINER = "digital-forensic-examiner"
    OCSAE_INVESTIGATOR = "ocsae-investigator"
    VICTIM_CARE_OFFICER = "victim-care-officer"
    PERFORMANCE_ANALYST = "performance-analyst"
    INSPECTOR = "inspector"  # HMICFRS-style: aggregates only, no personal data
    PROFESSIONAL_STANDARDS = "professional-standards"  # audit search and export
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.OFFENDER_MANAGER: "Offender manager",
    Role.MOSOVO_SUPERVISOR: "MOSOVO supervisor (DS)",
    Role.DETECTIVE_INSPECTOR: "Detective inspector",
    Role.INVESTIGATOR: "Investigator",
    Role.INVESTIGATION_SUPERVISOR: "Investigation supervisor",
    Role.DIGITAL_FORENSIC_EXAMINER: "Digital forensic examiner",
    Role.OCSAE_INVESTIGATOR: "OCSAE investigator",
    Role.VICTIM_CARE_OFFICER: "Victim care officer",
    Role.PERFORMANCE_ANALYST: "Performance analyst",
    Role.INSPECTOR: "Inspector (aggregates only)",
    Role.PROFESSIONAL_STANDARDS: "Professional standards",
    Role.ADMINISTRATOR: "Administrator",
}

SUPERVISORY_ROLES = frozenset(
    {Role.MOSOVO_SUPERVISOR, Role.DETECTIVE_INSPECTOR, Role.INVESTIGATION_SUPERVISOR, Role.ADMINISTRATOR}
)
# Roles that may see named people at all. Inspectors and analysts see aggregates only.
PERSONAL_DATA_ROLES = frozenset(set(Role) - {Role.INSPECTOR, Role.PERFORMANCE_ANALYST})
