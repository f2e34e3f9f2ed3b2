"""Writes to the nominal record: management, details, convictions, time away, transfer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.core.concurrency import update_if_version
from custos.core.policy import current_policy
from custos.offenders import access, ladder, rules
from custos.offenders.models import (
    Address,
    Alias,
    AwayPeriod,
    Conviction,
    NotifiableDetail,
    Offender,
    OffenderTask,
    RiskAssessment,
    TaskKind,
    Transfer,
)
from custos.workforce.models import Borough, Person, Team

from .links import device_link

NOT_ALLOWED = "You cannot change this offender's record."
NOT_ALLOWED_CREATE = "You can add offenders only to your own borough's register."
LEAD_NOT_VISOR = "{name} cannot be the lead offender manager: they are not a ViSOR authorised user."
LEAD_TRAINING_EXPIRED = (
    "{name} cannot be the lead offender manager: their ViSOR training {when}. "
    "Renew it or choose someone else."
)
LEAD_TRAINING_WARNING = "{name}'s ViSOR training expires on {expires} ({days} days): arrange renewal."
DEPUTY_SAME_AS_LEAD = "The deputy must be a different person from the lead offender manager."
ANNOUNCE_NEEDS_REASON = "Announcing a visit needs a reason code ({codes})."
UNKNOWN_REASON = "Unknown reason code {code!r}; choose one of {codes}."
OUTCOME_REQUIRED = "Record the outcome of the visit."
UNKNOWN_OUTCOME = "Unknown visit outcome {outcome!r}; choose one of {outcomes}."
UNKNOWN_OFFICER = "No officer with id {id}."
VISIT_IN_FUTURE = "A visit cannot be recorded in the future; plan it instead."
OFFICERS_SAME = "The second officer must be a different person."
CLOSE_NEEDS_REASON = "A task closes only with a recorded decision and a rationale."
TASK_ALREADY_CLOSED = "This task is already closed."
S96B_CLOSER_RANK = "Only {ranks} (or above) can close a s.96B consideration."
BREACH_CLOSE_OPEN_ACTIONS = "Record the PNC and ViSOR entries and the DI decisions before closing the case."
BREACH_DI_ONLY = "Only a detective inspector (or above) records this decision."
DI_PLAN_DI_ONLY = "Only a detective inspector (or above) records the plan that closes this task."
BREACH_DECISIONS_REQUIRED = (
    "Record both DI decisions: whether an urgent MAPP meeting is needed, and arrest, wanted circulation, "
    "recall or no enforcement action."
)
EXECUTION_TOO_LATE = "A s.96B warrant must be executed within {months} months of issue (by {by})."
WARRANT_ALREADY_DECIDED = (
    "The justice's decision on this application is already recorded ({decision} on {on})."
)
WARRANT_NOT_GRANTED = "Record the grant of the warrant before its execution."
WARRANT_DATE_BEFORE = "The date cannot be before the {event} ({on})."
TRANSFER_TARGET = "Choose another borough or name the receiving force."
STATION_REQUIRED = "Name the prescribed police station where the offender notified in person."
NOTIFICATION_IN_FUTURE = "A notification cannot be dated in the future."
EXPECTED_ONLY_FOR_CHANGE = "An expected date applies only to advance notice of a change (s.84(2))."


def _actor_person(actor: Any) -> Person | None:
    pid = scope_of(actor).person_id
    return Person.objects.filter(pk=pid).first() if pid else None


def _require_change(actor: Any, offender: Offender) -> None:
    if not access.can_change_offender(scope_of(actor), offender):
        raise PermissionError(NOT_ALLOWED)


def _rerun_ladder(offender: Offender, actor: Any) -> dict[str, int]:
    """Every relevant write re-evaluates the ladder for that offender in the same transaction."""
    created, _ = ladder.run(today=timezone.localdate(), offender_ids=[offender.pk], actor=actor)
    return {k: v for k, v in created.items() if v}


# --- management --------------------------------------------------------------------------------------------


def lead_manager_q(today: date) -> Q:
    """Everyone ``lead_manager_problems`` accepts as lead on ``today``, as a filter over people: the pickers
    offer only them. The rule twice, side by side (a test keeps them in agreement)."""
    return Q(visor_authorised=True, visor_training_expires__gte=today)


def lead_manager_problems(person: Person, *, today: date) -> tuple[list[str], list[str]]:
    """(errors, warnings) for making ``person`` a lead offender manager (reference R5). No errors exactly
    for the people ``lead_manager_q(today)`` selects."""
    policy = current_policy()
    warn_days = int(policy.get("workforce.visor_training_warn_days"))
    name = person.full_name
    if not person.visor_authorised:
        return [LEAD_NOT_VISOR.format(name=name)], []
    expires = person.visor_training_expires
    if expires is None or expires < today:
        when = "has no expiry date recorded" if expires is None else f"expired on {expires:%d %B %Y}"
        return [LEAD_TRAINING_EXPIRED.format(name=name, when=when)], []
    days = (expires - today).days
    if days <= warn_days:
        return [], [LEAD_TRAINING_WARNING.format(name=name, expires=f"{expires:%d %B %Y}", days=days)]
    return [], []


MANAGEMENT_FIELDS = [
    "mappa_category",
    "mappa_level",
    "management_mode",
    "rosh_level",
    "rosh_reason",
    "lead_manager_id",
    "deputy_manager_id",
    "whereabouts_verified",
    "whereabouts_unverified_since",
    "no_fixed_abode",
]


def _next_reference() -> str:
    """The next free ON-number (counting alone can collide once any record has been removed)."""
    n = Offender.objects.count() + 1
    while Offender.objects.filter(reference=f"ON{n:07d}").exists():
        n += 1
    return f"ON{n:07d}"


@transaction.atomic
def offender_create(*, actor: Any, data: dict[str, Any]) -> tuple[Offender, list[str]]:
    """A new nominal, in the creator's own borough (administrators: any). The lead must hold ViSOR status."""
    offender = Offender(**data)
    if not access.can_create_offender(scope_of(actor), offender.borough_id):
        raise PermissionError(NOT_ALLOWED_CREATE)
    if not offender.reference:
        offender.reference = _next_reference()
    warnings = _check_managers(offender)
    offender.full_clean(exclude=["borough", "team", "lead_manager", "deputy_manager"])
    offender.save()
    audit.record(
        actor=actor, action="custos.offender.created", obj=offender, changes=audit.snapshot(offender)
    )
    # The RoSH level set at registration is the first managing-level decision: kept in the risk history.
    _record_rosh(actor, offender, reason=offender.rosh_reason)
    _rerun_ladder(offender, actor)
    return offender, warnings


