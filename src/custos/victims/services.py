"""Writes for victims: records, needs assessments and the entitlement engine, the rights checklist,
investigation events and the contact clocks they start, withdrawal of support. Every write is audited in
the same transaction. The Right to Review services are in ``custos.victims.reviews`` (re-exported here).

Hook for other apps: ``investigation_event_recorded(crime=..., event=..., occurred_on=..., actor=...)``
creates the victim-update obligations for an investigation event; ``crime_facts_changed(crime=...,
actor=...)`` re-evaluates the victims of a crime whose flags or offence changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.core.concurrency import update_if_version
from custos.core.policy import Policy, current_policy
from custos.crimes.models import Crime
from custos.victims import access
from custos.victims.models import (
    OPEN_STATUSES,
    ClockEscalation,
    ContactMethod,
    NeedsAssessment,
    ObligationStatus,
    Representative,
    Victim,
    VictimCrime,
    VictimKind,
)
from custos.victims.rules import (
    CRIME_FLAGS,
    Entitlement,
    VictimFacts,
    add_months,
    enhanced_entitlement,
    victim_deadline,
)
from custos.workforce.models import Person

NOT_ALLOWED = "You cannot record or change victims of this crime."
STALE_VERSION = (
    "Someone else changed this record since you opened it (you had version {had}, it is now {now}). "
    "Reload it and try again."
)
ALREADY_LINKED = "this victim is already linked to crime {reference}"
NAME_NEEDED = "give the victim's first and last name"
BUSINESS_NAME_NEEDED = "give the business name"
REPRESENTATIVE_NAME_NEEDED = "give the name of the person acting for the victim"
PARENT_ONLY_UNDER_18 = "a parent or guardian acts only for a victim under 18 on the date of the crime"
SPOKESPERSON_FOR_BEREAVED = "a family spokesperson acts for a bereaved family: tick 'bereaved relative'"
BIRTH_IN_FUTURE = "the date of birth cannot be in the future"
NULL_NOT_ALLOWED = "give a value (null is not allowed here)"
BAD_CHOICE = "must be one of {valid}, got {got!r}"
FREQUENCY_AT_LEAST_ONE = "the agreed update frequency must be a whole number of days, 1 or more"
NULLABLE_FIELDS = ("date_of_birth", "update_frequency_days")

# Facts of a victim that change the entitlement result (re-evaluated and audited when they change).
ENTITLEMENT_FIELDS = (
    "kind",
    "named_contact",
    "date_of_birth",
    "bereaved_relative",
    "mental_disorder",
    "impairment",
    "physical_disability",
    "fear_or_distress",
)
VICTIM_FIELDS = (
    *ENTITLEMENT_FIELDS,
    "first_name",
    "last_name",
    "business_name",
    "representative",
    "representative_name",
    "contact_method",
    "contact_details",
    "update_frequency_days",
    "safe_contact_route",
    "language",
    "interpreter_needed",
)


def _person(actor: Any) -> Person | None:
    pid = scope_of(actor).person_id
    return Person.objects.filter(pk=pid).first() if pid else None


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def crime_date(crime: Crime) -> date:
    return crime.occurred_on or crime.reported_on or crime.recorded_on


def age_on(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --------------------------------------------------------------------------------------------------
# The enhanced-entitlement engine, wired


def victim_facts(victim: Victim, crime: Crime) -> VictimFacts:
    return VictimFacts(
        kind=victim.kind,
        age=age_on(victim.date_of_birth, crime_date(crime)),
        named_contact=bool(victim.named_contact.strip()) or victim.kind == VictimKind.PERSON,
        bereaved_relative=victim.bereaved_relative,
        mental_disorder=victim.mental_disorder,
        impairment=victim.impairment,
        physical_disability=victim.physical_disability,
        fear_or_distress=victim.fear_or_distress,
    )


def prior_crimes(victim: Victim, crime: Crime, *, policy: Policy) -> int:
    """Other crimes against the same victim in the window before this one (persistently targeted)."""
    months = int(policy.get("victims.persistently_targeted_window_months"))
    on = crime_date(crime)
    start = add_months(on, -months)
    n = 0
    for link in victim.links.select_related("crime").exclude(crime_id=crime.pk):
        if start <= crime_date(link.crime) <= on:
            n += 1
    return n


def evaluate(victim: Victim, crime: Crime, *, policy: Policy) -> Entitlement:
    flags = [f for f in crime.flags if f in CRIME_FLAGS]
    return enhanced_entitlement(
        victim_facts(victim, crime),
        offence_key=crime.offence_key,
        flags=flags,
        prior_crimes_12_months=prior_crimes(victim, crime, policy=policy),
        policy=policy,
    )


def _apply(*, actor: Any, link: VictimCrime, result: Entitlement, reason: str) -> bool:
    """Store a result on the link; audit and re-date open update clocks when the result changed."""
    before = {"services": link.services, "enhanced": link.enhanced, "categories": list(link.categories)}
    after = {"services": result.services, "enhanced": result.enhanced, "categories": list(result.categories)}
    changed = before != after
    is_new = link.pk is None
    link.services = result.services
    link.enhanced = result.enhanced
    link.categories = list(result.categories)
    link.reasons = list(result.reasons)
    link.policy_version = result.policy_version
    link.evaluated_at = timezone.now()
    link.age_at_crime = age_on(link.victim.date_of_birth, crime_date(link.crime))
    link.save()
    if changed and not is_new:
        audit.record(
            actor=actor,
            action="custos.victim.entitlement_changed",
            obj=link.victim,
            purpose=reason[:500],
            changes={
                "crime": link.crime.reference,
                **audit.diff(before, after),
                "reasons": list(result.reasons),
                "policy_version": result.policy_version,
            },
        )
    return changed


def _redate_open_updates(link: VictimCrime, *, policy: Policy) -> None:
    for ob in link.obligations.filter(
        key__in=("event-update", "decision-explained"), status__in=OPEN_STATUSES
    ):
        deadline = victim_deadline(ob.trigger, ob.trigger_on, link.enhanced, policy=policy)
        if deadline.due != ob.due_on:
            ob.due_on, ob.due_basis, ob.policy_version = (
                deadline.due,
                deadline.basis[:500],
                deadline.policy_version,
            )
            ob.status = ObligationStatus.DUE
            ob.save(update_fields=["due_on", "due_basis", "policy_version", "status"])
            if deadline.due >= timezone.localdate():
                # No longer overdue (a standard victim has 5 working days): the escalation no longer holds,
                # and the officer's panel would call the update overdue with a due date still to come. It is
                # removed, not resolved, so the sweep escalates again if the new date passes (one escalation
                # per obligation); the audit log keeps the first.
                ClockEscalation.objects.filter(obligation=ob, resolved_on__isnull=True).delete()


def reevaluate_links(
    *, actor: Any, links: list[VictimCrime], reason: str, policy: Policy | None = None
) -> list[VictimCrime]:
    """Re-run the engine for each link; returns the links whose result changed (each change audited)."""
    policy = policy or current_policy()
    changed = []
    for link in links:
        result = evaluate(link.victim, link.crime, policy=policy)
        if _apply(actor=actor, link=link, result=result, reason=reason):
            changed.append(link)
            _redate_open_updates(link, policy=policy)
            if result.services:
                _initial_obligations(link, policy=policy)
    return changed


def _links_of(victim: Victim) -> list[VictimCrime]:
    return list(victim.links.select_related("crime", "victim").order_by("id"))


@transaction.atomic
def crime_facts_changed(*, crime: Crime, actor: Any, policy: Policy | None = None) -> list[VictimCrime]:
    """Hook for the crimes app: the offence or flags of a crime changed; re-evaluate its victims."""
    links = list(VictimCrime.objects.filter(crime=crime).select_related("crime", "victim"))
    return reevaluate_links(
        actor=actor, links=links, reason=f"crime {crime.reference} changed", policy=policy
    )


def _assessment(*, actor: Any, victim: Victim, reason: str, policy: Policy) -> NeedsAssessment:
    links = _links_of(victim)
    for link in links:
        if link.enhanced and not link.recognised_enhanced:
            link.recognised_enhanced = True
            link.save(update_fields=["recognised_enhanced"])
    return NeedsAssessment.objects.create(
        victim=victim,
        assessed_by=_person(actor),
        reason=reason[:200],
        facts=audit.snapshot(victim, ENTITLEMENT_FIELDS),
        results=[
            {
                "crime": link.crime.reference,
                "services": link.services,
                "enhanced": link.enhanced,
                "categories": list(link.categories),
                "reasons": list(link.reasons),
            }
            for link in links
        ],
        policy_version=policy.version,
    )


# --------------------------------------------------------------------------------------------------
# Victim records


def _validate(data: dict[str, Any], *, crime: Crime | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    nulls = [k for k, v in data.items() if v is None and k in VICTIM_FIELDS and k not in NULLABLE_FIELDS]
    for name in nulls:
        errors.setdefault(name, []).append(NULL_NOT_ALLOWED)
    if nulls:
        return errors
    for name, choices in (("contact_method", ContactMethod), ("representative", Representative)):
        if name in data and data[name] not in choices.values:
            valid = ", ".join(v for v in choices.values if v) + (" or empty" if "" in choices.values else "")
            errors.setdefault(name, []).append(BAD_CHOICE.format(valid=valid, got=data[name]))
    frequency = data.get("update_frequency_days")
    if frequency is not None and (
        isinstance(frequency, bool) or not isinstance(frequency, int) or frequency < 1
    ):
        errors.setdefault("update_frequency_days", []).append(FREQUENCY_AT_LEAST_ONE)
    kind = data.get("kind", VictimKind.PERSON)
    if kind not in VictimKind.values:
        errors.setdefault("kind", []).append(f"kind must be one of {', '.join(VictimKind.values)}")
    if kind == VictimKind.PERSON and not (
        data.get("first_name", "").strip() and data.get("last_name", "").strip()
    ):
        errors.setdefault("last_name", []).append(NAME_NEEDED)
    if kind == VictimKind.BUSINESS and not data.get("business_name", "").strip():
        errors.setdefault("business_name", []).append(BUSINESS_NAME_NEEDED)
    born = data.get("date_of_birth")
    if born is not None and born > timezone.localdate():
        errors.setdefault("date_of_birth", []).append(BIRTH_IN_FUTURE)
    rep = data.get("representative", "")
    if rep and not data.get("representative_name", "").strip():
        errors.setdefault("representative_name", []).append(REPRESENTATIVE_NAME_NEEDED)
    if rep == "parent-guardian" and crime is not None:
        age = age_on(born, crime_date(crime))
        if age is None or age >= 18:
            errors.setdefault("representative", []).append(PARENT_ONLY_UNDER_18)
    if rep == "family-spokesperson" and not data.get("bereaved_relative"):
        errors.setdefault("representative", []).append(SPOKESPERSON_FOR_BEREAVED)
    return errors


def can_add_victim(actor: Any, crime: Crime) -> bool:
    return access.can_change_link(scope_of(actor), VictimCrime(crime=crime))


@transaction.atomic
def victim_create(*, actor: Any, crime: Crime, data: dict[str, Any], policy: Policy | None = None) -> Victim:
    """Record a victim of a crime: assessed at reporting, entitlement evaluated, rights checklist opened."""
    if not can_add_victim(actor, crime):
        raise PermissionError(NOT_ALLOWED)
    policy = policy or current_policy()
    values = {k: v for k, v in data.items() if k in VICTIM_FIELDS}
    _raise(_validate(values, crime=crime))
    victim = Victim.objects.create(borough_id=crime.borough_id, **values)
    audit.record(
        actor=actor, action="custos.victim.created", obj=victim, changes=audit.snapshot(victim, VICTIM_FIELDS)
    )
    _link(actor=actor, victim=victim, crime=crime, policy=policy)
    _assessment(actor=actor, victim=victim, reason="at reporting", policy=policy)
    return victim


def _link(*, actor: Any, victim: Victim, crime: Crime, policy: Policy) -> VictimCrime:
    link = VictimCrime(victim=victim, crime=crime)
    result = evaluate(victim, crime, policy=policy)
    _apply(actor=actor, link=link, result=result, reason="linked to a crime")
    audit.record(
        actor=actor,
        action="custos.victim.linked",
        obj=victim,
        changes={
            "crime": crime.reference,
            "services": result.services,
            "enhanced": result.enhanced,
            "categories": list(result.categories),
            "reasons": list(result.reasons),
            "policy_version": result.policy_version,
        },
    )
    if result.services:
        _initial_obligations(link, policy=policy)
    return link


@transaction.atomic
def victim_link_crime(
    *, actor: Any, victim: Victim, crime: Crime, policy: Policy | None = None
) -> VictimCrime:
    """A victim of another crime: it may change the result for every crime (persistent targeting)."""
    if not (access.can_change_victim(scope_of(actor), victim) and can_add_victim(actor, crime)):
        raise PermissionError(NOT_ALLOWED)
    if VictimCrime.objects.filter(victim=victim, crime=crime).exists():
        raise ValidationError({"crime": [ALREADY_LINKED.format(reference=crime.reference)]})
    policy = policy or current_policy()
    link = _link(actor=actor, victim=victim, crime=crime, policy=policy)
    others = [lk for lk in _links_of(victim) if lk.pk != link.pk]
    reevaluate_links(actor=actor, links=others, reason=f"new crime {crime.reference}", policy=policy)
    _assessment(actor=actor, victim=victim, reason=f"new crime {crime.reference}", policy=policy)
    return link


@transaction.atomic
def victim_update(
    *, actor: Any, victim: Victim, data: dict[str, Any], expected_version: int, policy: Policy | None = None
) -> Victim:
    """Change a victim's record; when the facts change, re-assess and re-evaluate every crime (audited)."""
    if not access.can_change_victim(scope_of(actor), victim):
        raise PermissionError(NOT_ALLOWED)
    policy = policy or current_policy()
    values = {k: v for k, v in data.items() if k in VICTIM_FIELDS}
    before = audit.snapshot(victim, VICTIM_FIELDS)
    merged = {**before, **values}
    if merged.get("date_of_birth") and isinstance(merged["date_of_birth"], str):
        merged["date_of_birth"] = date.fromisoformat(merged["date_of_birth"])
    first = victim.links.select_related("crime").order_by("id").first()
    _raise(_validate(merged, crime=first.crime if first else None))
    update_if_version(Victim, victim.pk, expected_version, values, STALE_VERSION)
    victim.refresh_from_db()
    _history(victim, actor)
    changes = audit.diff(before, audit.snapshot(victim, VICTIM_FIELDS))
    audit.record(actor=actor, action="custos.victim.updated", obj=victim, changes=changes)
    if set(changes) & set(ENTITLEMENT_FIELDS):
        reason = "facts changed: " + ", ".join(sorted(set(changes) & set(ENTITLEMENT_FIELDS)))
        reevaluate_links(actor=actor, links=_links_of(victim), reason=reason, policy=policy)
        _assessment(actor=actor, victim=victim, reason=reason, policy=policy)
    return victim


