"""Demo conflicts of interest: a few per borough, so the allocation explanations and the officers' workload
pages show the engine stepping over a conflicted officer.

Per borough: two investigators each with a conflict with one open unallocated crime (recorded by their
line supervisor), one officer's self-declared conflict with a named person, and one conflict that was
declared and later withdrawn. Deterministic from ``random.Random(seed)``; bulk inserts.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from tqdm import tqdm

from custos.allocation.inputs import investigator_q, name_key
from custos.allocation.models import ConflictKind, ConflictOfInterest
from custos.crimes.models import Crime, CrimeStatus
from custos.workforce.models import Borough, Person

CRIME_REASONS = (
    "The victim is a close friend of my family.",
    "The suspect is my former partner's brother.",
    "I live in the same block and know both parties.",
    "My child attends the victim's school; the victim's parent is a friend.",
)
PEOPLE = ("Kieran Doyle-Marsh", "Tamsin Okonkwo-Reid", "Bartholomew Lisk", "Ines Varga-Holt")


def seed_part(*, scale: str, seed: int, progress: bool = True) -> int:
    rng = random.Random(seed * 31 + 4)
    now = timezone.now().replace(microsecond=0)
    rows: list[ConflictOfInterest] = []
    boroughs = list(Borough.objects.order_by("code"))
    for borough in tqdm(boroughs, desc="Conflicts of interest", unit="borough", disable=not progress):
        officers = list(
            Person.objects.filter(investigator_q(), borough=borough)
            .select_related("line_supervisor")
            .order_by("staff_number")
        )
        crimes = list(
            Crime.objects.filter(borough=borough, status=CrimeStatus.OPEN, officer__isnull=True)
            .exclude(tier="")
            .order_by("reference")
            .values_list("pk", flat=True)[:200]
        )
        if len(officers) < 4 or len(crimes) < 3:
            continue
        chosen = rng.sample(officers, 4)
        targets = rng.sample(crimes, 3)

        def declared_at(days: int) -> datetime:
            return now - timedelta(days=days, seconds=rng.randint(0, 8 * 3600))

        for officer, crime_pk in zip(chosen[:2], targets[:2], strict=True):
            rows.append(
                ConflictOfInterest(
                    officer=officer,
                    kind=ConflictKind.CRIME,
                    crime_id=crime_pk,
                    reason=rng.choice(CRIME_REASONS),
                    declared_by_id=officer.line_supervisor.user_id if officer.line_supervisor else None,
                    declared_at=declared_at(rng.randint(1, 20)),
                )
            )
        name = rng.choice(PEOPLE)
        rows.append(
            ConflictOfInterest(
                officer=chosen[2],
                kind=ConflictKind.PERSON,
                person_name=name,
                name_key=name_key(name),
                reason="A relative; declared on joining the team.",
                declared_by_id=chosen[2].user_id,
                declared_at=declared_at(rng.randint(60, 400)),
            )
        )
        started = declared_at(rng.randint(30, 90))
        rows.append(
            ConflictOfInterest(
                officer=chosen[3],
                kind=ConflictKind.CRIME,
                crime_id=targets[2],
                reason="Thought the victim was a neighbour.",
                declared_by_id=chosen[3].user_id,
                declared_at=started,
                withdrawn_at=started + timedelta(days=2),
                withdrawn_by_id=chosen[3].line_supervisor.user_id if chosen[3].line_supervisor else None,
                withdrawal_reason="Checked the address: a different person of the same name.",
            )
        )
    bulk_create_with_history(rows, ConflictOfInterest, batch_size=1000)
    return len(rows)