def _check_managers(offender: Offender) -> list[str]:
    today = timezone.localdate()
    warnings: list[str] = []
    if offender.lead_manager_id:
        lead = Person.objects.get(pk=offender.lead_manager_id)
        errors, warnings = lead_manager_problems(lead, today=today)
        if errors:
            raise ValidationError({"lead_manager": errors})
    if offender.deputy_manager_id and offender.deputy_manager_id == offender.lead_manager_id:
        raise ValidationError({"deputy_manager": [DEPUTY_SAME_AS_LEAD]})
    return warnings


@transaction.atomic
def offender_update_management(
    *, actor: Any, offender: Offender, data: dict[str, Any], expected_version: int | None = None
) -> tuple[Offender, list[str]]:
    """MAPPA, mode, RoSH with reason, lead and deputy, whereabouts. Enforces ViSOR status for the lead."""
    _require_change(actor, offender)

    before = audit.snapshot(offender, MANAGEMENT_FIELDS)
    for k, v in data.items():
        if k in MANAGEMENT_FIELDS:
            setattr(offender, k, v)
    if not offender.whereabouts_verified and offender.whereabouts_unverified_since is None:
        offender.whereabouts_unverified_since = timezone.localdate()
    if offender.whereabouts_verified:
        offender.whereabouts_unverified_since = None
    warnings = _check_managers(offender)
    version = expected_version if expected_version is not None else offender.version
    from custos.workforce.services import STALE_VERSION

    update_if_version(
        Offender, offender.pk, version, {f: getattr(offender, f) for f in MANAGEMENT_FIELDS}, STALE_VERSION
    )
    offender.refresh_from_db()
    changes = audit.diff(before, audit.snapshot(offender, MANAGEMENT_FIELDS))
    audit.record(actor=actor, action="custos.offender.management_updated", obj=offender, changes=changes)
    if "rosh_level" in changes:
        _record_rosh(actor, offender, reason=offender.rosh_reason)
    _rerun_ladder(offender, actor)
    return offender, warnings