def _history(victim: Victim, actor: Any) -> None:
    # Conditional UPDATEs bypass save(), so write the simple-history row explicitly.
    victim.history.model.objects.create(
        history_date=timezone.now(),
        history_type="~",
        history_user=actor if getattr(actor, "is_authenticated", False) else None,
        **{f.attname: getattr(victim, f.attname) for f in Victim._meta.concrete_fields},
    )


@transaction.atomic
def needs_assessment_record(
    *, actor: Any, victim: Victim, reason: str = "reassessed", policy: Policy | None = None
) -> NeedsAssessment:
    """A needs assessment without a change of facts: re-evaluate, recognise enhanced status, keep history."""
    if not access.can_change_victim(scope_of(actor), victim):
        raise PermissionError(NOT_ALLOWED)
    policy = policy or current_policy()
    reevaluate_links(actor=actor, links=_links_of(victim), reason=reason, policy=policy)
    found = _assessment(actor=actor, victim=victim, reason=reason, policy=policy)
    audit.record(actor=actor, action="custos.victim.assessed", obj=victim, changes={"reason": reason})
    return found


from custos.victims.clocks import (  # noqa: E402  (re-exported: one place to look for victims writes)
    EVIDENCE_NEEDED,
    INVESTIGATION_EVENTS,
    SAFE_ROUTE_NEEDED,
    WITHDRAWAL_REASON_REQUIRED,
    EventResult,
    _initial_obligations,
    days_overdue,
    escalate_overdue,
    investigation_event_recorded,
    obligation_start,
    obligation_update,
    support_withdraw,
)
from custos.victims.reviews import (  # noqa: E402
    crime_reopen_for_review,
    review_acknowledge,
    review_decide,
    review_request,
)

__all__ = [
    "EVIDENCE_NEEDED",
    "INVESTIGATION_EVENTS",
    "SAFE_ROUTE_NEEDED",
    "WITHDRAWAL_REASON_REQUIRED",
    "EventResult",
    "crime_facts_changed",
    "crime_reopen_for_review",
    "days_overdue",
    "escalate_overdue",
    "investigation_event_recorded",
    "needs_assessment_record",
    "obligation_start",
    "obligation_update",
    "review_acknowledge",
    "review_decide",
    "review_request",
    "support_withdraw",
    "victim_create",
    "victim_link_crime",
    "victim_update",
]
