"""Demo crimes: a year of recorded crime per borough at a realistic mix, with the open caseload held by
investigators as it was inherited from before Custos (uneven: some officers over 25 crimes, and some
crimes with officers below the PIP level their tier needs), a share left unallocated, and a year of
finalised crimes with outcomes; indecent-image (IIOC) cases finalised so that 60% are NFA_CORE.

Volumes per borough and year: demo ≈ 1,000 (three boroughs), borough ≈ 30,000 with ≈ 2,000 open,
london ≈ 28,000 × 32 ≈ 900,000 with ≈ 60,000 open. Finalised crimes are written compactly: the row only,
without suspects, plans or history (enough for rates, workload ages and drill-down). Deterministic from
``random.Random(seed)``; rows are written as tuples (`custos.demo.bulk`), the rules evaluated once per
distinct set of facts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from tqdm import tqdm

from custos.allocation.inputs import investigator_q
from custos.core.policy import current_policy
from custos.crimes.intake import ENHANCED_FLAGS, CrimeFacts, crime_values
from custos.crimes.models import Crime, CrimeStatus, Suspect, SuspectStatus
from custos.demo.bulk import Table, indexes_deferred, next_id
from custos.workforce.models import Borough, Person, TeamType

PER_BOROUGH = {"demo": (1000, 200), "borough": (30000, 2000), "london": (28000, 1880)}  # (a year, open)
IIOC_FINALISED = {
    "demo": 25,
    "borough": 60,
    "london": 40,
}  # per borough, multiples of 5: 60% NFA_CORE exactly
UNALLOCATED_SHARE = 0.08
BATCH = 5000
# What crime_values decides (tiering, harm, catalogue fields), in the order rows carry them.
TEMPLATE_COLUMNS = (
    "offence_key",
    "ho_code",
    "ho_description",
    "police_uk_category",
    *ENHANCED_FLAGS,  # the victim flags, in intake's order
    "weapon",
    "serious_injury",
    "commercial_victim",
    "high_risk",
    "threat_to_life",
    "critical_incident",
    "expected_lines_of_enquiry",
    "solvability_model",
    "solvability_factors",
    "solvability_count",
    "screened_in",
    "harm_days",
    "series_id",
    "tier",
    "required_pip",
    "specialism",
    "tier_modifiers",
    "tier_basis",
    "policy_version",
    "thrive_threat",
    "thrive_harm",
    "thrive_risk",
    "thrive_investigation",
    "thrive_vulnerability",
    "thrive_engagement",
    "response_grade",
    "thrive_assessed_by",
    "repeat_victim",
)
# Columns each crime row sets itself, followed by TEMPLATE_COLUMNS.
CRIME_COLUMNS = (
    "id",
    "reference",
    "borough_id",
    "team_id",
    "officer_id",
    "recorded_on",
    "occurred_on",
    "reported_on",
    "status",
    "outcome",
    "outcome_on",
    "finalised_on",
    "summary",
    *TEMPLATE_COLUMNS,
)
SUSPECT_COLUMNS = ("crime_id", "status", "name", "description")

# (offence key, share of recorded crime): a plausible police.uk-like mix, not official figures.
MIX: tuple[tuple[str, float], ...] = (
    ("theft-other", 13.0),
    ("shoplifting", 8.0),
    ("common-assault", 11.0),
    ("abh-s47", 6.0),
    ("harassment", 5.5),
    ("stalking", 1.5),
    ("criminal-damage-dwelling", 3.0),
    ("criminal-damage-vehicle", 4.0),
    ("criminal-damage-other", 2.0),
    ("burglary-residential", 5.0),
    ("burglary-business", 2.0),
    ("theft-of-vehicle", 3.5),
    ("theft-from-vehicle", 6.0),
    ("theft-from-person", 3.5),
    ("bicycle-theft", 2.0),
    ("robbery-personal", 3.0),
    ("robbery-commercial", 0.3),
    ("robbery-armed", 0.3),
    ("public-order-s4", 2.5),
    ("public-order-s5", 3.0),
    ("drug-possession", 4.0),
    ("drug-trafficking", 0.8),
    ("possession-blade", 1.5),
    ("fraud", 3.0),
    ("sexual-assault", 1.0),
    ("rape", 0.7),
    ("controlling-coercive-behaviour", 1.5),
    ("gbh-s20", 1.2),
    ("gbh-s18", 0.4),
    ("threats-to-kill", 0.4),
    ("child-cruelty", 0.3),
    ("sexual-activity-child", 0.2),
    ("iioc-possession", 0.2),
    ("iioc-making", 0.2),
    ("arson", 0.4),
)
# Outcome mix for finalised crimes by how often a suspect is found: (outcome, weight).
OUTCOMES_VOLUME = ((18, 62), (14, 8), (16, 10), (15, 3), (1, 7), (8, 5), (3, 2), (20, 3))
OUTCOMES_PERSON = ((16, 30), (15, 10), (14, 8), (18, 12), (1, 18), (3, 6), (8, 8), (21, 3), (20, 5))
PERSON_GROUPS = {
    "violence",
    "sexual",
    "domestic-abuse",
    "stalking-harassment",
    "child-abuse",
    "child-sexual-abuse",
}
IIOC_NFA = (16, 15, 18)  # NFA_CORE outcomes used for the IIOC cases
IIOC_POSITIVE = (1, 3)
NEEDS = {1: "named", 3: "named", 8: "named", 21: "named", 15: "identified", 16: "identified"}


def _weighted(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    total = sum(w for _, w in table)
    x = rng.random() * total
    for item, w in table:
        x -= w
        if x <= 0:
            return item
    return table[-1][0]


class _Templates:
    """Tiering and harm computed once per distinct set of facts (the rules are pure and deterministic)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.policy = current_policy()
        self.cache: dict[tuple[Any, ...], tuple[dict[str, Any], tuple[Any, ...]]] = {}

    def values(self, offence: str, **facts: Any) -> dict[str, Any]:
        return dict(self.row(offence, **facts)[0])

    def row(self, offence: str, **facts: Any) -> tuple[dict[str, Any], tuple[Any, ...]]:
        """The rules' values for these facts, and the same values as a row in `TEMPLATE_COLUMNS` order."""
        key = (offence, tuple(sorted(facts.items())))
        found = self.cache.get(key)
        if found is None:
            values, errors = crime_values(
                CrimeFacts(offence_key=offence, recorded_on=self.today, **facts),
                today=self.today,
                policy=self.policy,
            )
            if errors:
                raise ValueError(f"demo crime {offence} {facts}: {errors}")
            for k in ("recorded_on", "occurred_on", "reported_on", "location", "summary"):
                values.pop(k, None)
            if set(values) != set(TEMPLATE_COLUMNS):
                raise ValueError(f"crime_values gave {sorted(values)}, expected {sorted(TEMPLATE_COLUMNS)}")
            # JSON lists as tuples: hashable, so each distinct one is encoded once (custos.demo.bulk).
            row = tuple(tuple(v) if isinstance(v, list) else v for v in (values[c] for c in TEMPLATE_COLUMNS))
            found = (values, row)
            self.cache[key] = found
        return found