def _record_rosh(actor: Any, offender: Offender, *, reason: str) -> RiskAssessment:
    return RiskAssessment.objects.create(
        offender=offender,
        tool="rosh",
        assessed_on=timezone.localdate(),
        result=offender.rosh_level,
        reason=reason,
        basis=f"RoSH: {rules.rosh_definition(offender.rosh_level)} (NOMS PC36/2006); the managing level",
        policy_version=current_policy().version,
        assessor=_actor_person(actor),
    )


@transaction.atomic
def offender_transfer(
    *, actor: Any, offender: Offender, to_borough: Borough | None, to_force: str, reason: str
) -> Transfer:
    _require_change(actor, offender)
    if (to_borough is None or to_borough.pk == offender.borough_id) and not to_force.strip():
        raise ValidationError({"to_borough": [TRANSFER_TARGET]})
    today = timezone.localdate()
    transfer = Transfer.objects.create(
        offender=offender,
        from_borough_id=offender.borough_id,
        to_borough=to_borough,
        to_force=to_force.strip(),
        reason=reason,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    policy = current_policy()
    OffenderTask.objects.filter(offender=offender, kind=TaskKind.TRANSFER_HANDOVER, status="open").update(
        status="closed",
        decision="superseded",
        rationale="a newer transfer was requested",
        closed_at=timezone.now(),
    )
    # The receiving borough's offender-management team takes the record (when it has one such team), and
    # its supervisor is alerted on the handover task: otherwise no one there is told it has arrived.
    receiving = (
        list(Team.objects.filter(borough=to_borough, team_type="offender-management")[:2])
        if to_borough is not None
        else []
    )
    receiving_team = receiving[0] if len(receiving) == 1 else None
    OffenderTask.objects.create(
        offender=offender,
        kind=TaskKind.TRANSFER_HANDOVER,
        owner_id=offender.lead_manager_id,
        watcher_id=receiving_team.supervisor_id if receiving_team else None,
        episode=today,
        due=today + timedelta(days=int(policy.get("offenders.escalation.transfer_handover_days"))),
        reason=f"hand over to {to_borough or to_force}: brief the receiving manager, update ViSOR ownership",
        basis="APP Managing sexual and violent offenders: transfer of management (ViSOR record owner); due "
        + policy.basis("offenders.escalation.transfer_handover_days"),
        policy_version=policy.version,
        detail={"transfer": transfer.pk},
    )
    before = {"borough": offender.borough_id}
    if to_borough is not None:
        Offender.objects.filter(pk=offender.pk).update(borough=to_borough, team=receiving_team)
        offender.refresh_from_db()
    audit.record(
        actor=actor,
        action="custos.offender.transferred",
        obj=offender,
        changes={"borough": [before["borough"], offender.borough_id], "to_force": to_force, "reason": reason},
    )
    return transfer


# --- nominal details ----------------------------------------------------------------------------------------


@transaction.atomic
def alias_add(
    *,
    actor: Any,
    offender: Offender,
    first_name: str,
    last_name: str,
    used_from: date | None = None,
    used_to: date | None = None,
) -> Alias:
    _require_change(actor, offender)
    alias = Alias.objects.create(
        offender=offender, first_name=first_name, last_name=last_name, used_from=used_from, used_to=used_to
    )
    audit.record(
        actor=actor, action="custos.offender.alias_added", obj=offender, changes={"alias": str(alias)}
    )
    _rerun_ladder(offender, actor)  # a dated change may start a s.84 deadline
    return alias


@transaction.atomic
def address_add(
    *,
    actor: Any,
    offender: Offender,
    kind: str,
    line1: str,
    town: str = "",
    postcode: str = "",
    area: str = "",
    from_date: date,
    to_date: date | None = None,
) -> Address:
    _require_change(actor, offender)
    if kind == "home":
        Address.objects.filter(offender=offender, kind="home", to_date__isnull=True).update(to_date=from_date)
    address = Address.objects.create(
        offender=offender,
        kind=kind,
        line1=line1,
        town=town,
        postcode=postcode.upper(),
        area=area,
        from_date=from_date,
        to_date=to_date,
    )
    audit.record(
        actor=actor,
        action="custos.offender.address_added",
        obj=offender,
        changes={"address": [None, f"{kind}: {address}"]},
    )
    _rerun_ladder(offender, actor)  # a dated change may start a s.84 deadline
    return address


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


@transaction.atomic
def detail_add(
    *, actor: Any, offender: Offender, kind: str, value: str, notes: str = "", from_date: date | None = None
) -> NotifiableDetail:
    _require_change(actor, offender)
    detail = NotifiableDetail.objects.create(
        offender=offender,
        kind=kind,
        value=value,
        normalised=normalise(value),
        notes=notes,
        from_date=from_date,
    )
    audit.record(actor=actor, action="custos.offender.detail_added", obj=offender, changes={"kind": kind})
    _rerun_ladder(offender, actor)  # a dated change may start a s.84 deadline
    return detail


CONVICTION_TERM_REQUIRED = "Enter the term of imprisonment or detention in months."
CONVICTION_DISCHARGE_REQUIRED = "Enter the period of the conditional discharge in months."
CONVICTION_NOT_POSITIVE = "Enter a period of more than 0 months."
CONVICTION_IN_FUTURE = "The date of conviction or caution cannot be in the future."
CONVICTION_BEFORE_BIRTH = "The date of conviction or caution cannot be before the date of birth."
SENTENCE_BEFORE_CONVICTION = "The sentence cannot be passed before the conviction."


def _check_conviction(c: Conviction, date_of_birth: date) -> None:
    """What s.82 needs to compute a period, as field errors (the rules would refuse it less helpfully)."""
    errors: dict[str, list[str]] = {}
    needs = {"imprisonment": "term_months", "conditional-discharge": "discharge_months"}.get(c.disposal)
    if needs == "term_months" and c.term_months is None:
        errors["term_months"] = [CONVICTION_TERM_REQUIRED]
    if needs == "discharge_months" and c.discharge_months is None:
        errors["discharge_months"] = [CONVICTION_DISCHARGE_REQUIRED]
    if needs is not None and getattr(c, needs) is not None and getattr(c, needs) <= 0:
        errors[needs] = [CONVICTION_NOT_POSITIVE]
    if c.conviction_date > timezone.localdate():
        errors["conviction_date"] = [CONVICTION_IN_FUTURE]
    elif c.conviction_date < date_of_birth:
        errors["conviction_date"] = [CONVICTION_BEFORE_BIRTH]
    if c.sentence_date is not None and c.sentence_date < c.conviction_date:
        errors["sentence_date"] = [SENTENCE_BEFORE_CONVICTION]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def conviction_add(*, actor: Any, offender: Offender, data: dict[str, Any]) -> Conviction:
    """A new conviction or caution recalculates the notification period and opens a risk review (R6)."""
    _require_change(actor, offender)
    conviction = Conviction(offender=offender, **data)
    conviction.full_clean(exclude=["offender"])
    _check_conviction(conviction, offender.date_of_birth)
    conviction.save()
    policy = current_policy()
    period = None
    sched3 = [c for c in offender.convictions.all() if c.schedule3]
    if sched3:
        period = rules.governing_notification_period(
            [_rule_conviction(c) for c in sched3], date_of_birth=offender.date_of_birth, policy=policy
        ).governing
    audit.record(
        actor=actor,
        action="custos.offender.conviction_added",
        obj=offender,
        changes={
            "offence": conviction.offence,
            "conviction_date": str(conviction.conviction_date),
            "notification_period_last_day": str(period.last_day) if period else None,
            "indefinite": period.indefinite if period else None,
        },
    )
    _open_task(
        offender,
        TaskKind.RISK_REVIEW,
        reason=f"new conviction or caution: {conviction.offence}",
        basis="APP: review risk on a new conviction; reference R6: recalculate the notification period",
        due=timezone.localdate() + timedelta(days=int(policy.get("offenders.visits.due_soon_days"))),
        actor=actor,
    )
    return conviction


def _rule_conviction(c: Conviction) -> rules.Conviction:
    return rules.Conviction(
        conviction_date=c.conviction_date,
        disposal=rules.Disposal(c.disposal),
        months=c.term_months if c.disposal == "imprisonment" else None,
        discharge_months=c.discharge_months if c.disposal == "conditional-discharge" else None,
    )


def _open_task(
    offender: Offender,
    kind: str,
    *,
    reason: str,
    basis: str,
    due: date | None,
    actor: Any,
    owner_id: int | None = None,
) -> OffenderTask | None:
    """Open a one-off task (risk review, triage hit) unless one of that kind is already open."""
    if OffenderTask.objects.filter(offender=offender, kind=kind, status="open").exists():
        return None
    today = timezone.localdate()
    episode = today
    while OffenderTask.objects.filter(offender=offender, kind=kind, episode=episode).exists():
        episode += timedelta(days=1)  # a second trigger the same day: the next free episode key
    task = OffenderTask.objects.create(
        offender=offender,
        kind=kind,
        owner_id=owner_id or offender.lead_manager_id,
        episode=episode,
        due=due,
        reason=reason[:300],
        basis=basis,
        policy_version=current_policy().version,
    )
    audit.record(
        actor=actor, action="custos.offender_task.opened", obj=task, changes={"kind": kind, "reason": reason}
    )
    return task


@transaction.atomic
def away_period_add(
    *, actor: Any, offender: Offender, kind: str, start: date, end: date | None = None, note: str = ""
) -> AwayPeriod:
    _require_change(actor, offender)
    period = AwayPeriod.objects.create(offender=offender, kind=kind, start=start, end=end, note=note)
    audit.record(
        actor=actor,
        action="custos.offender.away_recorded",
        obj=offender,
        changes={"kind": kind, "start": str(start), "end": str(end)},
    )
    _rerun_ladder(offender, actor)
    return period


def _triage_hit_due() -> date:
    return timezone.localdate() + timedelta(
        days=int(current_policy().get("offenders.escalation.triage_hit_review_days"))
    )


@transaction.atomic
def triage_hit_record(
    *, actor: Any, offender: Offender, device_reference: str, summary: str, device: Any = None
) -> OffenderTask | None:
    """A triage hit on the offender's device: link the device and open a visit-and-review task."""
    link = device_link(offender=offender, device=device, fallback=device_reference)
    audit.record(
        actor=actor,
        action="custos.offender.triage_hit",
        obj=offender,
        changes={"device": device_reference, "device_id": link.device_id, "summary": summary},
    )
    return _open_task(
        offender,
        TaskKind.TRIAGE_HIT_VISIT,
        reason=f"triage hit on device {device_reference}",
        basis="a triage hit on the offender's device calls for an unannounced visit; due "
        + current_policy().basis("offenders.escalation.triage_hit_review_days"),
        due=_triage_hit_due(),
        actor=actor,
    )


@transaction.atomic
def triage_hit_on_nominal(*, offender_id: int, device: Any, actor: Any) -> dict[str, Any]:
    """A triage hit on a registered offender's device (called by the triage lab).

    Issue 3 and issue 5: the offender manager gets a risk-review task (new information is a significant
    change for ARMS) and an unannounced-visit task. Idempotent: open tasks of those kinds are not duplicated.
    """
    offender = Offender.objects.filter(pk=offender_id).first()
    if offender is None:
        raise ValidationError(f"No offender {offender_id} on the register.")
    reference = f"device {device.pk}" + (
        f" (seal {device.seal_number})" if getattr(device, "seal_number", "") else ""
    )
    visit = triage_hit_record(
        actor=actor,
        offender=offender,
        device_reference=reference,
        summary="likely IIOC on triage",
        device=device,
    )
    review = _open_task(
        offender,
        TaskKind.RISK_REVIEW,
        reason=f"triage hit on {reference}: review ARMS and RoSH",
        basis="APP: ARMS reviewed on significant change; triage hit on the offender's device; due "
        + current_policy().basis("offenders.escalation.triage_hit_review_days"),
        due=_triage_hit_due(),
        actor=actor,
    )
    return {
        "offender": offender.pk,
        "visit_task": visit.pk if visit else None,
        "risk_review_task": review.pk if review else None,
    }
