"""Teams: administrators create and change them; supervisors must be senior enough and local."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.core.models import AuditEvent
from custos.workforce import services
from custos.workforce.models import Team


def test_an_administrator_creates_a_team_through_the_page(force: Any, client_for: Any) -> None:
    c = client_for(force.user("administrator"))
    ds = force.people["investigation-supervisor@A"]
    response = c.post(
        "/workforce/teams/new/",
        {"borough": force.boroughs["A"].pk, "name": "CID 9", "team_type": "cid", "supervisor": ds.pk},
    )
    team = Team.objects.get(name="CID 9")
    assert response["Location"] == f"/workforce/teams/{team.pk}/"
    assert team.supervisor == ds
    assert AuditEvent.objects.filter(action="custos.team.created", object_id=str(team.pk)).exists()


@pytest.mark.parametrize(
    ("supervisor_key", "message"),
    [
        ("investigator@A", services.TEAM_SUPERVISOR_RANK),
        ("investigation-supervisor@B", services.TEAM_SUPERVISOR_OTHER_BOROUGH),
    ],
)
def test_a_team_supervisor_must_be_senior_and_local(force: Any, supervisor_key: str, message: str) -> None:
    team = Team(borough=force.boroughs["A"])
    with pytest.raises(ValidationError) as exc:
        services.team_save(
            actor=force.user("administrator"),
            team=team,
            data={"name": "New", "team_type": "cid", "supervisor": force.people[supervisor_key]},
        )
    assert message in exc.value.message_dict["supervisor"]
    assert not Team.objects.filter(name="New").exists()


def test_duplicate_team_names_in_a_borough_are_refused(force: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.team_save(
            actor=force.user("administrator"),
            team=Team(borough=force.boroughs["A"]),
            data={"name": "cid A", "team_type": "cid", "supervisor": None},
        )
    assert services.TEAM_NAME_TAKEN in exc.value.message_dict["name"]


def test_only_administrators_change_teams(force: Any) -> None:
    team = force.teams["cid@A"]
    with pytest.raises(PermissionError):
        services.team_save(actor=force.user("detective-inspector"), team=team, data={"name": "Renamed"})
