"""Validation of workforce records: pure functions over plain values, shared by forms, API and CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from custos.workforce import ranks

SUPERVISOR_MUST_OUTRANK = (
    "A line supervisor must outrank the person they supervise ({sup} does not outrank {rank})."
)
SUPERVISOR_NOT_SELF = "A person cannot be their own line supervisor."
SUPERVISOR_CYCLE = "That supervisor is already supervised (directly or indirectly) by this person."
PIP_NEEDS_DATE = "PIP{level} needs an accreditation date."
PIP_DATE_IN_FUTURE = "The PIP accreditation date cannot be in the future."
PIP_DATE_WITHOUT_LEVEL = "Remove the accreditation date or choose a PIP level of 1 or more."
VISOR_NEEDS_TRAINING = "A ViSOR authorised user needs a training date and a training expiry date."
VISOR_EXPIRY_BEFORE_TRAINING = "The ViSOR training expiry must be after the training date."
WORKLOAD_EXPIRY_BEFORE_TRAINING = "The workload-management training expiry must be after the training date."
PROBATIONER_NOT_OFFICER = "Only police officers (constables) can be probationers."
TEAM_OTHER_BOROUGH = "The team belongs to a different borough."
HOURS_RANGE = "Hours per week must be more than 0 and at most 60."
START_IN_FUTURE = "The start date cannot be in the future."


@dataclass(frozen=True)
class PersonFacts:
    rank: str
    start_date: date | None
    probationer: bool
    pip_level: int
    pip_accredited_on: date | None
    visor_authorised: bool
    visor_trained_on: date | None
    visor_training_expires: date | None
    workload_training_on: date | None
    workload_training_expires: date | None
    hours_per_week: float
    borough_id: int | None
    team_borough_id: int | None
    supervisor_rank: str | None
    is_own_supervisor: bool = False
    supervisor_chain_contains_self: bool = False


def person_problems(p: PersonFacts, *, today: date) -> dict[str, list[str]]:
    """Every problem with a person record, keyed by field name ('' for the record as a whole)."""
    out: dict[str, list[str]] = {}

    def add(field: str, msg: str) -> None:
        out.setdefault(field, []).append(msg)

    if p.start_date and p.start_date > today:
        add("start_date", START_IN_FUTURE)
    if p.is_own_supervisor:
        add("line_supervisor", SUPERVISOR_NOT_SELF)
    elif p.supervisor_chain_contains_self:
        add("line_supervisor", SUPERVISOR_CYCLE)
    elif p.supervisor_rank is not None and not ranks.outranks(p.supervisor_rank, p.rank):
        add(
            "line_supervisor",
            SUPERVISOR_MUST_OUTRANK.format(sup=ranks.label(p.supervisor_rank), rank=ranks.label(p.rank)),
        )
    if p.pip_level >= 2 and p.pip_accredited_on is None:
        add("pip_accredited_on", PIP_NEEDS_DATE.format(level=p.pip_level))
    if p.pip_accredited_on is not None:
        if p.pip_accredited_on > today:
            add("pip_accredited_on", PIP_DATE_IN_FUTURE)
        if p.pip_level == 0:
            add("pip_accredited_on", PIP_DATE_WITHOUT_LEVEL)
    if p.visor_authorised and (p.visor_trained_on is None or p.visor_training_expires is None):
        add("visor_training_expires", VISOR_NEEDS_TRAINING)
    if p.visor_trained_on and p.visor_training_expires and p.visor_training_expires <= p.visor_trained_on:
        add("visor_training_expires", VISOR_EXPIRY_BEFORE_TRAINING)
    if (
        p.workload_training_on
        and p.workload_training_expires
        and p.workload_training_expires <= p.workload_training_on
    ):
        add("workload_training_expires", WORKLOAD_EXPIRY_BEFORE_TRAINING)
    if p.probationer and p.rank not in (ranks.Rank.CONSTABLE, ranks.Rank.DETECTIVE_CONSTABLE):
        add("probationer", PROBATIONER_NOT_OFFICER)
    if p.team_borough_id is not None and p.borough_id is not None and p.team_borough_id != p.borough_id:
        add("team", TEAM_OTHER_BOROUGH)
    if not (0 < p.hours_per_week <= 60):
        add("hours_per_week", HOURS_RANGE)
    return out


@dataclass(frozen=True)
class TrainingExpiry:
    kind: str  # "visor" | "workload" | "accreditation:<specialism>"
    label: str
    expires_on: date
    days_left: int
    basis: str

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def training_expiry(
    kind: str, label: str, expires_on: date | None, *, today: date, warn_days: int, basis: str
) -> TrainingExpiry | None:
    """An expiry worth showing: already expired, or within the warning window."""
    if expires_on is None:
        return None
    days_left = (expires_on - today).days
    if days_left > warn_days:
        return None
    return TrainingExpiry(kind=kind, label=label, expires_on=expires_on, days_left=days_left, basis=basis)
