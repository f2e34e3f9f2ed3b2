"""Who may be chosen in the offender forms: for the forms, and for their suggestions (see
custos.workforce.picker)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from custos.core.access import not_found, scope_of
from custos.offenders import access
from custos.offenders.models import Offender
from custos.offenders.services.register import lead_manager_q
from custos.workforce.models import Borough, Person
from custos.workforce.picker import Choosable, people_source

VISIT_OFFICER = "offenders.visit-officer"
MANAGER = "offenders.manager"
LEAD_MANAGER = "offenders.lead-manager"
NEW_LEAD_MANAGER = "offenders.new-lead-manager"
NEW_DEPUTY_MANAGER = "offenders.new-deputy-manager"
_BY_NAME = ("last_name", "first_name")


def visit_officers(offender: Offender) -> Choosable:
    """Who may be recorded as visiting: active officers and staff of the offender's borough."""
    people = Person.objects.filter(active=True, borough_id=offender.borough_id).order_by(*_BY_NAME)
    return Choosable(people, VISIT_OFFICER, offender.pk)


def managers(offender: Offender) -> Choosable:
    """Deputy offender manager: active ViSOR-authorised people of the offender's borough."""
    people = Person.objects.filter(active=True, borough_id=offender.borough_id, visor_authorised=True)
    return Choosable(people, MANAGER, offender.pk)


def lead_managers(offender: Offender) -> Choosable:
    """Lead offender manager: active people of the offender's borough whom the service accepts as lead
    today (ViSOR authorised with current training, ``services.lead_manager_q``)."""
    people = Person.objects.filter(
        lead_manager_q(timezone.localdate()), active=True, borough_id=offender.borough_id
    ).order_by(*_BY_NAME)
    return Choosable(people, LEAD_MANAGER, offender.pk)


def lead_candidates(borough_id: int | None) -> QuerySet[Person]:
    """Whom a posted lead is looked up among to say why the service refuses them (never offered)."""
    people = Person.objects.filter(active=True)
    return people if borough_id is None else people.filter(borough_id=borough_id)


def registering_borough(actor: Any) -> Borough | None:
    """Where ``actor`` adds nominals: their own borough; None lets an administrator choose any. 404 for
    anyone who may not add them (the rule of the 'Add an offender' page)."""
    s = scope_of(actor)
    if not access.may_create_offenders(s):
        raise not_found()
    return None if s.is_admin else Borough.objects.filter(pk=s.borough_id or 0).first()


def new_lead_managers(borough: Borough | None) -> Choosable:
    """A new nominal's lead manager: active people the service accepts as lead today (ViSOR authorised with
    current training, ``services.lead_manager_q``), of ``borough`` when fixed."""
    people = Person.objects.filter(lead_manager_q(timezone.localdate()), active=True).order_by(*_BY_NAME)
    if borough is not None:
        people = people.filter(borough=borough)
    return Choosable(people, NEW_LEAD_MANAGER)


def new_deputy_managers(borough: Borough | None) -> Choosable:
    """A new nominal's deputy manager: active people (of ``borough``, when fixed)."""
    people = Person.objects.filter(active=True).order_by(*_BY_NAME)
    if borough is not None:
        people = people.filter(borough=borough)
    return Choosable(people, NEW_DEPUTY_MANAGER)


def _offender_for_change(actor: Any, key: int | None) -> Offender:
    # The recording pages' rule (selectors.offender_for_change) as a filter. Nothing of the offender is
    # shown, only staff of their borough, so no access record is written for each keystroke.
    found = (
        Offender.objects.filter(access.offender_change_q(scope_of(actor)), pk=key, active=True).first()
        if key is not None
        else None
    )
    if found is None:
        raise not_found()
    return found


@people_source(VISIT_OFFICER)
def _visit_officers(actor: Any, key: int | None) -> QuerySet[Person]:
    return visit_officers(_offender_for_change(actor, key)).people


@people_source(MANAGER)
def _managers(actor: Any, key: int | None) -> QuerySet[Person]:
    return managers(_offender_for_change(actor, key)).people


@people_source(LEAD_MANAGER)
def _lead_managers(actor: Any, key: int | None) -> QuerySet[Person]:
    return lead_managers(_offender_for_change(actor, key)).people


@people_source(NEW_LEAD_MANAGER)
def _new_lead_managers(actor: Any, key: int | None) -> QuerySet[Person]:
    if key is not None:
        raise not_found()
    return new_lead_managers(registering_borough(actor)).people


@people_source(NEW_DEPUTY_MANAGER)
def _new_deputy_managers(actor: Any, key: int | None) -> QuerySet[Person]:
    if key is not None:
        raise not_found()
    return new_deputy_managers(registering_borough(actor)).people
