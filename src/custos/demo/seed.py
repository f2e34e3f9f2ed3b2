"""Deterministic synthetic force generator (workforce), from a borough to London scale.

Same `--seed` and scale → the same force, byte for byte. Seeding is idempotent: a part that has already
been seeded is skipped with a message. Rows are written with bulk inserts in hierarchy order (senior
ranks first) so that line supervisors exist before the people they supervise.

Shape per London borough (about 1,060 officers and staff; 32 boroughs ≈ 34,000, of whom ≈ 6,000 sit in
investigation roles): response and neighbourhood teams of constables with a realistic share of student
officers, CID and safeguarding teams of detectives (mostly PIP2), an offender-management (MOSOVO) team of
ViSOR users, a victim care unit, and custody/support staff. Force-level OCSAE and digital forensics units
sit in Westminster. Distributions are plausible, not official figures.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from tqdm import tqdm

from custos.demo.models import SeedRun
from custos.demo.names import FIRST_NAMES, LAST_NAMES, LONDON_BOROUGHS
from custos.workforce.models import Absence, Accreditation, Borough, Person, Specialism, Team, TeamType
from custos.workforce.ranks import Rank

# A fixed "today" would make data go stale; instead dates are relative to the seeding date but all
# randomness is seeded, so two runs on the same day are identical.


@dataclass(frozen=True)
class Scale:
    boroughs: tuple[str, ...]  # borough codes
    team_factor: float  # multiplies the number of teams and unattached staff per borough
    force_units: bool  # force-level OCSAE and digital forensics units


SCALES: dict[str, Scale] = {
    "demo": Scale(boroughs=("CN", "HK", "IS"), team_factor=0.25, force_units=True),
    "borough": Scale(boroughs=("LX",), team_factor=1.0, force_units=True),
    "london": Scale(boroughs=tuple(code for code, _ in LONDON_BOROUGHS), team_factor=1.0, force_units=True),
}
FORCE_UNIT_BOROUGH = {"demo": "CN", "borough": "LX", "london": "CW"}


@dataclass(frozen=True)
class TeamPlan:
    team_type: str
    name: str
    count: int  # teams per borough at factor 1.0
    lead_rank: Rank
    member_rank: Rank
    members: int
    manager_rank: Rank  # the lead's line supervisor rank
    job_role: str
    alt_member_rank: Rank | None = None  # e.g. PCSOs in neighbourhood teams
    alt_share: float = 0.0


BOROUGH_TEAMS = (
    TeamPlan(
        TeamType.RESPONSE,
        "Response",
        6,
        Rank.SERGEANT,
        Rank.CONSTABLE,
        26,
        Rank.INSPECTOR,
        "Response officer",
    ),
    TeamPlan(
        TeamType.NEIGHBOURHOOD,
        "Neighbourhood",
        6,
        Rank.SERGEANT,
        Rank.CONSTABLE,
        20,
        Rank.INSPECTOR,
        "Neighbourhood officer",
        Rank.PCSO,
        0.3,
    ),
    TeamPlan(
        TeamType.CID,
        "CID",
        8,
        Rank.DETECTIVE_SERGEANT,
        Rank.DETECTIVE_CONSTABLE,
        12,
        Rank.DETECTIVE_INSPECTOR,
        "Investigator",
    ),
    TeamPlan(
        TeamType.SAFEGUARDING,
        "Safeguarding",
        5,
        Rank.DETECTIVE_SERGEANT,
        Rank.DETECTIVE_CONSTABLE,
        11,
        Rank.DETECTIVE_INSPECTOR,
        "Investigator",
    ),
    TeamPlan(
        TeamType.OFFENDER_MANAGEMENT,
        "Offender management (MOSOVO)",
        1,
        Rank.DETECTIVE_SERGEANT,
        Rank.DETECTIVE_CONSTABLE,
        9,
        Rank.DETECTIVE_INSPECTOR,
        "Offender manager",
    ),
    TeamPlan(
        TeamType.VICTIM_CARE,
        "Victim care unit",
        1,
        Rank.STAFF_BAND_C,
        Rank.STAFF_BAND_D,
        7,
        Rank.INSPECTOR,
        "Victim care officer",
    ),
)
FORCE_TEAMS = (
    TeamPlan(
        TeamType.OCSAE,
        "OCSAE",
        6,
        Rank.DETECTIVE_SERGEANT,
        Rank.DETECTIVE_CONSTABLE,
        14,
        Rank.DETECTIVE_INSPECTOR,
        "OCSAE investigator",
    ),
    TeamPlan(
        TeamType.DIGITAL_FORENSICS_LAB,
        "Digital forensics lab",
        4,
        Rank.STAFF_BAND_C,
        Rank.STAFF_BAND_D,
        12,
        Rank.DETECTIVE_INSPECTOR,
        "Digital forensic examiner",
    ),
)
UNATTACHED_OFFICERS = 300  # custody, roads policing, training, at factor 1.0
UNATTACHED_STAFF = 310  # control room, admin, custody detention officers
PROBATIONER_SHARE = 0.32  # of response/neighbourhood constables (the Met's recruitment surge)
PART_TIME_SHARE = 0.07
SEED_CACHE_KIB = 256 * 1024


@dataclass
class _Build:
    rng: random.Random
    today: date
    next_officer: int = 100000
    next_staff: int = 600000
    people: list[Person] = field(default_factory=list)
    accreditations: list[tuple[Person, str, date, date | None]] = field(default_factory=list)
    absences: list[tuple[Person, str, date, date]] = field(default_factory=list)

    def number(self, rank: Rank) -> str:
        if rank.value.startswith("staff") or rank == Rank.PCSO:
            self.next_staff += 1
            return f"S{self.next_staff}"
        self.next_officer += 1
        return str(self.next_officer)

    def days_ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.rng.randint(lo, hi))


def _person(
    b: _Build,
    *,
    rank: Rank,
    borough: Borough,
    team: Team | None,
    supervisor: Person | None,
    job_role: str,
    probationer: bool = False,
) -> Person:
    rng = b.rng
    officer = not (rank.value.startswith("staff") or rank == Rank.PCSO)
    if probationer:
        start = b.days_ago(30, 700)
    elif rank in (Rank.CONSTABLE, Rank.DETECTIVE_CONSTABLE, Rank.PCSO, Rank.STAFF_BAND_E, Rank.STAFF_BAND_D):
        start = b.days_ago(800, 9000)
    else:
        start = b.days_ago(3000, 11000)
    pip, pip_date = 0, None
    if officer:
        if rank == Rank.DETECTIVE_CONSTABLE:
            pip = 2 if rng.random() < 0.8 else 1  # 20% trainee detective constables
        elif rank in (Rank.DETECTIVE_SERGEANT,):
            pip = 2
        elif rank in (Rank.DETECTIVE_INSPECTOR,):
            pip = 3 if rng.random() < 0.5 else 2
        elif rank in (Rank.DETECTIVE_CHIEF_INSPECTOR, Rank.DETECTIVE_SUPERINTENDENT):
            pip = 3
        else:
            pip = 1
        if pip >= 1 and not probationer:
            pip_date = min(b.today, start + timedelta(days=rng.randint(300, 1500)))
    hours = Decimal(40)
    if rng.random() < PART_TIME_SHARE:
        hours = Decimal(rng.choice([20, 24, 28, 30, 32]))
    p = Person(
        staff_number=b.number(rank),
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        rank=rank.value,
        job_role=job_role,
        borough=borough,
        team=team,
        line_supervisor=supervisor,
        start_date=start,
        probationer=probationer,
        pip_level=pip,
        pip_accredited_on=pip_date,
        hours_per_week=hours,
    )
    b.people.append(p)
    return p


def _supervisor_training(b: _Build, p: Person) -> None:
    # Roughly 40% of supervisors have no workload-management training: the inspectorate's finding.
    if b.rng.random() < 0.6:
        on = b.days_ago(60, 1000)
        p.workload_training_on = on
        p.workload_training_expires = on + timedelta(days=3 * 365)


def _visor(b: _Build, p: Person, *, force_state: str | None = None) -> None:
    state = force_state or b.rng.choices(["current", "expiring", "expired"], weights=[80, 14, 6])[0]
    if state == "current":
        expires = b.today + timedelta(days=b.rng.randint(45, 330))
    elif state == "expiring":
        expires = b.today + timedelta(days=b.rng.randint(1, 29))
    else:
        expires = b.today - timedelta(days=b.rng.randint(1, 90))
    p.visor_authorised = True
    p.visor_training_expires = expires
    p.visor_trained_on = expires - timedelta(days=365)


# Accreditation dates are drawn 100-2,500 days back; the oldest tenth of that range stands for the
# accreditations that were not renewed in time.
ACCREDITED_DAYS = (100, 2500)
LAPSED_FROM_DAY = 2260


def _renewed(b: _Build, drawn_on: date, years: int) -> tuple[date, date]:
    """An expiring accreditation as forces hold them: renewed, so most are in date and about one in ten has
    lapsed (by up to 240 days). Derived from the date already drawn, so the seed's sequence is unchanged."""
    period = years * 365
    age = (b.today - drawn_on).days
    if age >= LAPSED_FROM_DAY:
        age = period + (age - LAPSED_FROM_DAY)
    else:
        age = 30 + (age - ACCREDITED_DAYS[0]) % (period - 60)  # renewed 30 days to a period less 30 ago
    on = b.today - timedelta(days=age)
    return on, on + timedelta(days=period)


