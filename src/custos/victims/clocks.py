"""The rights checklist and the contact clocks: the obligations opened at the report, investigation events
and the victim-update obligations they create, marking obligations met (with evidence), the recurring update
at the agreed frequency, withdrawal of support, and escalation of overdue clocks. Writes, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.core.models import AuditEvent
from custos.core.policy import Policy, current_policy
from custos.crimes import access as crime_access
from custos.crimes.models import Crime
from custos.victims import access
from custos.victims.models import (
    OPEN_STATUSES,
    ClockEscalation,
    InvestigationEvent,
    Obligation,
    ObligationStatus,
    VictimCrime,
)
from custos.victims.rules import VICTIM_EVENTS, obligation_due, victim_deadline, victims_code_rights
from custos.workforce.models import Person

NOT_ALLOWED = "You cannot record or change victims of this crime."
UNKNOWN_EVENT = "unknown investigation event {event!r}; valid events: {valid}"
EVENT_IN_FUTURE = "the event date cannot be in the future"
EVIDENCE_NEEDED = "record the evidence: what was done, how, and for whom"
BAD_STATUS = "status must be met, declined or not-applicable"
ALREADY_CLOSED = "this obligation is already closed ({status})"
SAFE_ROUTE_NEEDED = (
    "domestic abuse: confirm the acknowledgement was sent by the victim's safe contact route "
    "({route}) before marking it met"
)
NO_SAFE_ROUTE = "domestic abuse: record the victim's safe contact route before sending the acknowledgement"
MET_IN_FUTURE = "the date it was met cannot be in the future"
WITHDRAWAL_REASON_REQUIRED = "record the victim's reason for withdrawing support (it is mandatory)"
ALREADY_WITHDRAWN = "support was already withdrawn on {on}"

# Obligations whose trigger no investigation event records: staff start them by hand on the victim's page,
# with the day the trigger happened (the VPS offer, trial outcome, property, Victim Contact Scheme).
HAND_TRIGGERS: dict[str, str] = {
    "witness-statement": "Witness statement taken on",
    "verdict": "Outcome of the case or appeal given on",
    "property-released": "Property no longer needed on",
    "conviction": "Offender convicted on",
}
# How each trigger starts its obligations, in words for the checklist.
TRIGGER_WORDS: dict[str, str] = {
    "report": "at the report",
    "investigation-event": "when an investigation event is recorded on the crime's victims page",
    "nfa": "when a decision not to investigate or not to prosecute is recorded",
    "last-update": "after each update given",
    "charge": "when the charge is recorded",
    "witness-statement": "when the victim's witness statement is taken",
    "verdict": "when the outcome of the case is known",
    "property-released": "when the victim's property is no longer needed",
    "conviction": "when the offender is convicted",
}
NOT_STARTED_BY_HAND = (
    "{title} starts on its own (at the report or an investigation event); it cannot be started by hand"
)
UNKNOWN_OBLIGATION = "no such Victims' Code obligation: {key!r}"
NO_CODE_SERVICES = "this victim gets no Victims' Code services for this crime, so no obligation is tracked"
TRIGGER_IN_FUTURE = "the date it started cannot be in the future"
ALREADY_STARTED = "{title}: already started on {on}"

# Events (other than ``report``) that an investigation records against a crime.
INVESTIGATION_EVENTS = tuple(e for e in VICTIM_EVENTS if e != "report")
DECISION_EVENTS = ("nfa", "decision-not-to-investigate")


@dataclass(frozen=True)
class EventDuty:
    """What a victim must be told of an investigation event: the obligation's key, right and title."""

    key: str
    right: int
    title: str


def event_duty(event: str) -> EventDuty:
    key = "decision-explained" if event in DECISION_EVENTS else "event-update"
    right, title = next(
        (r.number, o.title) for r in victims_code_rights() for o in r.obligations if o.key == key
    )
    return EventDuty(key, right, f"{title}: {VICTIM_EVENTS[event][0]}")


RIGHT_6_UPDATES = ("event-update", "decision-explained", "regular-update")


def _person(actor: Any) -> Person | None:
    pid = scope_of(actor).person_id
    return Person.objects.filter(pk=pid).first() if pid else None


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _report_date(crime: Crime) -> date:
    return crime.reported_on or crime.recorded_on


