"""Synthetic offender register: a realistic mix of risk and history, every escalation type, and the 2017 case.

Deterministic from the seed (dates are relative to the seeding day), bulk inserts only. Offenders are
managed by ViSOR-authorised people with current training in the offender-management team of their borough.
After inserting, the escalation ladder runs once so that worklists, dashboards and tasks are populated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from custos.demo.bulk import Table
from custos.demo.names import FIRST_NAMES, LAST_NAMES
from custos.offenders import ladder
from custos.offenders.models import (
    Address,
    Alias,
    AwayPeriod,
    Conviction,
    NotifiableDetail,
    NotificationEvent,
    Offender,
    RiskAssessment,
    Visit,
)
from custos.workforce.models import Borough, Person, TeamType

PER_BOROUGH = {"demo": 50, "borough": 250, "london": 250}
INTERVAL_DAYS = {"very-high": 42, "high": 91, "medium": 182, "low": 365}
LEVELS = (("very-high", 0.05), ("high", 0.22), ("medium", 0.4), ("low", 0.33))
# Visit-clock situations and their shares; every escalation type appears in every borough.
SITUATIONS = (
    ("in-date", 0.62),
    ("due-soon", 0.1),
    ("overdue", 0.08),
    ("overdue-by-interval", 0.04),
    ("two-intervals", 0.03),
    ("s96b", 0.04),
    ("custody", 0.03),
    ("unverified", 0.02),
    ("missed-notification", 0.02),
    ("arms-review", 0.02),
)
OFFENCES = (
    ("Sexual assault (SOA 2003 s.3)", True),
    ("Possession of indecent photographs of children (CJA 1988 s.160)", True),
    ("Making indecent photographs of children (PCA 1978 s.1)", True),
    ("Rape (SOA 2003 s.1)", True),
    ("Sexual communication with a child (SOA 2003 s.15A)", True),
    ("Exposure (SOA 2003 s.66)", True),
    ("Voyeurism (SOA 2003 s.67)", True),
)
COURTS = ("Snaresbrook Crown Court", "Southwark Crown Court", "Wood Green Crown Court", "Highbury Corner MC")
STATIONS = ("Charing Cross", "Brixton", "Stoke Newington", "Islington", "Lewisham", "Wembley")
LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"
HIGH_RISK_2017_REFERENCE = "ON2017HIGH"
BUILDS = ("slim", "medium", "heavy")
VISIT_COLUMNS = (
    "offender_id",
    "status",
    "attempted_at",
    "outcome",
    "officer_id",
    "second_officer_id",
    "announced",
    "announce_reason",
    "for_risk_assessment",
    "policy_version",
    "observations",
)
RISK_COLUMNS = (
    "offender_id",
    "tool",
    "assessed_on",
    "next_review",
    "risk_factors",
    "protective_factors",
    "judgement",
    "result",
    "reason",
    "basis",
    "policy_version",
)
CONVICTION_COLUMNS = (
    "offender_id",
    "offence",
    "schedule3",
    "conviction_date",
    "sentence_date",
    "disposal",
    "term_months",
    "court",
)


@dataclass
class _Plan:
    offender: Offender
    situation: str
    level: str


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    acc = 0.0
    for value, share in weighted:
        acc += share
        if x < acc:
            return value
    return weighted[-1][0]


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def demo_offender_manager() -> Person | None:
    """The person the `om` demo account will be linked to (same query as custos.demo.accounts)."""
    linked = Person.objects.filter(user__username="om").first()
    if linked is not None:
        return linked
    return (
        Person.objects.filter(user__isnull=True, active=True, team__team_type=TeamType.OFFENDER_MANAGEMENT)
        .filter(visor_training_expires__gt=timezone.localdate())
        .exclude(supervised_teams__isnull=False)
        .order_by("borough__code", "staff_number")
        .first()
    )


def _managers(borough: Borough, today: date) -> list[Person]:
    return list(
        Person.objects.filter(
            borough=borough,
            active=True,
            team__team_type=TeamType.OFFENDER_MANAGEMENT,
            visor_authorised=True,
            visor_training_expires__gt=today,
        ).order_by("staff_number")
    )


def seed_part(*, scale: str, seed: int, progress: bool = True) -> int:
    rng = random.Random(f"offenders-{seed}")
    today = timezone.localdate()
    from custos.demo.seed import SCALES

    # Only the boroughs of the force being seeded (a database may hold others, e.g. test fixtures).
    boroughs = list(
        Borough.objects.filter(teams__team_type=TeamType.OFFENDER_MANAGEMENT, code__in=SCALES[scale].boroughs)
        .distinct()
        .order_by("code")
    )
    per = PER_BOROUGH.get(scale, 50)
    rows = 0
    bar: Any = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(boroughs) * per, desc="offenders", unit="nominal")
    om_for_2017 = demo_offender_manager()
    seq = Offender.objects.count()
    with transaction.atomic():
        for borough in boroughs:
            managers = _managers(borough, today)
            if not managers:
                continue
            team_id = managers[0].team_id
            plans: list[_Plan] = []
            for i in range(per):
                seq += 1
                level = _pick(rng, LEVELS)
                situation = (
                    SITUATIONS[i % len(SITUATIONS)][0] if i < len(SITUATIONS) else _pick(rng, SITUATIONS)
                )
                lead = managers[rng.randrange(len(managers))]
                deputy = managers[rng.randrange(len(managers))] if len(managers) > 1 else None
                o = Offender(
                    reference=f"ON{seq:07d}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    date_of_birth=date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28)),
                    sex="male" if rng.random() < 0.96 else "female",
                    description=f"{rng.randint(160, 195)} cm, {rng.choice(BUILDS)} build",
                    marks=rng.choice(["", "", "tattoo left forearm", "scar right cheek"]),
                    borough=borough,
                    team_id=team_id,
                    mappa_category=1,
                    mappa_level=3
                    if level == "very-high"
                    else 2
                    if level == "high" and rng.random() < 0.5
                    else 1,
                    management_mode="reactive"
                    if level == "low" and situation == "in-date" and rng.random() < 0.3
                    else "active",
                    rosh_level=level,
                    rosh_reason=f"{level} risk of serious harm on the latest assessment",
                    lead_manager=lead,
                    deputy_manager=deputy if deputy and deputy.pk != lead.pk else None,
                    managed_since=today - timedelta(days=rng.randint(400, 3650)),
                    whereabouts_verified=situation != "unverified",
                    whereabouts_unverified_since=today - timedelta(days=rng.randint(2, 20))
                    if situation == "unverified"
                    else None,
                )
                plans.append(_Plan(o, situation, level))
            if borough == (om_for_2017.borough if om_for_2017 else boroughs[0]):
                plans.append(_the_2017_case(borough, om_for_2017 or managers[0], team_id))
            Offender.objects.bulk_create([p.offender for p in plans], batch_size=1000)
            rows += len(plans) + _history(plans, rng=rng, today=today)
            if bar is not None:
                bar.update(per)
        created, _ = ladder.run(today=today)
    if bar is not None:
        bar.close()
    return rows + sum(created.values())


def _the_2017_case(borough: Borough, lead: Person, team_id: int | None) -> _Plan:
    """A high-risk offender whose last successful visit was in 2017; he kept notifying, nobody got in."""
    o = Offender(
        reference=HIGH_RISK_2017_REFERENCE,
        first_name="Derek",
        last_name="Hollins",
        date_of_birth=date(1968, 3, 14),
        sex="male",
        description="183 cm, heavy build, grey hair",
        marks="tattoo of an anchor on the right hand",
        borough=borough,
        team_id=team_id,
        mappa_category=1,
        mappa_level=2,
        management_mode="active",
        rosh_level="high",
        rosh_reason="access to children through his lodger's family; previous contact offences",
        lead_manager=lead,
        managed_since=date(2012, 6, 1),
        first_notification_on=date(2012, 6, 2),
    )
    return _Plan(o, "2017", "high")


def _history(plans: list[_Plan], *, rng: random.Random, today: date) -> int:
    """Visits, notifications and the other records of each planned offender, written as rows (no model
    instances: custos.demo.bulk); named columns not given take their defaults."""
    visits = Table(Visit, VISIT_COLUMNS)
    notes = Table(NotificationEvent, ("offender_id", "kind", "on", "station"))
    away = Table(AwayPeriod, ("offender_id", "kind", "start"))
    risk = Table(RiskAssessment, RISK_COLUMNS)
    convictions = Table(Conviction, CONVICTION_COLUMNS)
    addresses = Table(Address, ("offender_id", "kind", "line1", "town", "postcode", "area", "from_date"))
    details = Table(NotifiableDetail, ("offender_id", "kind", "value", "normalised"))
    aliases = Table(Alias, ("offender_id", "first_name", "last_name", "used_from"))
    for p in plans:
        o, interval = p.offender, INTERVAL_DAYS[p.level]
        officers = (o.lead_manager_id, o.deputy_manager_id)
        if p.situation == "2017":
            _history_2017(o, visits, notes, today)
        else:
            last_seen = _last_seen(p.situation, interval, rng, today)
            day = max(o.managed_since, today - timedelta(days=3 * 365))
            while day < last_seen:  # routine successful visits at varied days and times
                _visit(visits, o, day, "seen-and-entered", rng, officers)
                day += timedelta(days=max(interval - rng.randint(0, interval // 6), 7))
            if o.management_mode == "active":
                _visit(visits, o, last_seen, "seen-and-entered", rng, officers)
            if p.situation == "s96b":
                _visit(visits, o, today - timedelta(days=9), "no-answer", rng, officers)
                _visit(visits, o, today - timedelta(days=3), "entry-refused", rng, officers)
            elif rng.random() < 0.1:
                _visit(visits, o, last_seen - timedelta(days=5), "no-answer", rng, officers)
            if p.situation == "custody":
                away.add_values(
                    offender_id=o.pk, kind="custody", start=today - timedelta(days=rng.randint(20, 90))
                )
            last_annual = today - timedelta(days=rng.randint(30, 362))
            if p.situation == "missed-notification":
                last_annual = today - timedelta(days=365 + rng.randint(5, 40))
            notes.add((o.pk, "initial", o.managed_since, rng.choice(STATIONS)))
            notes.add((o.pk, "annual", last_annual, rng.choice(STATIONS)))
        assessed = today - timedelta(days=rng.randint(20, 300))
        if p.situation == "arms-review":
            assessed = today - timedelta(days=360)
        risk.add_values(
            offender_id=o.pk,
            tool="arms",
            assessed_on=assessed,
            next_review=assessed + timedelta(days=365),
            risk_factors=tuple(
                rng.sample(
                    [
                        "sexual interest in children",
                        "access/opportunity",
                        "relationship instability",
                        "poor emotional regulation",
                        "problematic pornography use",
                    ],
                    2,
                )
            ),
            protective_factors=tuple(
                rng.sample(
                    ["stable relationship", "employment", "support network", "cooperation with police"], 1
                )
            ),
            judgement="Risk factors present; monitored through home visits.",
            basis="ARMS periodic review",
            policy_version="demo",
        )
        risk.add_values(
            offender_id=o.pk,
            tool="rosh",
            assessed_on=assessed,
            result=p.level,
            reason=o.rosh_reason,
            basis="RoSH (NOMS PC36/2006)",
            policy_version="demo",
        )
        offence, sched3 = rng.choice(OFFENCES)
        conv = o.managed_since - timedelta(days=rng.randint(30, 400))
        months = rng.choice([None, 8, 18, 24, 36, 48])
        convictions.add(
            (
                o.pk,
                offence,
                sched3,
                conv,
                conv + timedelta(days=rng.randint(0, 60)),
                "imprisonment" if months else "other",
                months,
                rng.choice(COURTS),
            )
        )
        district = f"{rng.choice(['N', 'E', 'SE', 'SW', 'W', 'NW'])}{rng.randint(1, 20)}"
        addresses.add(
            (
                o.pk,
                "home",
                f"{rng.randint(1, 200)} {rng.choice(LAST_NAMES)} Road",
                "London",
                f"{district} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}",
                district,
                o.managed_since,
            )
        )
        if rng.random() < 0.4:
            tail = "".join(rng.choices(LETTERS, k=3))
            vrm = f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}{rng.randint(10, 74)} {tail}"
            details.add((o.pk, "vehicle", vrm, vrm.replace(" ", "")))
        if rng.random() < 0.2:
            aliases.add((o.pk, o.first_name, rng.choice(LAST_NAMES), o.managed_since - timedelta(days=2000)))
    return sum(t.close() for t in (visits, notes, away, risk, convictions, addresses, details, aliases))


def _last_seen(situation: str, interval: int, rng: random.Random, today: date) -> date:
    if situation == "due-soon":
        return today - timedelta(days=interval - rng.randint(1, 12))
    if situation == "overdue":
        return today - timedelta(days=interval + rng.randint(2, max(3, interval // 3)))
    if situation == "overdue-by-interval":
        return today - timedelta(days=interval * 2 + rng.randint(2, 5))
    if situation == "two-intervals":
        return today - timedelta(days=interval * 2 + rng.randint(10, 60))
    if situation == "s96b":
        return today - timedelta(days=interval // 2)
    return today - timedelta(days=rng.randint(5, max(6, interval - 20)))


def _visit(
    visits: Table, o: Offender, day: date, outcome: str, rng: random.Random, officers: tuple[Any, ...]
) -> None:
    announced = rng.random() < (0.05 if o.rosh_level in ("high", "very-high") else 0.25)
    visits.add_values(
        offender_id=o.pk,
        status="recorded",
        attempted_at=_aware(day, rng.choice([9, 11, 14, 16, 18, 19, 20])),
        outcome=outcome,
        officer_id=officers[0],
        second_officer_id=officers[1],
        announced=announced,
        announce_reason="offender-requested-appointment" if announced else "",
        for_risk_assessment=True,
        policy_version="demo",
        observations="Seen at home." if outcome == "seen-and-entered" else "",
    )


def _history_2017(o: Offender, visits: Table, notes: Table, today: date) -> None:
    for day in (date(2015, 9, 8), date(2016, 4, 12), date(2016, 11, 3), date(2017, 5, 4)):
        visits.add_values(
            offender_id=o.pk,
            status="recorded",
            attempted_at=_aware(day, 10),
            outcome="seen-and-entered",
            officer_id=o.lead_manager_id,
            policy_version="demo",
        )
    # Every visit since was announced or failed; he keeps notifying at the station, so nobody noticed.
    for day, outcome in (
        (date(2018, 2, 1), "no-answer"),
        (date(2019, 6, 10), "entry-refused"),
        (date(2021, 3, 22), "no-answer"),
    ):
        visits.add_values(
            offender_id=o.pk,
            status="recorded",
            attempted_at=_aware(day, 11),
            outcome=outcome,
            officer_id=o.lead_manager_id,
            announced=True,
            announce_reason="offender-requested-appointment",
            policy_version="demo",
        )
    notes.add((o.pk, "initial", date(2012, 6, 2), "Charing Cross"))
    notes.add((o.pk, "annual", today - timedelta(days=120), "Charing Cross"))
