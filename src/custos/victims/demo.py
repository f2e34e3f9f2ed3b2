"""Demo victims for the seeded crimes (runs after crimes): one victim per crime, sometimes two, businesses for
commercial offences; the entitlement engine decides who is enhanced. Most obligations are met, some late,
some overdue; those with no fixed date are done around the report (a few forgotten); a share of records are
"inherited from before Custos": entitled to enhanced rights (a 16-year-old never flagged, for example) but
never recognised, for the compliance report to surface."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from tqdm import tqdm

from custos.core.policy import Policy, current_policy
from custos.crimes.intake import ENHANCED_FLAGS
from custos.crimes.models import Crime
from custos.demo.bulk import Table, indexes_deferred, next_id
from custos.victims.clocks import event_duty
from custos.victims.models import (
    InvestigationEvent,
    Obligation,
    ObligationStatus,
    ReviewStatus,
    RightToReview,
    Victim,
    VictimCrime,
)
from custos.victims.reviews import review_assess
from custos.victims.rules import (
    CRIME_FLAGS,
    Entitlement,
    VictimFacts,
    enhanced_entitlement,
    obligation_due,
    victim_deadline,
    victims_code_rights,
)
from custos.victims.services import age_on

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


CHUNK = 20_000  # crimes per batch: bounds memory at London scale (≈ 900,000 crimes, 10 million obligations)
# What a victim's seeding reads of each crime: no model instances (the crime row has some 80 columns).
CRIME_FIELDS = (
    "pk",
    "offence_key",
    "borough_id",
    "occurred_on",
    "reported_on",
    "recorded_on",
    *ENHANCED_FLAGS,  # the victim flags, in intake's order
    "status",
    "outcome",
    "finalised_on",
)
# Crime.flags' names for ENHANCED_FLAGS, in the same order.
FLAG_NAMES = (
    "vulnerability",
    "domestic-abuse",
    "hate",
    "child",
    "sexual",
    "trafficking",
    "stalking",
    "harassment",
)
VICTIM_COLUMNS = (
    "id",
    "kind",
    "first_name",
    "last_name",
    "business_name",
    "named_contact",
    "date_of_birth",
    "mental_disorder",
    "physical_disability",
    "fear_or_distress",
    "safe_contact_route",
    "interpreter_needed",
    "language",
    "borough_id",
)
LINK_COLUMNS = (
    "id",
    "victim_id",
    "crime_id",
    "age_at_crime",
    "services",
    "enhanced",
    "categories",
    "reasons",
    "policy_version",
    "evaluated_at",
    "recognised_enhanced",
    "inherited",
)
EVENT_COLUMNS = ("id", "crime_id", "event", "occurred_on")
OBLIGATION_COLUMNS = (
    "link_id",
    "key",
    "right",
    "title",
    "trigger",
    "trigger_on",
    "event_id",
    "due_on",
    "due_basis",
    "policy_version",
    "status",
    "met_on",
    "evidence",
)
CrimeRow = tuple[Any, ...]  # CRIME_FIELDS values
# Columns whose values only grow as rows are written (crimes are read in id order, ids are numbered in
# order; event and met-by are mostly empty): their indexes are kept through the load.
ASCENDING = ("borough_id", "crime_id", "victim_id", "link_id", "event_id", "met_by_id", "recorded_by_id")


class _Rules:
    """The Victims' Code rules, each evaluated once per distinct input: a borough's crimes share a few
    hundred report dates and a few thousand combinations of victim facts, offence and flags."""

    def __init__(self, policy: Policy) -> None:
        from custos.investigations.services import CHARGE_OUTCOMES, OUT_OF_COURT_OUTCOMES

        self.policy = policy
        # The event finalising a crime starts for its victims, as investigations' finalisation records it.
        self.decision_events = {
            **dict.fromkeys(policy.get("investigations.nfa_broad_outcomes"), "nfa"),
            **dict.fromkeys(OUT_OF_COURT_OUTCOMES, "out-of-court"),
            **dict.fromkeys(CHARGE_OUTCOMES, "charge"),
        }
        self.entitlements: dict[tuple[Any, ...], Entitlement] = {}
        self.dues: dict[tuple[str, date, bool], tuple[date | None, str, str]] = {}
        self.deadlines: dict[tuple[str, date, bool], tuple[date, str, str]] = {}

    def entitlement(self, facts: VictimFacts, offence_key: str, flags: tuple[str, ...]) -> Entitlement:
        key = (facts, offence_key, flags)
        found = self.entitlements.get(key)
        if found is None:
            found = enhanced_entitlement(facts, offence_key=offence_key, flags=flags, policy=self.policy)
            self.entitlements[key] = found
        return found

    def due(self, obligation_key: str, trigger_on: date, enhanced: bool) -> tuple[date | None, str, str]:
        key = (obligation_key, trigger_on, enhanced)
        found = self.dues.get(key)
        if found is None:
            due = obligation_due(obligation_key, trigger_on, enhanced=enhanced, policy=self.policy)
            found = (due.due, due.basis[:500], due.policy_version)
            self.dues[key] = found
        return found

    def deadline(self, event: str, occurred: date, enhanced: bool) -> tuple[date, str, str]:
        key = (event, occurred, enhanced)
        found = self.deadlines.get(key)
        if found is None:
            deadline = victim_deadline(event, occurred, enhanced, policy=self.policy)
            found = (deadline.due, deadline.basis[:500], deadline.policy_version)
            self.deadlines[key] = found
        return found


class _Out:
    """Rows on their way to the database, with ids numbered here so later rows can refer to them."""

    def __init__(self) -> None:
        self.victim_id = next_id(Victim)
        self.link_id = next_id(VictimCrime)
        self.event_id = next_id(InvestigationEvent)
        self.victims = Table(Victim, VICTIM_COLUMNS)
        self.links = Table(VictimCrime, LINK_COLUMNS, parents=(self.victims,))
        self.events = Table(InvestigationEvent, EVENT_COLUMNS)
        self.obligations = Table(
            Obligation, OBLIGATION_COLUMNS, batch=20_000, parents=(self.links, self.events)
        )

    def close(self) -> int:
        return sum(t.close() for t in (self.victims, self.links, self.events, self.obligations))


def seed_part(*, scale: str, seed: int, progress: bool) -> int:
    rng = random.Random(seed + 6)
    rules = _Rules(current_policy())
    today = timezone.localdate()
    total = Crime.objects.count()
    if not total:
        return 0
    rights = [
        (r.number, o)
        for r in victims_code_rights()
        for o in r.obligations
        if o.trigger in ("report", "last-update")
    ]
    chunk: list[CrimeRow] = []
    crimes = Crime.objects.order_by("pk").values_list(*CRIME_FIELDS)
    with (
        tqdm(total=total, desc="Victims", unit="crime", disable=not progress) as bar,
        indexes_deferred(Victim, VictimCrime, InvestigationEvent, Obligation, ascending=ASCENDING),
    ):
        out = _Out()
        for crime in crimes.iterator(chunk_size=CHUNK):
            chunk.append(crime)
            if len(chunk) == CHUNK:
                _seed_chunk(rng, chunk, rights, out, rules=rules, today=today)
                bar.update(len(chunk))
                chunk = []
        if chunk:
            _seed_chunk(rng, chunk, rights, out, rules=rules, today=today)
            bar.update(len(chunk))
        written = out.close()
        bar.set_postfix_str("indexing")
    return written + _seed_reviews(random.Random(seed + 7), scale=scale, today=today, policy=rules.policy)


# Right to Review requests: some victims of recent police NFA decisions ask for a review. A few per
# borough, so reviewers' pages show open requests, some acknowledged and some past their dates.
REVIEWS = {"demo": 12, "borough": 20, "london": 480}
REVIEWED_OUTCOMES = (15,)  # evidential difficulties, suspect identified, victim supports: reviewable
INTERVIEWED_SHARE = 0.85  # the rest were never interviewed, so the scheme excludes them
REVIEW_LOOKBACK_DAYS = 90
ACKNOWLEDGED_SHARE = 0.6


def _seed_reviews(rng: random.Random, *, scale: str, today: date, policy: Policy) -> int:
    candidates = list(
        VictimCrime.objects.filter(
            crime__outcome__in=REVIEWED_OUTCOMES,
            crime__finalised_on__gte=today - timedelta(days=REVIEW_LOOKBACK_DAYS),
            crime__finalised_on__lte=today - timedelta(days=2),
            support_withdrawn_on__isnull=True,
        )
        .select_related("crime")
        .order_by("pk")
    )
    reviews = []
    for link in rng.sample(candidates, min(REVIEWS[scale], len(candidates))):
        finalised: date = link.crime.finalised_on or today
        notified: date = min(today, finalised + timedelta(days=rng.randint(0, 3)))
        requested: date = min(today, notified + timedelta(days=rng.randint(1, 40)))
        review = review_assess(
            link,
            notified_on=notified,
            requested_on=requested,
            suspect_interviewed=rng.random() < INTERVIEWED_SHARE,
            policy=policy,
        )
        acknowledge_on: date = min(today, review.acknowledge_by - timedelta(days=rng.randint(0, 5)))
        if acknowledge_on >= requested and rng.random() < ACKNOWLEDGED_SHARE:
            review.acknowledged_on = acknowledge_on
            review.status = ReviewStatus.ACKNOWLEDGED
        reviews.append(review)
    RightToReview.objects.bulk_create(reviews, batch_size=1000)
    return len(reviews)


def _seed_chunk(
    rng: random.Random,
    crimes: list[CrimeRow],
    rights: list[tuple[int, Any]],
    out: _Out,
    *,
    rules: _Rules,
    today: date,
) -> None:
    """Victims, their links, obligations and investigation events for one batch of crimes."""
    inherited_before = today - timedelta(days=60)
    # (victim id, crime, facts, inherited), then the link rows made from them.
    planned: list[tuple[int, CrimeRow, VictimFacts, bool]] = []
    for crime in crimes:
        _, offence_key, borough_id, occurred_on, reported_on, recorded_on = crime[:6]
        domestic_abuse = crime[7]
        on = occurred_on or reported_on or recorded_on  # victims.services.crime_date
        for _ in range(2 if rng.random() < 0.1 else 1):
            business = offence_key in BUSINESS_OFFENCES
            inherited = on < inherited_before and rng.random() < INHERITED_SHARE
            young = rng.random() < (0.5 if inherited else 0.08)
            kind = "business" if business else "person"
            first_name = "" if business else rng.choice(FIRST)
            last_name = "" if business else rng.choice(LAST)
            business_name = rng.choice(BUSINESSES) if business else ""
            named_contact = (
                (rng.choice(FIRST) + " " + rng.choice(LAST)) if business and rng.random() < 0.8 else ""
            )
            born = None if business else _dob(rng, on, young)
            mental_disorder = rng.random() < 0.03
            physical_disability = rng.random() < 0.04
            fear_or_distress = rng.random() < 0.05
            safe_contact_route = "Text first; never leave voicemail" if domestic_abuse else ""
            interpreter_needed = rng.random() < 0.04
            language = "Polish" if rng.random() < 0.03 else "English"
            victim_id = out.victim_id
            out.victim_id += 1
            out.victims.add(
                (
                    victim_id,
                    kind,
                    first_name,
                    last_name,
                    business_name,
                    named_contact,
                    born,
                    mental_disorder,
                    physical_disability,
                    fear_or_distress,
                    safe_contact_route,
                    interpreter_needed,
                    language,
                    borough_id,
                )
            )
            facts = VictimFacts(
                kind=kind,
                age=age_on(born, on),
                named_contact=kind == "person" or bool(named_contact),
                mental_disorder=mental_disorder,
                physical_disability=physical_disability,
                fear_or_distress=fear_or_distress,
            )
            planned.append((victim_id, crime, facts, inherited))
    evaluated_at = timezone.now()
    links: list[tuple[int, CrimeRow, Entitlement, bool]] = []
    for victim_id, crime, facts, inherited in planned:
        flags = tuple(
            name
            for name, on in zip(FLAG_NAMES, crime[6 : 6 + len(FLAG_NAMES)], strict=True)
            if on and name in CRIME_FLAGS
        )
        result = rules.entitlement(facts, crime[1], flags)
        link_id = out.link_id
        out.link_id += 1
        out.links.add(
            (
                link_id,
                victim_id,
                crime[0],
                facts.age,
                result.services,
                result.enhanced,
                result.categories,  # JSON lists given as tuples: each distinct one is encoded once
                result.reasons,
                result.policy_version,
                evaluated_at,
                result.enhanced and not inherited,
                inherited,
            )
        )
        links.append((link_id, crime, result, inherited))
    obligations: list[tuple[Any, ...]] = []
    events: dict[tuple[int, str, date], int] = {}
    charge_rights = [
        (r.number, o) for r in victims_code_rights() for o in r.obligations if o.trigger == "charge"
    ]
    for link_id, crime, result, inherited in links:
        if not result.services:
            continue
        enhanced = result.enhanced
        reported = crime[4] or crime[5]
        link = _LinkDuties(rng, rules, today, obligations, link_id, inherited, enhanced)
        link.owe(rights, None, reported, None)
        found = _event(rng, crime, reported, rules=rules, today=today)
        if found is not None:
            event, occurred = found
            event_id = events.get((crime[0], event, occurred))
            if event_id is None:
                event_id = out.event_id
                out.event_id += 1
                events[(crime[0], event, occurred)] = event_id
                out.events.add((event_id, crime[0], event, occurred))
            due_on, basis, version = rules.deadline(event, occurred, enhanced)
            duty = event_duty(event)  # the key, right and title recording the event really gives
            obligations.append(
                _obligation(
                    rng,
                    link_id,
                    inherited,
                    duty.right,
                    duty.key,
                    duty.title,
                    event,
                    occurred,
                    due_on,
                    basis,
                    version,
                    today,
                    event=event_id,
                )
            )
            # A charge also opens witness care's trial information and expenses, as recording one does.
            if event == "charge":
                link.owe(charge_rights, event, occurred, event_id)
    out.obligations.extend(obligations)


@dataclass
class _LinkDuties:
    """Where one victim-crime link's obligation rows are written, and what decides them."""

    rng: random.Random
    rules: _Rules
    today: date
    obligations: list[tuple[Any, ...]]
    link_id: int
    inherited: bool
    enhanced: bool

    def owe(self, duties: list[tuple[int, Any]], trigger: str | None, on: date, event: int | None) -> None:
        """The link's obligations for these rights, started by `trigger` (each right's own when None)."""
        for number, item in duties:
            due, basis, version = self.rules.due(item.key, on, self.enhanced)
            self.obligations.append(
                _obligation(
                    self.rng,
                    self.link_id,
                    self.inherited,
                    number,
                    item.key,
                    item.title,
                    trigger or item.trigger,
                    on,
                    due,
                    basis,
                    version,
                    self.today,
                    event=event,
                )
            )