def _facts(rng: random.Random, offence: str) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if offence.startswith("robbery") and rng.random() < 0.2:
        facts["weapon"] = True
    if offence in ("common-assault", "abh-s47", "harassment", "stalking") and rng.random() < 0.25:
        facts["domestic_abuse"] = True
    if rng.random() < 0.04:
        facts["vulnerable_victim"] = True
    if offence == "robbery-commercial":
        facts["commercial_victim"] = True
    facts["expected_lines_of_enquiry"] = rng.choice((2, 3, 3, 4, 4, 5, 6))
    return facts


def seed_part(*, scale: str, seed: int, progress: bool = True, today: date | None = None) -> int:
    rng = random.Random(seed * 7919 + 4)
    today = today or date.today()
    templates = _Templates(today)
    per_year, per_open = PER_BOROUGH[scale]
    boroughs = list(Borough.objects.order_by("code"))
    bar = tqdm(
        total=(per_year + IIOC_FINALISED[scale]) * len(boroughs),
        desc="Seeding crimes",
        unit="crime",
        disable=not progress,
    )
    with indexes_deferred(Crime, Suspect):
        out = _Out(next_id(Crime))
        for borough in boroughs:
            bar.set_postfix_str(borough.name)
            _seed_borough(rng, templates, out, borough, per_year, per_open, IIOC_FINALISED[scale], today, bar)
        written = out.close()
        bar.set_postfix_str("indexing")
    bar.close()
    return written


