"""Demo investigations: a plan for every open crime an investigator holds (lines of enquiry from the
policy templates, some already resolved), supervisory reviews (a share of them overdue, for the
supervisor's view and the nightly escalation), tasks, and a few NFA outcomes awaiting sign-off.

Each plan's next review date and its basis are what the rules would have given: the first review one
working day after allocation while there has been none, else the date set at the last review (which is
written, by the investigator's supervisor) within the tier's interval."""

from __future__ import annotations

import random
from datetime import date, timedelta

from tqdm import tqdm

from custos.core.policy import Policy, current_policy
from custos.crimes.models import Crime, CrimeStatus
from custos.demo.bulk import Table, indexes_deferred, next_id
from custos.investigations.models import (
    InvestigationPlan,
    LineOfEnquiry,
    OutcomeDecision,
    OutcomeStatus,
    SupervisoryReview,
    Task,
)
from custos.investigations.rules import (
    check_outcome,
    first_review_due,
    next_review_due,
    plan_template,
)
from custos.workforce.models import Person

BATCH = 5000
REASONS = {
    "pursued": "Enquiry made; result recorded on the file.",
    "not-applicable": "Does not apply to the circumstances of this crime.",
    "not-available": "Checked: none exists or it was not retained.",
}
PLAN_COLUMNS = (
    "id",
    "crime_id",
    "template_basis",
    "policy_version",
    "allocated_on",
    "next_review_due",
    "next_review_basis",
)
LINE_COLUMNS = ("plan_id", "key", "title", "status", "reason", "owner_id", "decided_on")
TASK_COLUMNS = ("crime_id", "title", "owner_id", "due_on")
REVIEW_COLUMNS = (
    "crime_id",
    "reviewer_id",
    "reviewed_on",
    "direction",
    "next_review_on",
    "next_review_basis",
    "policy_version",
)
DIRECTIONS = (
    "Progress the open lines of enquiry; update the victim.",
    "CCTV and house-to-house to be completed before the next review.",
    "Suspect to be traced and interviewed; consider circulation.",
    "Review forensic submissions; chase results.",
)
DEMO_NFA = 18
DECISION_COLUMNS = ("crime_id", "outcome", "proposed_by_id", "rationale", "status", "basis", "policy_version")

Row = tuple[int, str, str, int, date]
Templates = dict[str, tuple[str, str, tuple[tuple[str, str], ...]]]


class _Out:
    """Rows on their way to the database; plan ids are numbered here so lines can refer to them."""

    def __init__(self) -> None:
        self.reviewers: dict[int, int] = {}
        self.plan_id = next_id(InvestigationPlan)
        self.plans = Table(InvestigationPlan, PLAN_COLUMNS)
        self.lines = Table(LineOfEnquiry, LINE_COLUMNS, batch=20_000, parents=(self.plans,))
        self.tasks = Table(Task, TASK_COLUMNS)
        self.decisions = Table(OutcomeDecision, DECISION_COLUMNS)
        self.reviews = Table(SupervisoryReview, REVIEW_COLUMNS)

    def close(self) -> int:
        return sum(t.close() for t in (self.plans, self.lines, self.tasks, self.decisions, self.reviews))


def seed_part(*, scale: str, seed: int, progress: bool = True, today: date | None = None) -> int:
    rng = random.Random(seed * 104729 + 5)
    today = today or date.today()
    policy = current_policy()
    templates: Templates = {}
    interval = policy.get("investigations.review_interval_days")
    crimes = Crime.objects.filter(status=CrimeStatus.OPEN, officer__isnull=False).order_by("pk")
    total = crimes.count()
    bar = tqdm(total=total, desc="Seeding investigations", unit="crime", disable=not progress)
    chunk: list[Row] = []
    # Who reviews an investigator's crimes: their line supervisor, else their team's supervisor.
    reviewers = {
        pk: line or team
        for pk, line, team in Person.objects.values_list("pk", "line_supervisor_id", "team__supervisor_id")
        if line or team
    }
    with indexes_deferred(InvestigationPlan, LineOfEnquiry, Task, OutcomeDecision, SupervisoryReview):
        out = _Out()
        out.reviewers = reviewers
        for row in crimes.values_list("pk", "offence_key", "tier", "officer_id", "recorded_on").iterator(
            chunk_size=BATCH
        ):
            chunk.append(row)
            if len(chunk) >= BATCH:
                _write(rng, chunk, templates, interval, today, policy, out)
                bar.update(len(chunk))
                chunk = []
        _write(rng, chunk, templates, interval, today, policy, out)
        bar.update(len(chunk))
        written = out.close()
    bar.close()
    return written


