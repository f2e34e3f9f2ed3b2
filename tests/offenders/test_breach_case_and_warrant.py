"""Breach cases and s.96B warrants: decisions must be real decisions, and records follow their order."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.offenders import ladder, services
from custos.offenders.models import BreachCase, OffenderTask
from tests.offenders.factories import add_visit, make_offender


def _breach_case(force: Any) -> BreachCase:
    o = make_offender(force)
    add_visit(o, date(2024, 1, 10), "seen-and-entered")
    ladder.run(today=date(2024, 7, 11))
    return BreachCase.objects.get(offender=o, status="open")


@pytest.mark.parametrize(
    ("mapp_meeting", "enforcement"), [("", ""), ("yes", ""), ("", "arrest"), ("maybe", "arrest")]
)
def test_the_di_decisions_on_a_breach_case_cannot_be_left_blank(
    force: Any, mapp_meeting: str, enforcement: str
) -> None:
    case = _breach_case(force)
    with pytest.raises(ValidationError) as exc:
        services.breach_decide(
            actor=force.user("detective-inspector"),
            case=case,
            mapp_meeting=mapp_meeting,
            enforcement=enforcement,
            rationale="whereabouts unknown",
        )
    assert exc.value.messages == [services.BREACH_DECISIONS_REQUIRED]
    case.refresh_from_db()
    assert (case.mapp_meeting_decision, case.enforcement_decision, case.enforcement_rationale) == ("", "", "")


def test_the_breach_page_says_what_is_missing_when_the_di_saves_no_decision(
    force: Any, client_for: Any
) -> None:
    case = _breach_case(force)
    client = client_for(force.user("detective-inspector"))
    page = client.post(
        f"/offenders/breach/{case.pk}/",
        {"action": "decide", "mapp_meeting": "", "enforcement": "", "note": "x"},
    ).content.decode()
    assert "Breach case updated" not in page
    assert "Record both DI decisions" in page


def test_closing_a_breach_case_closes_its_ladder_task_with_the_resolution(force: Any) -> None:
    case = _breach_case(force)
    om, di = force.user("offender-manager"), force.user("detective-inspector")
    services.breach_record_systems(actor=om, case=case, pnc=True, visor=True)
    services.breach_decide(
        actor=di, case=case, mapp_meeting="yes", enforcement="arrest", rationale="not seen for 6 months"
    )
    services.breach_close(actor=om, case=case, resolution="arrested and interviewed; seen at home")
    assert case.task_id is not None
    task = OffenderTask.objects.get(pk=case.task_id)
    assert task.status == "closed"
    assert (task.decision, task.rationale) == ("Breach case closed", "arrested and interviewed; seen at home")


def _warrant(force: Any) -> Any:
    o = make_offender(force)
    return services.s96b_apply(
        actor=force.user("offender-manager"), offender=o, address="1 High St", applied_on=date(2024, 3, 1)
    )


def test_a_warrant_not_granted_cannot_be_executed(force: Any) -> None:
    w = _warrant(force)
    user = force.user("offender-manager")
    with pytest.raises(ValidationError) as exc:
        services.s96b_execute(actor=user, warrant=w, on=date(2024, 3, 5), outcome="entered")
    assert exc.value.message_dict["on"] == [services.WARRANT_NOT_GRANTED]
    services.s96b_decide(actor=user, warrant=w, granted=False, on=date(2024, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.s96b_execute(actor=user, warrant=w, on=date(2024, 3, 5), outcome="entered")
    assert exc.value.message_dict["on"] == [services.WARRANT_NOT_GRANTED]


def test_the_justices_decision_is_recorded_once_and_not_before_the_application(force: Any) -> None:
    w = _warrant(force)
    user = force.user("offender-manager")
    with pytest.raises(ValidationError) as exc:
        services.s96b_decide(actor=user, warrant=w, granted=True, on=date(2024, 2, 28))
    assert "before the application (2024-03-01)" in exc.value.message_dict["on"][0]
    services.s96b_decide(actor=user, warrant=w, granted=False, on=date(2024, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.s96b_decide(actor=user, warrant=w, granted=True, on=date(2024, 3, 3))
    assert "already recorded (refused on 2024-03-02)" in exc.value.message_dict["on"][0]
    w.refresh_from_db()
    assert (w.granted_on, w.execute_by) == (None, None)


def test_a_warrant_is_executed_after_its_grant_and_within_three_months(force: Any) -> None:
    w = _warrant(force)
    user = force.user("offender-manager")
    services.s96b_decide(actor=user, warrant=w, granted=True, on=date(2024, 3, 2), court="Highbury Corner")
    with pytest.raises(ValidationError) as exc:
        services.s96b_execute(actor=user, warrant=w, on=date(2024, 3, 1), outcome="entered")
    assert "before the grant (2024-03-02)" in exc.value.message_dict["on"][0]
    services.s96b_execute(actor=user, warrant=w, on=date(2024, 6, 2), outcome="entered; no concerns")
    assert w.executed_on == date(2024, 6, 2)
