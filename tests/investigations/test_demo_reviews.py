"""The demo force's investigations read as the rules would have made them: a plan's next review date and
its basis come from the first-review rule or from the last review written, never from 'demo data'."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from custos.core.policy import current_policy
from custos.investigations.demo import seed_part
from custos.investigations.models import InvestigationPlan, LineOfEnquiry, OutcomeDecision, SupervisoryReview
from custos.investigations.rules import first_review_due
from tests.crimes.factories import Unit


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def test_demo_plans_take_their_next_review_from_the_first_review_rule_or_the_last_review(unit: Any) -> None:
    for i in range(40):
        unit.crime(officer=(unit.dc, unit.pc)[i % 2], recorded_days_ago=3 + 7 * i)

    seed_part(scale="demo", seed=3, progress=False, today=date.today())

    policy = current_policy()
    plans = list(InvestigationPlan.objects.select_related("crime"))
    assert len(plans) == 40
    reviewed = 0
    for plan in plans:
        last = SupervisoryReview.objects.filter(crime=plan.crime).first()
        assert "demo data" not in plan.next_review_basis
        if last is None:
            first = first_review_due(plan.allocated_on, policy=policy)
            assert (plan.next_review_due, plan.next_review_basis) == (first.due, first.basis[:300])
        else:
            reviewed += 1
            assert last.reviewer == unit.ds  # the investigators' line supervisor
            assert plan.allocated_on < last.reviewed_on <= date.today()
            assert plan.next_review_due == last.next_review_on
            assert plan.next_review_basis == last.next_review_basis
    assert 0 < reviewed < len(plans)


def test_a_demo_nfa_awaiting_sign_off_has_every_line_resolved_and_a_real_basis(unit: Any) -> None:
    for _ in range(300):
        unit.crime(officer=unit.dc, recorded_days_ago=200)

    seed_part(scale="demo", seed=5, progress=False, today=date.today())

    decisions = list(OutcomeDecision.objects.all())
    assert decisions
    for d in decisions:
        assert not LineOfEnquiry.objects.filter(plan__crime=d.crime, status="").exists()
        assert "demo data" not in d.basis and any("needs a supervisor's sign-off" in b for b in d.basis)