class _Out:
    """Crime and suspect rows on their way to the database; crime ids are numbered here, in order."""

    def __init__(self, first_id: int) -> None:
        self.next_id = first_id
        self.crimes = Table(Crime, CRIME_COLUMNS)
        self.suspects = Table(Suspect, SUSPECT_COLUMNS, parents=(self.crimes,))

    def crime(self, row: tuple[Any, ...], template: tuple[Any, ...], suspect: tuple[Any, ...] | None) -> None:
        crime_id = self.next_id
        self.next_id += 1
        if suspect is not None:
            self.suspects.add((crime_id, *suspect))
        self.crimes.add((crime_id, *row, *template))

    def close(self) -> int:
        return self.crimes.close() + self.suspects.close()


def _officers(borough: Borough) -> dict[str, list[Person]]:
    people = list(
        Person.objects.filter(investigator_q(), borough=borough)
        .select_related("team")
        .order_by("staff_number")
    )
    pools: dict[str, list[Person]] = {"detective": [], "pip1": [], "probationer": [], "ocsae": []}
    for p in people:
        team_type = p.team.team_type if p.team else ""
        if team_type == TeamType.OCSAE:
            pools["ocsae"].append(p)
        elif p.pip_level >= 2:
            pools["detective"].append(p)
        elif p.probationer:
            pools["probationer"].append(p)
        else:
            pools["pip1"].append(p)
    return pools


def _holder(
    rng: random.Random,
    pools: dict[str, list[Person]],
    required_pip: int,
    heavy: list[Person],
    heavy_share: float = 0.0,
) -> Person | None:
    """Who held a crime before Custos: mostly a fitting officer, unevenly, sometimes not a fitting one."""
    if heavy and rng.random() < heavy_share:
        return rng.choice(heavy)  # a few officers carry far more than their share (about 30 crimes each)
    if required_pip >= 2:
        pool = pools["detective"] or pools["pip1"]
        if rng.random() < 0.03 and pools["pip1"]:
            pool = pools["pip1"]  # complex crime with a PIP1 officer: inherited mis-allocation
    else:
        pool = pools["pip1"] + pools["probationer"] if rng.random() < 0.7 else pools["detective"]
    return rng.choice(pool) if pool else None