def _make(
    link: VictimCrime,
    key: str,
    trigger: str,
    trigger_on: date,
    *,
    due: date | None,
    basis: str,
    policy_version: str,
    title: str,
    right: int,
    event: InvestigationEvent | None = None,
    status: str = ObligationStatus.DUE,
    evidence: str = "",
) -> tuple[Obligation, bool]:
    return Obligation.objects.get_or_create(
        link=link,
        key=key,
        trigger=trigger,
        trigger_on=trigger_on,
        defaults={
            "right": right,
            "title": title,
            "event": event,
            "due_on": due,
            "due_basis": basis[:500],
            "policy_version": policy_version,
            "status": status,
            "evidence": evidence,
        },
    )


def _initial_obligations(link: VictimCrime, *, policy: Policy) -> None:
    """The obligations that start at the report (idempotent), plus the first regular update."""
    reported = _report_date(link.crime)
    frequency = link.victim.update_frequency_days
    for right in victims_code_rights():
        for item in right.obligations:
            if item.trigger not in ("report", "last-update"):
                continue
            due = obligation_due(
                item.key, reported, enhanced=link.enhanced, agreed_frequency_days=frequency, policy=policy
            )
            status, evidence = ObligationStatus.DUE, ""
            if item.key in ("crime-recorded", "needs-assessment"):
                status, evidence = ObligationStatus.MET, "recorded in Custos"
            ob, made = _make(
                link,
                item.key,
                item.trigger,
                reported,
                due=due.due,
                basis=due.basis,
                policy_version=due.policy_version,
                title=item.title,
                right=right.number,
                status=status,
                evidence=evidence,
            )
            if made and status == ObligationStatus.MET:
                ob.met_on = timezone.localdate()
                ob.save(update_fields=["met_on"])


@transaction.atomic
def obligation_start(
    *, actor: Any, link: VictimCrime, key: str, on: date | None = None, policy: Policy | None = None
) -> Obligation:
    """Start an obligation whose trigger Custos does not record itself (``HAND_TRIGGERS``), from ``on``."""
    if not access.can_change_link(scope_of(actor), link):
        raise PermissionError(NOT_ALLOWED)
    found = {o.key: (r.number, o) for r in victims_code_rights() for o in r.obligations}
    if key not in found:
        raise ValidationError({"key": [UNKNOWN_OBLIGATION.format(key=key)]})
    right, item = found[key]
    if item.trigger not in HAND_TRIGGERS:
        raise ValidationError({"key": [NOT_STARTED_BY_HAND.format(title=item.title)]})
    if not link.services:
        raise ValidationError({"key": [NO_CODE_SERVICES]})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": [TRIGGER_IN_FUTURE]})
    earlier = link.obligations.filter(key=key).order_by("trigger_on").first()
    if earlier is not None:
        raise ValidationError({"key": [ALREADY_STARTED.format(title=item.title, on=earlier.trigger_on)]})
    policy = policy or current_policy()
    due = obligation_due(
        key,
        on,
        enhanced=link.enhanced,
        agreed_frequency_days=link.victim.update_frequency_days,
        policy=policy,
    )
    ob, _ = _make(
        link,
        key,
        item.trigger,
        on,
        due=due.due,
        basis=due.basis,
        policy_version=due.policy_version,
        title=item.title,
        right=right,
    )
    audit.record(
        actor=actor,
        action="custos.victim_obligation.started",
        obj=ob,
        changes={
            "victim": link.victim_id,
            "crime": link.crime.reference,
            "key": key,
            "trigger": item.trigger,
            "trigger_on": str(on),
            "due_on": str(due.due) if due.due else None,
            "policy_version": due.policy_version,
        },
    )
    return ob


@dataclass(frozen=True)
class EventResult:
    event: InvestigationEvent
    created: list[Obligation]