def _specialisms(b: _Build, p: Person, team_type: str) -> None:
    rng = b.rng
    acc_on = b.days_ago(*ACCREDITED_DAYS)
    if team_type == TeamType.SAFEGUARDING and p.pip_level >= 2:
        spec = rng.choices(
            [Specialism.RASSO, Specialism.CHILD_ABUSE, Specialism.DOMESTIC_ABUSE], weights=[4, 4, 2]
        )[0]
        b.accreditations.append((p, spec, acc_on, None))
    elif team_type == TeamType.OCSAE and p.pip_level >= 2:
        b.accreditations.append((p, Specialism.OCSAE, *_renewed(b, acc_on, 3)))
        if rng.random() < 0.3:
            b.accreditations.append((p, Specialism.CHILD_ABUSE, acc_on, None))
    elif team_type == TeamType.DIGITAL_FORENSICS_LAB:
        b.accreditations.append((p, Specialism.DIGITAL_FORENSICS, *_renewed(b, acc_on, 2)))
    elif team_type == TeamType.OFFENDER_MANAGEMENT:
        b.accreditations.append((p, Specialism.MOSOVO, acc_on, None))


def _absence(b: _Build, p: Person) -> None:
    r = b.rng.random()
    if r < 0.06:
        start = b.today + timedelta(days=b.rng.randint(-5, 25))
        b.absences.append((p, "annual-leave", start, start + timedelta(days=b.rng.randint(2, 14))))
    elif r < 0.08:
        start = b.today - timedelta(days=b.rng.randint(0, 20))
        b.absences.append((p, "sickness", start, start + timedelta(days=b.rng.randint(3, 40))))
    elif r < 0.09:
        start = b.today + timedelta(days=b.rng.randint(0, 40))
        b.absences.append((p, "abstraction", start, start + timedelta(days=b.rng.randint(1, 5))))


