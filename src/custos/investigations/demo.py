"""Demo investigations: a plan for every open crime an investigator holds (lines of enquiry from the
policy templates, some already resolved), supervisory reviews (a share of them overdue, for the
supervisor's view and the nightly escalation), tasks, and a few NFA outcomes awaiting sign-off."""

from __future__ import annotations

import random
from datetime import date, timedelta

from tqdm import tqdm

from custos.core.policy import Policy, current_policy
from custos.core.workingdays import add_working_days
from custos.crimes.models import Crime, CrimeStatus
from custos.investigations.models import (
    InvestigationPlan,
    LineOfEnquiry,
    OutcomeDecision,
    OutcomeStatus,
    Task,
)
from custos.investigations.rules import plan_template

BATCH = 2000
REASONS = {
    "pursued": "Enquiry made; result recorded on the file.",
    "not-applicable": "Does not apply to the circumstances of this crime.",
    "not-available": "Checked: none exists or it was not retained.",
}

Row = tuple[int, str, str, int, date]
Templates = dict[str, tuple[str, str, tuple[tuple[str, str], ...]]]


def seed_part(*, scale: str, seed: int, progress: bool = True, today: date | None = None) -> int:
    rng = random.Random(seed * 104729 + 5)
    today = today or date.today()
    policy = current_policy()
    templates: Templates = {}
    interval = policy.get("investigations.review_interval_days")
    crimes = Crime.objects.filter(status=CrimeStatus.OPEN, officer__isnull=False).order_by("pk")
    total = crimes.count()
    written = 0
    bar = tqdm(total=total, desc="Seeding investigations", unit="crime", disable=not progress)
    chunk: list[Row] = []
    for row in crimes.values_list("pk", "offence_key", "tier", "officer_id", "recorded_on").iterator(
        chunk_size=BATCH
    ):
        chunk.append(row)
        if len(chunk) >= BATCH:
            written += _write(rng, chunk, templates, interval, today, policy)
            bar.update(len(chunk))
            chunk = []
    written += _write(rng, chunk, templates, interval, today, policy)
    bar.update(len(chunk))
    bar.close()
    return written


def _write(
    rng: random.Random,
    chunk: list[Row],
    templates: Templates,
    interval: dict[str, int],
    today: date,
    policy: Policy,
) -> int:
    if not chunk:
        return 0
    plans = []
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
        if allocated > today - timedelta(days=2):
            due = add_working_days(allocated, 1)
        plans.append(
            InvestigationPlan(
                crime_id=_pk,
                template_basis=basis,
                policy_version=version,
                allocated_on=min(allocated, today),
                next_review_due=due,
                next_review_basis=f"demo data: {tier} review interval {days} days",
            )
        )
    InvestigationPlan.objects.bulk_create(plans, batch_size=BATCH)
    lines = []
    tasks = []
    decisions = []
    for plan, (_pk, offence, _tier, officer, recorded) in zip(plans, chunk, strict=True):
        age = (today - recorded).days
        for key, title in templates[offence][2]:
            done = rng.random() < min(0.9, age / 60)
            status = rng.choice(("pursued", "pursued", "not-applicable", "not-available")) if done else ""
            lines.append(
                LineOfEnquiry(
                    plan=plan,
                    key=key,
                    title=title,
                    status=status,
                    reason=REASONS.get(status, ""),
                    owner_id=officer,
                    decided_on=today - timedelta(days=rng.randint(0, max(0, age))) if done else None,
                )
            )
        if rng.random() < 0.3:
            tasks.append(
                Task(
                    crime_id=_pk,
                    title="Update the victim",
                    owner_id=officer,
                    due_on=today + timedelta(days=rng.randint(-5, 10)),
                )
            )
        if age > 60 and rng.random() < 0.01:
            decisions.append(
                OutcomeDecision(
                    crime_id=_pk,
                    outcome=18,
                    proposed_by_id=officer,
                    rationale="All lines exhausted; no suspect identified.",
                    status=OutcomeStatus.AWAITING_SIGNOFF,
                    basis=["demo data"],
                    policy_version=policy.version,
                )
            )
    LineOfEnquiry.objects.bulk_create(lines, batch_size=BATCH)
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    OutcomeDecision.objects.bulk_create(decisions, batch_size=BATCH)
    return len(plans) + len(lines) + len(tasks) + len(decisions)