@transaction.atomic
def investigation_event_recorded(
    *, crime: Crime, event: str, occurred_on: date, actor: Any, policy: Policy | None = None
) -> EventResult:
    """An investigation event: every victim of the crime gets a victim-update obligation (idempotent).

    Due within 1 working day for enhanced victims and 5 for others, the day of the event being day 0
    (victims.rules.victim_deadline). A charge also opens the trial-information and expenses obligations.
    """
    if event not in INVESTIGATION_EVENTS:
        raise ValidationError(
            {"event": [UNKNOWN_EVENT.format(event=event, valid=", ".join(INVESTIGATION_EVENTS))]}
        )
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": [EVENT_IN_FUTURE]})
    if getattr(actor, "is_authenticated", False):
        s = scope_of(actor)
        links = list(VictimCrime.objects.filter(crime=crime).select_related("crime__officer"))
        if not (
            crime_access.can_change_crime(s, crime) or any(access.can_change_link(s, lk) for lk in links)
        ):
            raise PermissionError(NOT_ALLOWED)
    policy = policy or current_policy()
    row, made = InvestigationEvent.objects.get_or_create(
        crime=crime, event=event, occurred_on=occurred_on, defaults={"recorded_by": _person(actor)}
    )
    duty = event_duty(event)
    created: list[Obligation] = []
    rights = {o.key: (r.number, o.title) for r in victims_code_rights() for o in r.obligations}
    for link in VictimCrime.objects.filter(crime=crime, services=True).select_related("victim"):
        deadline = victim_deadline(event, occurred_on, link.enhanced, policy=policy)
        ob, new = _make(
            link,
            duty.key,
            event,
            occurred_on,
            due=deadline.due,
            basis=deadline.basis,
            policy_version=deadline.policy_version,
            title=duty.title,
            right=duty.right,
            event=row,
        )
        if new:
            created.append(ob)
        if event == "charge":
            for extra in ("trial-information", "expenses"):
                due = obligation_due(extra, occurred_on, enhanced=link.enhanced, policy=policy)
                number, extra_title = rights[extra]
                ob, new = _make(
                    link,
                    extra,
                    event,
                    occurred_on,
                    due=due.due,
                    basis=due.basis,
                    policy_version=due.policy_version,
                    title=extra_title,
                    right=number,
                    event=row,
                )
                if new:
                    created.append(ob)
    if made or created:
        audit.record(
            actor=actor,
            action="custos.victim_event.recorded",
            obj=row,
            changes={
                "crime": crime.reference,
                "event": event,
                "occurred_on": str(occurred_on),
                "obligations_created": len(created),
            },
        )
    return EventResult(row, created)


def _next_regular_update(link: VictimCrime, last: date, *, policy: Policy) -> None:
    """Any Right 6 update restarts the agreed-frequency clock from the day it was given.

    The update given supersedes the regular update that was waiting, whatever the crime's state; a next one
    is opened only while the investigation is open and the victim still supports it (telling the victim of
    the decision that finalised the crime is the last regular update).
    """
    for ob in link.obligations.filter(key="regular-update", status__in=OPEN_STATUSES):
        if ob.trigger_on < last:
            ob.status = ObligationStatus.NOT_APPLICABLE
            ob.evidence = f"superseded by the update given on {last}"
            ob.save(update_fields=["status", "evidence"])
            ClockEscalation.objects.filter(obligation=ob, resolved_on__isnull=True).update(resolved_on=last)
    if link.support_withdrawn_on is not None or link.crime.status != "open":
        return
    due = obligation_due(
        "regular-update",
        last,
        enhanced=link.enhanced,
        agreed_frequency_days=link.victim.update_frequency_days,
        policy=policy,
    )
    _make(
        link,
        "regular-update",
        "last-update",
        last,
        due=due.due,
        basis=due.basis,
        policy_version=due.policy_version,
        title="Regular update at the agreed frequency and method",
        right=6,
    )


@transaction.atomic
def obligation_update(
    *,
    actor: Any,
    obligation: Obligation,
    status: str,
    evidence: str,
    on: date | None = None,
    safe_route_confirmed: bool = False,
    policy: Policy | None = None,
) -> Obligation:
    """Mark an obligation met, declined by the victim, or not applicable, with the evidence."""
    link = obligation.link
    if not access.can_change_link(scope_of(actor), link):
        raise PermissionError(NOT_ALLOWED)
    if status not in (ObligationStatus.MET, ObligationStatus.DECLINED, ObligationStatus.NOT_APPLICABLE):
        raise ValidationError({"status": [BAD_STATUS]})
    if not obligation.is_open:
        raise ValidationError({"status": [ALREADY_CLOSED.format(status=obligation.get_status_display())]})
    errors: dict[str, list[str]] = {}
    if not evidence.strip():
        errors["evidence"] = [EVIDENCE_NEEDED]
    on = on or timezone.localdate()
    if on > timezone.localdate():
        errors["on"] = [MET_IN_FUTURE]
    if (
        obligation.key == "written-acknowledgement"
        and status == ObligationStatus.MET
        and link.crime.domestic_abuse
    ):
        route = link.victim.safe_contact_route.strip()
        if not route:
            errors.setdefault("safe_route_confirmed", []).append(NO_SAFE_ROUTE)
        elif not safe_route_confirmed:
            errors.setdefault("safe_route_confirmed", []).append(SAFE_ROUTE_NEEDED.format(route=route))
    _raise(errors)
    before = audit.snapshot(obligation, ("status", "evidence", "met_on", "met_by_id"))
    obligation.status = status
    obligation.evidence = evidence.strip()
    obligation.met_on = on
    obligation.met_by = _person(actor)
    obligation.version += 1
    obligation.save()
    ClockEscalation.objects.filter(obligation=obligation, resolved_on__isnull=True).update(resolved_on=on)
    audit.record(
        actor=actor,
        action="custos.victim_obligation.updated",
        obj=obligation,
        changes={
            "victim": link.victim_id,
            "crime": link.crime.reference,
            "key": obligation.key,
            "on_time": obligation.met_on_time,
            **audit.diff(before, audit.snapshot(obligation, ("status", "evidence", "met_on", "met_by_id"))),
        },
    )
    if status == ObligationStatus.MET and obligation.key in RIGHT_6_UPDATES:
        _next_regular_update(link, on, policy=policy or current_policy())
    return obligation