def _seed_borough(
    rng: random.Random,
    templates: _Templates,
    out: _Out,
    borough: Borough,
    per_year: int,
    per_open: int,
    iioc_finalised: int,
    today: date,
    bar: tqdm[Any],
) -> None:
    pools = _officers(borough)
    everyone = pools["detective"] + pools["pip1"] + pools["probationer"]
    heavy = rng.sample(everyone, k=min(len(everyone), max(2, len(everyone) // 40))) if everyone else []
    heavy_share = min(0.5, 30 * len(heavy) / max(1, per_open))
    teams = {p.team_id for p in everyone if p.team_id}
    team_ids = sorted(teams)
    sequence = iter(range(1, 10**8))
    code = borough.code
    finalised_status, open_status = str(CrimeStatus.FINALISED), str(CrimeStatus.OPEN)
    named, identified = str(SuspectStatus.NAMED), str(SuspectStatus.IDENTIFIED)

    def reference(on: date) -> str:
        return f"{code}/{on:%y}/{next(sequence):07d}"

    # Row layout: CRIME_COLUMNS after "id", up to the template's values.
    for offence in _stream(rng, per_year - per_open):
        if offence.startswith("iioc"):
            bar.update()
            continue  # finalised IIOC cases are written below, with the outcome mix the figure comes from
        recorded = today - timedelta(days=rng.randint(20, 365))
        values, template = templates.row(offence, **_facts(rng, offence))
        group = offence.split("-")[0]
        table = (
            OUTCOMES_PERSON
            if values["sexual"]
            or values["domestic_abuse"]
            or group
            in ("common", "abh", "gbh", "harassment", "stalking", "rape", "sexual", "child", "controlling")
            else OUTCOMES_VOLUME
        )
        outcome = _weighted(rng, table)
        officer = _holder(rng, pools, values["required_pip"], [])
        finalised = min(recorded + timedelta(days=rng.randint(3, 120)), today)
        out.crime(
            (
                reference(recorded),
                borough.pk,
                officer.team_id if officer else None,
                officer.pk if officer else None,
                recorded,
                recorded,
                recorded,
                finalised_status,
                outcome,
                finalised,
                finalised,
                "",
            ),
            template,
            None,
        )
        bar.update()
    for i in range(iioc_finalised):
        offence = "iioc-possession" if i % 2 else "iioc-making"
        recorded = today - timedelta(days=rng.randint(60, 365))
        outcome = IIOC_NFA[i % 3] if i % 5 < 3 else IIOC_POSITIVE[i % 2]
        officer = (
            rng.choice(pools["ocsae"] or pools["detective"] or everyone)
            if everyone or pools["ocsae"]
            else None
        )
        status = NEEDS.get(outcome)
        suspect = (
            (named, "Demo suspect", "")
            if status == "named"
            else ((identified, "", "") if status == "identified" else None)
        )
        out.crime(
            (
                reference(recorded),
                borough.pk,
                officer.team_id if officer else None,
                officer.pk if officer else None,
                recorded,
                recorded,
                recorded,
                finalised_status,
                outcome,
                recorded + timedelta(days=90),
                min(recorded + timedelta(days=90), today),
                "",
            ),
            templates.row(offence)[1],
            suspect,
        )
        bar.update()
    for offence in _stream(rng, per_open):
        age = int(rng.expovariate(1 / 45))
        recorded = today - timedelta(days=min(age, 400))
        values, template = templates.row(offence, **_facts(rng, offence))
        officer = (
            None
            if rng.random() < UNALLOCATED_SHARE
            else _holder(rng, pools, values["required_pip"], heavy, heavy_share)
        )
        suspect = None
        if rng.random() < 0.35:
            suspect = (named, "Named suspect", "") if rng.random() < 0.6 else (identified, "", "")
        team_id = officer.team_id if officer else (rng.choice(team_ids) if team_ids else None)
        out.crime(
            (
                reference(recorded),
                borough.pk,
                team_id,
                officer.pk if officer else None,
                recorded,
                recorded,
                recorded,
                open_status,
                None,
                None,
                None,
                "",
            ),
            template,
            suspect,
        )
        bar.update()
    # The inspectorate's example: a commercial robbery with many lines of enquiry held by a PIP1 probationer.
    trainee = pools["probationer"][0] if pools["probationer"] else None
    if trainee is not None:
        _, template = templates.row("robbery-commercial", commercial_victim=True, expected_lines_of_enquiry=9)
        recorded = today - timedelta(days=40)
        out.crime(
            (
                reference(recorded),
                borough.pk,
                trainee.team_id,
                trainee.pk,
                recorded,
                recorded,
                recorded,
                open_status,
                None,
                None,
                None,
                "Armed-looking robbery of a convenience store; CCTV, witnesses, phone and forensics.",
            ),
            template,
            (identified, "", "two males, masked"),
        )


def _stream(rng: random.Random, n: int) -> Iterator[str]:
    for _ in range(n):
        yield _weighted(rng, MIX)
