"""Demo victims for the seeded crimes (runs after crimes): one victim per crime, sometimes two, businesses for
commercial offences; the entitlement engine decides who is enhanced. Most obligations are met, some late,
some overdue; those with no fixed date are done around the report (a few forgotten); a share of records are
"inherited from before Custos": entitled to enhanced rights (a 16-year-old never flagged, for example) but
never recognised, for the compliance report to surface."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from custos.core.policy import Policy, current_policy
from custos.crimes.models import Crime
from custos.victims.models import InvestigationEvent, Obligation, ObligationStatus, Victim, VictimCrime
from custos.victims.rules import (
    CRIME_FLAGS,
    VictimFacts,
    enhanced_entitlement,
    obligation_due,
    victim_deadline,
    victims_code_rights,
)
from custos.victims.services import age_on, crime_date

FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Femi",
    "Grace",
    "Harry",
    "Isla",
    "Jamal",
    "Kasia",
    "Liam",
    "Maya",
    "Noah",
    "Olu",
    "Priya",
    "Rhys",
    "Sofia",
    "Tariq",
    "Uma",
    "Wei",
    "Yusuf",
    "Zara",
]
LAST = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Green",
    "Hussain",
    "Jones",
    "Khan",
    "Lewis",
    "Mensah",
    "Nowak",
    "Okafor",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Walker",
    "Williams",
    "Wright",
]
BUSINESSES = [
    "Corner Stores Ltd",
    "High Street Pharmacy",
    "Riverside Garage",
    "Northside Builders",
    "Café Nero",
]
BUSINESS_OFFENCES = ("burglary-business", "robbery-commercial", "shoplifting", "burglary-aggravated-business")
INHERITED_SHARE = 0.12
EVENT_SHARE = 0.45
OVERDUE_SHARE = 0.12
LATE_SHARE = 0.15
# Obligations with no fixed date (the written acknowledgement, compensation information) are done around the
# report: most within a few days, some within a few weeks. Those still ahead of today stay open (so recent
# crimes have some); a few are forgotten, more often on records inherited from before Custos.
UNDATED_SOON_SHARE = 0.85
UNDATED_SOON_DAYS = 3
UNDATED_LATER_DAYS = 21
UNDATED_FORGOTTEN_SHARE = 0.02
UNDATED_FORGOTTEN_INHERITED_SHARE = 0.1
UNDATED_EVIDENCE = {
    "written-acknowledgement": "Acknowledgement sent with the crime reference",
    "compensation-information": "Compensation information given",
}


def _dob(rng: random.Random, on: date, young: bool) -> date:
    years = rng.randint(12, 17) if young else rng.randint(18, 85)
    return date(on.year - years, rng.randint(1, 12), rng.randint(1, 28))


CHUNK = 20_000  # crimes per batch: bounds memory at London scale (≈ 900,000 crimes, 5 million obligations)


def seed_part(*, scale: str, seed: int, progress: bool) -> int:
    rng = random.Random(seed + 6)
    policy = current_policy()
    today = timezone.localdate()
    total = Crime.objects.count()
    if not total:
        return 0
    rights = [(r.number, o) for r in victims_code_rights() for o in r.obligations]
    rows = 0
    chunk: list[Crime] = []
    with tqdm(total=total, desc="Victims", unit="crime", disable=not progress) as bar:
        for crime in Crime.objects.order_by("pk").iterator(chunk_size=CHUNK):
            chunk.append(crime)
            if len(chunk) == CHUNK:
                rows += _seed_chunk(rng, chunk, rights, policy=policy, today=today)
                bar.update(len(chunk))
                chunk = []
        if chunk:
            rows += _seed_chunk(rng, chunk, rights, policy=policy, today=today)
            bar.update(len(chunk))
    return rows


def _seed_chunk(
    rng: random.Random, crimes: list[Crime], rights: list[tuple[int, Any]], *, policy: Policy, today: date
) -> int:
    """Victims, their links, obligations and investigation events for one batch of crimes, one transaction."""
    victims: list[Victim] = []
    plans: list[tuple[Crime, bool]] = []
    for crime in crimes:
        for _ in range(2 if rng.random() < 0.1 else 1):
            business = crime.offence_key in BUSINESS_OFFENCES
            inherited = crime_date(crime) < today - timedelta(days=60) and rng.random() < INHERITED_SHARE
            young = rng.random() < (0.5 if inherited else 0.08)
            on = crime_date(crime)
            victims.append(
                Victim(
                    kind="business" if business else "person",
                    first_name="" if business else rng.choice(FIRST),
                    last_name="" if business else rng.choice(LAST),
                    business_name=rng.choice(BUSINESSES) if business else "",
                    named_contact=(rng.choice(FIRST) + " " + rng.choice(LAST))
                    if business and rng.random() < 0.8
                    else "",
                    date_of_birth=None if business else _dob(rng, on, young),
                    mental_disorder=rng.random() < 0.03,
                    physical_disability=rng.random() < 0.04,
                    fear_or_distress=rng.random() < 0.05,
                    safe_contact_route="Text first; never leave voicemail" if crime.domestic_abuse else "",
                    interpreter_needed=rng.random() < 0.04,
                    language="Polish" if rng.random() < 0.03 else "English",
                    borough_id=crime.borough_id,
                )
            )
            plans.append((crime, inherited))
    rows = 0
    with transaction.atomic():
        Victim.objects.bulk_create(victims, batch_size=1000)
        links: list[VictimCrime] = []
        for victim, (crime, inherited) in zip(victims, plans, strict=True):
            facts = VictimFacts(
                kind=victim.kind,
                age=age_on(victim.date_of_birth, crime_date(crime)),
                named_contact=victim.kind == "person" or bool(victim.named_contact),
                mental_disorder=victim.mental_disorder,
                physical_disability=victim.physical_disability,
                fear_or_distress=victim.fear_or_distress,
            )
            result = enhanced_entitlement(
                facts,
                offence_key=crime.offence_key,
                flags=[f for f in crime.flags if f in CRIME_FLAGS],
                policy=policy,
            )
            links.append(
                VictimCrime(
                    victim=victim,
                    crime=crime,
                    age_at_crime=facts.age,
                    services=result.services,
                    enhanced=result.enhanced,
                    categories=list(result.categories),
                    reasons=list(result.reasons),
                    policy_version=result.policy_version,
                    evaluated_at=timezone.now(),
                    recognised_enhanced=result.enhanced and not inherited,
                    inherited=inherited,
                )
            )
        VictimCrime.objects.bulk_create(links, batch_size=1000)
        obligations: list[Obligation] = []
        events: dict[tuple[int, str, date], InvestigationEvent] = {}
        for link in links:
            if not link.services:
                continue
            crime = link.crime
            reported = crime.reported_on or crime.recorded_on
            for number, item in rights:
                if item.trigger not in ("report", "last-update"):
                    continue
                due = obligation_due(item.key, reported, enhanced=link.enhanced, policy=policy)
                obligations.append(
                    _obligation(
                        rng,
                        link,
                        number,
                        item.key,
                        item.title,
                        item.trigger,
                        reported,
                        due.due,
                        due.basis,
                        due.policy_version,
                        today,
                    )
                )
            if rng.random() < EVENT_SHARE and reported < today - timedelta(days=3):
                event = rng.choice(["arrest", "interview", "charge", "rui", "nfa"])
                occurred = reported + timedelta(
                    days=rng.randint(1, max(1, min(60, (today - reported).days - 1)))
                )
                row = events.get((crime.pk, event, occurred))
                if row is None:
                    row = InvestigationEvent(crime=crime, event=event, occurred_on=occurred)
                    events[(crime.pk, event, occurred)] = row
                deadline = victim_deadline(event, occurred, link.enhanced, policy=policy)
                key = "decision-explained" if event == "nfa" else "event-update"
                obligations.append(
                    _obligation(
                        rng,
                        link,
                        6,
                        key,
                        f"Told of {event}",
                        event,
                        occurred,
                        deadline.due,
                        deadline.basis,
                        deadline.policy_version,
                        today,
                        event=row,
                    )
                )
        InvestigationEvent.objects.bulk_create(list(events.values()), batch_size=1000)
        for ob in obligations:
            if ob.event is not None:
                ob.event_id = ob.event.pk
        Obligation.objects.bulk_create(obligations, batch_size=2000)
        rows = len(victims) + len(links) + len(obligations) + len(events)
    return rows


def _obligation(
    rng: random.Random,
    link: VictimCrime,
    right: int,
    key: str,
    title: str,
    trigger: str,
    trigger_on: date,
    due: date | None,
    basis: str,
    policy_version: str,
    today: date,
    event: InvestigationEvent | None = None,
) -> Obligation:
    status, met_on, evidence = ObligationStatus.DUE, None, ""
    if key in ("crime-recorded", "needs-assessment"):
        status, met_on, evidence = ObligationStatus.MET, trigger_on, "recorded"
    elif due is None:
        forgotten = UNDATED_FORGOTTEN_INHERITED_SHARE if link.inherited else UNDATED_FORGOTTEN_SHARE
        soon = rng.random() < UNDATED_SOON_SHARE
        done = trigger_on + timedelta(
            days=rng.randint(0, UNDATED_SOON_DAYS)
            if soon
            else rng.randint(UNDATED_SOON_DAYS + 1, UNDATED_LATER_DAYS)
        )
        if rng.random() >= forgotten and done <= today:
            status, met_on, evidence = ObligationStatus.MET, done, UNDATED_EVIDENCE.get(key, "Done")
    elif due < today:
        roll = rng.random()
        if key == "support-referral" and roll < 0.1:
            status, met_on, evidence = ObligationStatus.DECLINED, trigger_on, "Victim declined a referral"
        elif roll < OVERDUE_SHARE + (0.15 if link.inherited else 0):
            pass  # left open: the nightly sweep marks it overdue and escalates it
        elif roll < OVERDUE_SHARE + LATE_SHARE:
            status, met_on, evidence = (
                ObligationStatus.MET,
                min(today, due + timedelta(days=rng.randint(1, 9))),
                "Done late",
            )
        else:
            status, met_on, evidence = (
                ObligationStatus.MET,
                max(trigger_on, due - timedelta(days=rng.randint(0, 1))),
                "Done",
            )
    return Obligation(
        link=link,
        key=key,
        right=right,
        title=title,
        trigger=trigger,
        trigger_on=trigger_on,
        event=event,
        due_on=due,
        due_basis=basis[:500],
        policy_version=policy_version,
        status=status,
        met_on=met_on,
        evidence=evidence,
    )