def _count(n: int, factor: float) -> int:
    return max(1, round(n * factor))


def _save_level(level: list[Person]) -> None:
    """Insert people whose supervisors already exist, repeating down the hierarchy."""
    pending = [p for p in level if p.pk is None]
    while pending:
        ready = [p for p in pending if p.line_supervisor is None or p.line_supervisor.pk is not None]
        if not ready:
            raise RuntimeError("supervisor hierarchy has a cycle")
        Person.objects.bulk_create(ready, batch_size=2000)
        done = {id(p) for p in ready}
        pending = [p for p in pending if id(p) not in done]


def _build_borough(
    b: _Build,
    borough: Borough,
    plans: tuple[TeamPlan, ...],
    factor: float,
    unattached: bool,
    save: Callable[[list[Person]], None],
) -> None:
    rng = b.rng
    start = len(b.people)
    chief = _person(
        b,
        rank=Rank.CHIEF_SUPERINTENDENT,
        borough=borough,
        team=None,
        supervisor=None,
        job_role="BCU commander",
    )
    supt = _person(
        b,
        rank=Rank.SUPERINTENDENT,
        borough=borough,
        team=None,
        supervisor=chief,
        job_role="Superintendent, neighbourhoods and response",
    )
    det_supt = _person(
        b,
        rank=Rank.DETECTIVE_SUPERINTENDENT,
        borough=borough,
        team=None,
        supervisor=chief,
        job_role="Detective superintendent, public protection and investigation",
    )
    ci = _person(
        b, rank=Rank.CHIEF_INSPECTOR, borough=borough, team=None, supervisor=supt, job_role="Chief inspector"
    )
    dci = _person(
        b,
        rank=Rank.DETECTIVE_CHIEF_INSPECTOR,
        borough=borough,
        team=None,
        supervisor=det_supt,
        job_role="Detective chief inspector",
    )
    save(b.people[start:])
    managers: dict[Rank, list[Person]] = {Rank.INSPECTOR: [], Rank.DETECTIVE_INSPECTOR: []}
    level = len(b.people)
    for _ in range(max(2, _count(6, factor))):
        managers[Rank.INSPECTOR].append(
            _person(b, rank=Rank.INSPECTOR, borough=borough, team=None, supervisor=ci, job_role="Inspector")
        )
    for _ in range(max(2, _count(4, factor))):
        di = _person(
            b,
            rank=Rank.DETECTIVE_INSPECTOR,
            borough=borough,
            team=None,
            supervisor=dci,
            job_role="Detective inspector",
        )
        _supervisor_training(b, di)
        managers[Rank.DETECTIVE_INSPECTOR].append(di)
    save(b.people[level:])

    teams_and_leads: list[tuple[TeamPlan, Team, Person]] = []
    level = len(b.people)
    for plan in plans:
        for i in range(_count(plan.count, factor)):
            suffix = f" {i + 1}" if plan.count > 1 else ""
            team = Team.objects.create(borough=borough, name=f"{plan.name}{suffix}", team_type=plan.team_type)
            manager = rng.choice(managers[plan.manager_rank])
            lead = _person(
                b,
                rank=plan.lead_rank,
                borough=borough,
                team=team,
                supervisor=manager,
                job_role=f"{plan.job_role} supervisor",
            )
            _supervisor_training(b, lead)
            if plan.team_type == TeamType.OFFENDER_MANAGEMENT:
                _visor(b, lead, force_state="current")
            teams_and_leads.append((plan, team, lead))
    save(b.people[level:])
    for _, team, lead in teams_and_leads:
        team.supervisor = lead
    Team.objects.bulk_update([t for _, t, _ in teams_and_leads], ["supervisor"], batch_size=500)

    level = len(b.people)
    for plan, team, lead in teams_and_leads:
        for k in range(plan.members):
            rank = (
                plan.alt_member_rank
                if plan.alt_member_rank and rng.random() < plan.alt_share
                else plan.member_rank
            )
            probationer = (
                rank == Rank.CONSTABLE
                and plan.team_type in (TeamType.RESPONSE, TeamType.NEIGHBOURHOOD)
                and rng.random() < PROBATIONER_SHARE
            )
            p = _person(
                b,
                rank=rank,
                borough=borough,
                team=team,
                supervisor=lead,
                job_role=plan.job_role,
                probationer=probationer,
            )
            if plan.team_type == TeamType.OFFENDER_MANAGEMENT:
                # The first member of each MOSOVO team has lapsed ViSOR training: the inspectorate's finding.
                _visor(b, p, force_state="expired" if k == 0 else None)
            _specialisms(b, p, plan.team_type)
            _absence(b, p)
    if unattached:
        sergeants = [
            _person(
                b,
                rank=Rank.SERGEANT,
                borough=borough,
                team=None,
                supervisor=rng.choice(managers[Rank.INSPECTOR]),
                job_role="Custody sergeant",
            )
            for _ in range(_count(10, factor))
        ]
        staff_leads = [
            _person(
                b,
                rank=Rank.STAFF_BAND_C,
                borough=borough,
                team=None,
                supervisor=rng.choice(managers[Rank.INSPECTOR]),
                job_role="Support services manager",
            )
            for _ in range(_count(10, factor))
        ]
        save(b.people[level:])
        level = len(b.people)
        for _ in range(_count(UNATTACHED_OFFICERS, factor)):
            p = _person(
                b,
                rank=Rank.CONSTABLE,
                borough=borough,
                team=None,
                supervisor=rng.choice(sergeants),
                job_role=rng.choice(["Custody officer", "Roads policing", "Training", "Operational support"]),
            )
            _absence(b, p)
        for _ in range(_count(UNATTACHED_STAFF, factor)):
            p = _person(
                b,
                rank=rng.choice([Rank.STAFF_BAND_E, Rank.STAFF_BAND_D]),
                borough=borough,
                team=None,
                supervisor=rng.choice(staff_leads),
                job_role=rng.choice(
                    ["Detention officer", "Control room operator", "Administrator", "Analyst"]
                ),
            )
            _absence(b, p)
    save(b.people[level:])