@transaction.atomic
def support_withdraw(*, actor: Any, link: VictimCrime, reason: str, on: date | None = None) -> VictimCrime:
    """The victim withdraws support: the reason is mandatory; regular updates stop (event updates do not)."""
    if not access.can_change_link(scope_of(actor), link):
        raise PermissionError(NOT_ALLOWED)
    if link.support_withdrawn_on is not None:
        raise ValidationError({"reason": [ALREADY_WITHDRAWN.format(on=link.support_withdrawn_on)]})
    if not reason.strip():
        raise ValidationError({"reason": [WITHDRAWAL_REASON_REQUIRED]})
    on = on or timezone.localdate()
    link.support_withdrawn_on = on
    link.withdrawal_reason = reason.strip()
    link.save(update_fields=["support_withdrawn_on", "withdrawal_reason"])
    link.obligations.filter(key="regular-update", status__in=OPEN_STATUSES).update(
        status=ObligationStatus.NOT_APPLICABLE, evidence=f"victim withdrew support on {on}"
    )
    audit.record(
        actor=actor,
        action="custos.victim.support_withdrawn",
        obj=link.victim,
        changes={"crime": link.crime.reference, "on": str(on), "reason": link.withdrawal_reason},
    )
    return link


ESCALATION_BATCH = 2000


def escalate_overdue(today: date) -> tuple[int, int]:
    """Overdue open obligations: status overdue, escalated once to the officer and their supervisor.

    Returns (obligations overdue, escalations made). Set-based because a London force has hundreds of
    thousands of overdue obligations on any night: one UPDATE marks them, and only those not yet escalated
    are read, in batches, each batch's escalations and audit events written in one insert. (Row by row,
    the first London sweep wrote 16 GB and ran for over 20 minutes.)
    """
    overdue = Obligation.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    overdue.exclude(status=ObligationStatus.OVERDUE).update(status=ObligationStatus.OVERDUE)
    checked = overdue.count()
    # The ids first, in one pass, then each batch by id: paging with "pk > last ORDER BY pk LIMIT n" made
    # SQLite sort every overdue row again for each batch.
    fresh = list(overdue.filter(escalation__isnull=True).order_by("pk").values_list("pk", flat=True))
    created = 0
    for start in range(0, len(fresh), ESCALATION_BATCH):
        batch = list(
            Obligation.objects.filter(pk__in=fresh[start : start + ESCALATION_BATCH])
            .select_related("link__crime__officer__line_supervisor", "link__crime__team__supervisor")
            .order_by("pk")
        )
        escalations, events = [], []
        for ob in batch:
            crime = ob.link.crime
            officer = crime.officer
            supervisor = officer.line_supervisor if officer is not None else None
            if supervisor is None and crime.team is not None:
                supervisor = crime.team.supervisor
            escalations.append(
                ClockEscalation(obligation=ob, officer=officer, supervisor=supervisor, created_on=today)
            )
            events.append(
                audit.unsaved_event(
                    actor=None,
                    action="custos.victim_obligation.escalated",
                    obj=ob,
                    changes={
                        "crime": crime.reference,
                        "due_on": str(ob.due_on),
                        "officer": getattr(officer, "pk", None),
                        "supervisor": getattr(supervisor, "pk", None),
                    },
                )
            )
        with transaction.atomic():
            ClockEscalation.objects.bulk_create(escalations)
            AuditEvent.objects.bulk_create(events)
        created += len(escalations)
    return checked, created


def days_overdue(due: date | None, today: date) -> int:
    return max(0, (today - due).days) if due is not None else 0
