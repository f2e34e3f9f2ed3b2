"""The register as the sweep reads it: one read of plain rows, then the `Facts` of each offender.

Split from `ladder.py` where the work changes process. `read_register` is the sweep's only database read:
one pass, a constant number of queries whatever the size of the register, in the parent process and its
transaction. `build_facts` is pure (no database access) and runs in the forked workers, each for its part
of the register, before `ladder.evaluate` applies the rules; so the database work stays in one process and
the per-row Python work is shared out. `load_facts` does both for one offender, or a few, on every write
that re-runs the ladder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from custos.core.bulk_read import as_aware, as_date, paused_gc, tuples, with_dates_as_text
from custos.offenders import reconcile, rules
from custos.offenders.change_duties import ChangeRows, add_change_facts, read_change_rows
from custos.offenders.models import (
    AwayPeriod,
    NotificationEvent,
    Offender,
    RiskAssessment,
    Visit,
    VisitStatus,
)
from custos.offenders.reconcile import STATE_COLUMNS
from custos.offenders.rules.changes import ChangeNotice, RecordedChange
from custos.workforce.models import Person, Team

FAILED = tuple(o.value for o in rules.visits.FAILED_ENTRY)
NOTIFICATION_KIND = {k.value: k for k in rules.NotificationKind}  # a dict lookup, not an Enum() call a row


@dataclass
class Facts:
    """Everything the rules need about one offender, as plain values."""

    id: int
    reference: str
    level: str
    mode: str
    managed_since: date
    lead_id: int | None
    ds_id: int | None
    di_id: int | None
    no_fixed_abode: bool
    whereabouts_verified: bool
    unverified_since: date | None
    last_successful: date | None = None
    attempts: list[rules.VisitAttempt] = field(default_factory=list)
    away: list[rules.AwayPeriod] = field(default_factory=list)
    notifications: list[rules.NotificationEvent] = field(default_factory=list)
    arms_next_review: date | None = None
    stored: tuple[Any, ...] = ()  # the worklist columns as stored, to write only what changed
    # s.84: the first s.83 notification, the dated changes on the record and the s.84 notifications given.
    first_notified_on: date | None = None
    changes: list[RecordedChange] = field(default_factory=list)
    details: list[tuple[str, date, str]] = field(default_factory=list)  # (kind, from, label): policy decides
    stays: dict[str, list[rules.Stay]] = field(default_factory=dict)
    home_keys: set[str] = field(default_factory=set)
    change_notices: list[ChangeNotice] = field(default_factory=list)
    non_occurrence_reports: list[date] = field(default_factory=list)


@dataclass(frozen=True)
class Register:
    """The rows a sweep reads, fetched in one process (`read_register`) and turned into `Facts` by
    `build_facts`, which a parallel sweep runs in forked workers, each for its part of the register: the
    database work stays in one process and one transaction, the per-row Python work is shared out."""

    team_sup: dict[int, Any]
    people: dict[int, tuple[Any, str]]
    borough_di: dict[int, int]
    lead_team: dict[int, Any]
    offenders: list[tuple[Any, ...]]
    last_successful: list[tuple[Any, ...]]  # (offender, last seen-and-entered visit)
    failed: list[tuple[Any, ...]]  # (offender, attempted at, outcome, for risk assessment, announced)
    away: list[tuple[Any, ...]]
    arms: list[tuple[Any, ...]]  # (offender, next ARMS review)
    changes: ChangeRows
    tasks: list[tuple[Any, ...]]  # `reconcile.task_rows`


OFFENDER_VALUES = (
    "id",
    "reference",
    "rosh_level",
    "management_mode",
    "lead_manager_id",
    "team_id",
    "borough_id",
    "no_fixed_abode",
    "whereabouts_verified",
    "ladder_rank",
    "ladder_steps",
)
OFFENDER_DATES = (  # read as text on SQLite (`with_dates_as_text`), parsed in `build_facts`
    "managed_since",
    "whereabouts_unverified_since",
    "last_successful_visit_on",
    "next_visit_due",
    "next_notification_due",
    "first_notification_on",
)
# `build_facts` rebuilds the stored worklist columns in this order from the row above.
assert STATE_COLUMNS == (
    "last_successful_visit_on",
    "next_visit_due",
    "next_notification_due",
    "ladder_rank",
    "ladder_steps",
), "build_facts reads the stored worklist columns in STATE_COLUMNS order"


def _people_maps() -> tuple[dict[int, Any], dict[int, tuple[Any, str]], dict[int, int]]:
    """team -> supervisor, person -> (line supervisor, rank), borough -> a DI (lowest id, stable)."""
    team_sup = dict(Team.objects.values_list("id", "supervisor_id"))
    people = {
        pk: (sup, rank)
        for pk, sup, rank in Person.objects.filter(
            Q(pk__in=Team.objects.values("supervisor_id")) | Q(rank="detective-inspector")
        ).values_list("id", "line_supervisor_id", "rank")
    }
    borough_di: dict[int, int] = {}
    for pk, borough in (
        Person.objects.filter(rank="detective-inspector", active=True)
        .order_by("pk")
        .values_list("id", "borough_id")
    ):
        borough_di.setdefault(borough, pk)
    return team_sup, people, borough_di


def read_register(offender_ids: Sequence[int] | None = None) -> Register:
    """The rows behind the active offenders' facts (all of them, or those ids): a constant number of
    queries, whatever the size of the register."""
    with paused_gc():
        return _read_register(offender_ids)


def _read_register(offender_ids: Sequence[int] | None) -> Register:
    offenders = Offender.objects.filter(active=True)
    if offender_ids is not None:
        offenders = offenders.filter(pk__in=list(offender_ids))
    team_sup, people, borough_di = _people_maps()
    lead_team = dict(
        Person.objects.filter(pk__in=offenders.values("lead_manager_id")).values_list("id", "team_id")
    )
    rows = list(tuples(with_dates_as_text(offenders, OFFENDER_VALUES, OFFENDER_DATES)))
    ids = [row[0] for row in rows] if offender_ids is not None else None

    def scoped(qs: Any) -> Any:
        return qs.filter(offender_id__in=ids) if ids is not None else qs.filter(offender__active=True)

    visits = scoped(Visit.objects.filter(status=VisitStatus.RECORDED, attempted_at__isnull=False))
    # One read of the notifications serves the periodic duties (the rules take the latest that resets
    # each) and the s.84 ones (every s.83, s.84 and non-occurrence notification).
    notifications = list(
        tuples(
            with_dates_as_text(
                scoped(NotificationEvent.objects.all()), ("offender_id", "kind"), ("on", "expected_on")
            )
        )
    )
    return Register(
        team_sup=team_sup,
        people=people,
        borough_di=borough_di,
        lead_team=lead_team,
        offenders=rows,
        last_successful=list(
            tuples(
                visits.filter(outcome="seen-and-entered")
                .values("offender_id")
                .annotate(last=Max("attempted_at"))
                .values_list("offender_id", "last")
            )
        ),
        failed=list(
            tuples(
                visits.filter(outcome__in=FAILED).values_list(
                    "offender_id", "attempted_at", "outcome", "for_risk_assessment", "announced"
                )
            )
        ),
        away=list(
            tuples(scoped(AwayPeriod.objects.all()).values_list("offender_id", "kind", "start", "end"))
        ),
        arms=list(
            tuples(
                scoped(RiskAssessment.objects.filter(tool="arms", next_review__isnull=False))
                .values("offender_id")
                .annotate(n=Max("next_review"))
                .values_list("offender_id", "n")
            )
        ),
        changes=read_change_rows(scoped, notifications),
        tasks=reconcile.task_rows(ids),
    )


def build_facts(reg: Register, part: int = 0, parts: int = 1) -> list[Facts]:
    """`Facts` for the offenders in one part of the register (offender id % parts == part; all when
    ``parts`` is 1). Pure: no database access, so forked workers can build their parts side by side."""
    people, team_sup = reg.people, reg.team_sup
    facts: dict[int, Facts] = {}
    for row in reg.offenders:
        pk = row[0]
        if parts > 1 and pk % parts != part:
            continue
        _, ref, level, mode, lead, team, borough, nfa, verified, rank, steps = row[:11]
        since, unverified, last_seen, visit_due, notification_due, first = map(as_date, row[11:])
        stored = (last_seen, visit_due, notification_due, rank, steps)  # STATE_COLUMNS order
        ds = team_sup.get(reg.lead_team.get(lead)) if lead else None  # type: ignore[arg-type]
        ds = ds or (team_sup.get(team) if team else None)
        di = None
        if ds is not None:
            line, _ = people.get(ds, (None, ""))
            if line is not None and people.get(line, (None, ""))[1] == "detective-inspector":
                di = line
        di = di or reg.borough_di.get(borough)
        facts[pk] = Facts(pk, ref, level, mode, since, lead, ds, di, nfa, verified, unverified, stored=stored)
        facts[pk].first_notified_on = first
    local = timezone.get_current_timezone()
    for oid, last in reg.last_successful:
        if oid in facts:
            facts[oid].last_successful = as_aware(last).astimezone(local).date()
    for oid, at, outcome, ra, announced in reg.failed:
        f = facts.get(oid)
        if f is None:
            continue
        at = as_aware(at).astimezone(local)
        if f.last_successful is None or at.date() > f.last_successful:
            f.attempts.append(rules.VisitAttempt(at, rules.VisitOutcome(outcome), ra, announced))
    for oid, kind, start, end in reg.away:
        if oid in facts:
            facts[oid].away.append(rules.AwayPeriod(rules.AwayKind(kind), start, end))
    for oid, kind, on, _ in reg.changes.notices:
        f = facts.get(oid)
        if f is not None:
            f.notifications.append(rules.NotificationEvent(NOTIFICATION_KIND[kind], as_date(on)))
    for oid, nxt in reg.arms:
        if oid in facts:
            facts[oid].arms_next_review = as_date(nxt)
    add_change_facts(facts, reg.changes)
    return list(facts.values())


def load_facts(offender_ids: Sequence[int] | None = None) -> list[Facts]:
    """Plain facts for the active offenders (all of them, or those ids) in a constant number of queries."""
    return build_facts(read_register(offender_ids))