def seed_workforce(*, scale: str, seed: int, progress: bool = True, today: date | None = None) -> int:
    spec = SCALES[scale]
    b = _Build(rng=random.Random(seed), today=today or date.today())
    names = dict(LONDON_BOROUGHS)
    boroughs = [Borough.objects.create(code=c, name=names[c]) for c in spec.boroughs]
    bar = tqdm(boroughs, desc="Seeding workforce", unit="borough", disable=not progress)
    for borough in bar:
        bar.set_postfix_str(borough.name)
        _build_borough(b, borough, BOROUGH_TEAMS, spec.team_factor, True, _save_level)
        if spec.force_units and borough.code == FORCE_UNIT_BOROUGH[scale]:
            _build_borough(b, borough, FORCE_TEAMS, 1.0 if scale != "demo" else 0.34, False, _save_level)
    Accreditation.objects.bulk_create(
        [
            Accreditation(person=p, specialism=s, accredited_on=on, expires_on=exp)
            for p, s, on, exp in b.accreditations
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    Absence.objects.bulk_create(
        [Absence(person=p, kind=k, starts_on=s, ends_on=e) for p, k, s, e in b.absences], batch_size=2000
    )
    return len(b.people)


def parts() -> list[tuple[str, Callable[..., int]]]:
    """Generators in domain order: workforce here, then each domain's `demo.seed_part`."""
    from custos.core.domains import DOMAIN_APPS, optional_module

    found: list[tuple[str, Callable[..., int]]] = [("workforce", seed_workforce)]
    for app in DOMAIN_APPS:
        module = optional_module(app, "demo") if app != "workforce" else None
        if module is not None:
            found.append((app, module.seed_part))
    return found


def seed(*, scale: str, seed: int, progress: bool = True) -> dict[str, Any]:
    if scale not in SCALES:
        from custos.core.calc import UserError

        raise UserError(f"unknown scale {scale!r}; choose demo, borough or london")
    if connection.vendor == "sqlite":
        # The parts load millions of rows and then build their indexes (custos.demo.bulk): a page cache
        # bigger than SQLite's default 2 MB keeps the index builds' sorts in memory. This connection only.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SEED_CACHE_KIB}")
    report: dict[str, Any] = {}
    for part, fn in parts():
        existing = SeedRun.objects.filter(part=part).first()
        if existing is not None:
            if existing.scale != scale or existing.seed != seed:
                from custos.core.calc import UserError

                raise UserError(
                    f"this database already holds the {existing.scale} force (seed {existing.seed}) "
                    f"for {part}; use a fresh database to seed a different one"
                )
            if progress:
                print(
                    f"{part}: already seeded ({existing.rows:,} rows, scale {scale}, seed {seed}); skipping"
                )
            report[part] = {"skipped": True, "rows": existing.rows}
            continue
        started = time.perf_counter()
        with transaction.atomic():
            rows = fn(scale=scale, seed=seed, progress=progress)
            elapsed = time.perf_counter() - started
            SeedRun.objects.create(part=part, scale=scale, seed=seed, seconds=elapsed, rows=rows)
        if progress:
            print(f"{part}: {rows:,} rows in {elapsed:.1f} s")
        report[part] = {"skipped": False, "rows": rows, "seconds": round(elapsed, 2)}
    return report