def _write(
    rng: random.Random,
    chunk: list[Row],
    templates: Templates,
    interval: dict[str, int],
    today: date,
    policy: Policy,
    out: _Out,
) -> None:
    # Two passes per chunk (plans, then their lines, tasks and decisions) keep the random sequence, and so
    # the data for a seed, as it was when plans were inserted before their lines.
    plan_ids: list[int] = []
    soon = today - timedelta(days=2)
    for _pk, offence, tier, _officer, recorded in chunk:
        if offence not in templates:
            t = plan_template(offence, policy=policy)
            templates[offence] = (t.basis[:300], t.policy_version, tuple((x.key, x.title) for x in t.lines))
        basis, version, _ = templates[offence]
        allocated = recorded + timedelta(days=rng.randint(0, 3))
        days = int(interval.get(tier or "T1", 28))
        # Most reviews are in date; about one in six is overdue (the inspectorate found reviews missed).
        due = (
            today + timedelta(days=rng.randint(1, days))
            if rng.random() > 0.17
            else today - timedelta(days=rng.randint(1, 30))
        )
        due, review_basis = _review_state(
            out,
            _pk,
            _officer,
            tier or "T1",
            min(allocated, today),
            due,
            today,
            policy,
            fresh=allocated > soon,
        )
        plan_id = out.plan_id
        out.plan_id += 1
        plan_ids.append(plan_id)
        out.plans.add((plan_id, _pk, basis, version, min(allocated, today), due, review_basis[:300]))
    for plan_id, (_pk, offence, _tier, officer, recorded) in zip(plan_ids, chunk, strict=True):
        age = (today - recorded).days
        lines = []
        for key, title in templates[offence][2]:
            done = rng.random() < min(0.9, age / 60)
            status = rng.choice(("pursued", "pursued", "not-applicable", "not-available")) if done else ""
            lines.append(
                (
                    plan_id,
                    key,
                    title,
                    status,
                    REASONS.get(status, ""),
                    officer,
                    today - timedelta(days=rng.randint(0, max(0, age))) if done else None,
                )
            )
        if rng.random() < 0.3:
            out.tasks.add((_pk, "Update the victim", officer, today + timedelta(days=rng.randint(-5, 10))))
        if age > 60 and rng.random() < 0.01:
            # An NFA is proposed only once every line of enquiry is resolved (the sign-off checks it again).
            lines = [
                (*ln[:3], "not-available", REASONS["not-available"], officer, today) if not ln[3] else ln
                for ln in lines
            ]
            out.decisions.add(
                (
                    _pk,
                    DEMO_NFA,
                    officer,
                    "All lines exhausted; no suspect identified.",
                    str(OutcomeStatus.AWAITING_SIGNOFF),
                    _nfa_basis(policy),
                    policy.version,
                )
            )
        for line in lines:
            out.lines.add(line)


def _review_state(
    out: _Out,
    crime_id: int,
    officer_id: int,
    tier: str,
    allocated: date,
    due: date,
    today: date,
    policy: Policy,
    *,
    fresh: bool,
) -> tuple[date, str]:
    """The plan's next review date and basis, writing the last review that set it when there was one.

    ``due`` is the date the seed chose; it stands when a review on a plausible day (on or after the first
    review was due, at most the tier's interval before ``due``, not in the future) could have set it.
    Otherwise no review has happened yet and the first review's date applies (overdue if it is past)."""
    first = first_review_due(allocated, policy=policy)
    reviewer = out.reviewers.get(officer_id)
    interval = int(policy.get(f"investigations.review_interval_days.{tier}"))
    reviewed_on = max(first.due, due - timedelta(days=interval))
    if fresh or reviewer is None or reviewed_on > min(due, today):
        return first.due, first.basis
    decided = next_review_due(reviewed_on, tier, requested=due, policy=policy)
    out.reviews.add(
        (
            crime_id,
            reviewer,
            reviewed_on,
            DIRECTIONS[crime_id % len(DIRECTIONS)],
            decided.due,
            decided.basis[:300],
            decided.policy_version,
        )
    )
    return decided.due, decided.basis


def _nfa_basis(policy: Policy) -> tuple[str, ...]:
    """The basis an NFA proposal records (as outcome_propose stores it), once per seeding."""
    return (
        *check_outcome(DEMO_NFA, "none", policy=policy).basis,
        "every line of enquiry resolved with a reason (investigation plan, reference §5)",
    )
