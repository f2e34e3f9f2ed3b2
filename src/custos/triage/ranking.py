"""Lab-queue ranking, referral SLAs and the full-examination rule: pure functions over plain values.

Every weight is policy (``[triage.ranking]``), every point awarded comes back as a reason carrying its
policy key, and every result carries the policy version, so the queue order can be explained later.
No Django import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from custos.core.policy import Policy

SLA_GRADES = ("very-high", "high", "medium", "low")
# Reasons are read by officers and examiners: the words they use, not the stored codes.
VERDICT_WORDS = {
    "not-triaged": "not triaged",
    "no-hits": "no hits",
    "hits": "hits below the likely-IIOC threshold",
    "likely-iioc": "likely IIOC",
}
LEVEL_WORDS = {"very-high": "very high", "unknown": "not assessed"}
INDICATOR_WORDS = {
    "rso-suspect": "the suspect is a registered sex offender",
    "contact-offending": "contact-offending indicators",
    "access-to-children": "the suspect has access to children",
    "likely-iioc": "triage found likely IIOC",
}


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


@dataclass(frozen=True)
class RiskFacts:
    """What the ranking knows about one device and its suspect."""

    verdict: str  # not-triaged | no-hits | hits | likely-iioc
    most_severe_category: str | None
    suspect_access_to_children: bool
    suspect_is_rso: bool
    contact_offending_indicators: bool
    kirat_level: str  # very-high | high | medium | low | unknown
    referral_grade: str  # very-high | high | medium | low | unknown
    referral_received_on: date | None
    submitted_on: date


@dataclass(frozen=True)
class Reason:
    label: str
    points: float
    basis: str


@dataclass(frozen=True)
class Sla:
    due: date
    days: int
    grade: str
    basis: str


@dataclass(frozen=True)
class RankScore:
    score: float
    reasons: tuple[Reason, ...]
    sla: Sla
    policy_version: str

    @property
    def basis(self) -> str:
        return "; ".join(r.basis for r in self.reasons)


def referral_sla(*, grade: str, referral_received_on: date | None, submitted_on: date, policy: Policy) -> Sla:
    """Response due date for the NCA/CEOP risk grade, counted in calendar days from the referral (or from
    submission when there was no referral). An unknown grade gets the longest SLA in policy."""
    table = {str(k): int(v) for k, v in policy.get("triage.sla_days").items()}
    start = referral_received_on or submitted_on
    if grade in table:
        return Sla(
            start + timedelta(days=table[grade]),
            table[grade],
            grade,
            policy.basis(f"triage.sla_days.{grade}"),
        )
    longest = max(table, key=lambda g: table[g])
    return Sla(
        start + timedelta(days=table[longest]),
        table[longest],
        longest,
        policy.basis(f"triage.sla_days.{longest}") + " (grade not assessed: longest SLA)",
    )


def score(facts: RiskFacts, *, today: date, policy: Policy) -> RankScore:
    """Priority points for one device: higher first. Returns every reason with its policy key."""
    w = "triage.ranking"
    reasons: list[Reason] = []

    def add(label: str, points: float, key: str) -> None:
        if points:
            reasons.append(Reason(label, float(points), policy.basis(key)))

    verdict_points = policy.get(f"{w}.verdict")
    add(
        f"Triage verdict: {VERDICT_WORDS.get(facts.verdict, facts.verdict)}",
        float(verdict_points.get(facts.verdict, 0)),
        f"{w}.verdict.{facts.verdict}",
    )
    if facts.most_severe_category:
        cat_points = policy.get(f"{w}.most_severe_category")
        add(
            f"Most severe category found: {facts.most_severe_category}",
            float(cat_points.get(facts.most_severe_category, 0)),
            f"{w}.most_severe_category.{facts.most_severe_category}",
        )
    if facts.suspect_access_to_children:
        add(
            "Suspect has access to children",
            float(policy.get(f"{w}.access_to_children")),
            f"{w}.access_to_children",
        )
    if facts.suspect_is_rso:
        add("Suspect is a registered sex offender", float(policy.get(f"{w}.rso")), f"{w}.rso")
    if facts.contact_offending_indicators:
        add(
            "Contact-offending indicators",
            float(policy.get(f"{w}.contact_offending")),
            f"{w}.contact_offending",
        )
    kirat = policy.get(f"{w}.kirat")
    add(
        f"KIRAT risk level: {LEVEL_WORDS.get(facts.kirat_level, facts.kirat_level)}",
        float(kirat.get(facts.kirat_level, 0)),
        f"{w}.kirat.{facts.kirat_level}",
    )
    grades = policy.get(f"{w}.referral_grade")
    add(
        f"Referral risk grade: {LEVEL_WORDS.get(facts.referral_grade, facts.referral_grade)}",
        float(grades.get(facts.referral_grade, 0)),
        f"{w}.referral_grade.{facts.referral_grade}",
    )
    sla = referral_sla(
        grade=facts.referral_grade,
        referral_received_on=facts.referral_received_on,
        submitted_on=facts.submitted_on,
        policy=policy,
    )
    if today > sla.due:
        add(
            f"Referral SLA passed on {_day(sla.due)}",
            float(policy.get(f"{w}.sla_breached")),
            f"{w}.sla_breached",
        )
    elif (sla.due - today).days <= int(policy.get(f"{w}.sla_due_soon_days")):
        add(
            f"Referral SLA due {_day(sla.due)}",
            float(policy.get(f"{w}.sla_due_soon")),
            f"{w}.sla_due_soon",
        )
    days = max(0, (today - facts.submitted_on).days)
    age = min(
        days * float(policy.get(f"{w}.points_per_day_in_queue")), float(policy.get(f"{w}.max_age_points"))
    )
    add(f"{days} days in the queue", round(age, 2), f"{w}.points_per_day_in_queue")
    total = round(sum(r.points for r in reasons), 2)
    return RankScore(total, tuple(reasons), sla, policy.version)


def rank_key(s: RankScore, facts: RiskFacts, tie: int) -> tuple[float, date, date, int]:
    """Sort key: highest score, then earliest SLA, then longest waiting, then a stable tie-breaker."""
    return (-s.score, s.sla.due, facts.submitted_on, tie)


@dataclass(frozen=True)
class FullExamination:
    required: bool
    reasons: tuple[str, ...]
    basis: str
    policy_version: str


def full_examination_required(*, facts: RiskFacts, likely_iioc: bool, policy: Policy) -> FullExamination:
    """Policy ``triage.full_examination_always`` names indicators that force a full examination whatever
    triage found; any triage hit also needs one (a device with hits is never simply returned)."""
    indicators = policy.get("triage.ranking.full_examination_indicators")
    values = {
        "suspect_is_rso": facts.suspect_is_rso,
        "contact_offending_indicators": facts.contact_offending_indicators,
        "suspect_access_to_children": facts.suspect_access_to_children,
        "likely_iioc": likely_iioc,
    }
    reasons: list[str] = []
    for name in policy.get("triage.full_examination_always"):
        attr = indicators.get(str(name))
        if attr is not None and values.get(str(attr)):
            reasons.append(f"policy requires full examination: {INDICATOR_WORDS.get(str(name), name)}")
    if facts.verdict in ("hits", "likely-iioc"):
        reasons.append(f"triage found matches ({VERDICT_WORDS[facts.verdict]})")
    if facts.verdict == "not-triaged":
        reasons.append("the device has not been triaged")
    return FullExamination(
        bool(reasons), tuple(reasons), policy.basis("triage.full_examination_always"), policy.version
    )


@dataclass
class RankedDevice:
    """One device's place in the queue (filled by the selector, planned by ``capacity.plan``)."""

    key: int
    facts: RiskFacts
    rank: RankScore
    position: int = 0
    expected_start: date | None = None
    misses_sla: bool = False
    notes: list[str] = field(default_factory=list)


def rank(items: list[tuple[int, RiskFacts]], *, today: date, policy: Policy) -> list[RankedDevice]:
    scored = [RankedDevice(key, facts, score(facts, today=today, policy=policy)) for key, facts in items]
    scored.sort(key=lambda d: rank_key(d.rank, d.facts, d.key))
    for i, d in enumerate(scored, start=1):
        d.position = i
    return scored