OPEN_EVENTS = ("arrest", "interview", "rui", "bail")


def _event(
    rng: random.Random, crime: CrimeRow, reported: date, *, rules: _Rules, today: date
) -> tuple[str, date] | None:
    """The event a victim is owed an update for, consistent with the crime: a finalised crime's decision
    (charge, out-of-court disposal or NFA, on the day it was finalised), or for some open crimes an arrest,
    interview or release. (A random event gave NFA crimes a "charge" and open crimes an "nfa".)"""
    status, outcome, finalised_on = crime[-3:]
    if status == "finalised":
        event = rules.decision_events.get(outcome)
        if event is None or finalised_on is None:
            return None  # outcomes 19 and 20: another body tells the victim
        return event, max(finalised_on, reported)
    if rng.random() < EVENT_SHARE and reported < today - timedelta(days=3):
        occurred = reported + timedelta(days=rng.randint(1, max(1, min(60, (today - reported).days - 1))))
        return rng.choice(OPEN_EVENTS), occurred
    return None


def _obligation(
    rng: random.Random,
    link_id: int,
    inherited: bool,
    right: int,
    key: str,
    title: str,
    trigger: str,
    trigger_on: date,
    due: date | None,
    basis: str,
    policy_version: str,
    today: date,
    event: int | None = None,
) -> tuple[Any, ...]:
    """One obligation row (OBLIGATION_COLUMNS): met, met late, declined or still open, as in real records."""
    status, met_on, evidence = ObligationStatus.DUE, None, ""
    if key in ("crime-recorded", "needs-assessment"):
        status, met_on, evidence = ObligationStatus.MET, trigger_on, "recorded"
    elif due is None:
        forgotten = UNDATED_FORGOTTEN_INHERITED_SHARE if inherited else UNDATED_FORGOTTEN_SHARE
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
        elif roll < OVERDUE_SHARE + (0.15 if inherited else 0):
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
    return (
        link_id,
        key,
        right,
        title,
        trigger,
        trigger_on,
        event,
        due,
        basis,
        policy_version,
        str(status),
        met_on,
        evidence,
    )
