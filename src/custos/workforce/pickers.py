"""Who may be chosen in the workforce forms: for the forms, and for their suggestions (see picker.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from custos.core.access import not_found
from custos.workforce import selectors
from custos.workforce.models import Person, Team
from custos.workforce.picker import Choosable, people_source

LINE_SUPERVISOR = "workforce.line-supervisor"
TEAM_SUPERVISOR = "workforce.team-supervisor"
NOT_LINE_SUPERVISORS = ("constable", "pcso", "staff-band-e")
NOT_TEAM_SUPERVISORS = ("constable", "detective-constable", "pcso")


def line_supervisors(person: Person | None) -> Choosable:
    """Active people above constable; in the person's own borough once the record exists."""
    people = Person.objects.filter(active=True).exclude(rank__in=NOT_LINE_SUPERVISORS)
    if person is None or person.pk is None:
        return Choosable(people, LINE_SUPERVISOR)
    return Choosable(people.filter(borough_id=person.borough_id), LINE_SUPERVISOR, person.pk)


def team_supervisors(team: Team | None) -> Choosable:
    """Active people above constable; in the team's own borough once the team exists."""
    people = Person.objects.filter(active=True).exclude(rank__in=NOT_TEAM_SUPERVISORS)
    if team is None or team.pk is None:
        return Choosable(people, TEAM_SUPERVISOR)
    return Choosable(people.filter(borough_id=team.borough_id), TEAM_SUPERVISOR, team.pk)


@people_source(LINE_SUPERVISOR)
def _line_supervisors(actor: Any, key: int | None) -> QuerySet[Person]:
    # The pages: adding a person (administrators), or changing one (whoever may change that record).
    if key is None:
        if not actor.has_perm("workforce.add_person"):
            raise not_found()
        return line_supervisors(None).people
    return line_supervisors(selectors.person_for_change(actor=actor, pk=key)).people


@people_source(TEAM_SUPERVISOR)
def _team_supervisors(actor: Any, key: int | None) -> QuerySet[Person]:
    if not actor.has_perm("workforce.manage_teams"):
        raise not_found()
    team = None if key is None else Team.objects.filter(pk=key).first()
    if key is not None and team is None:
        raise not_found()
    return team_supervisors(team).people
