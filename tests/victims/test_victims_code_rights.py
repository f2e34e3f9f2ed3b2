from __future__ import annotations

from datetime import date

import pytest

from custos.core.policy import Policy
from custos.victims.rules import obligation_due, victims_code_rights

TITLES = [
    "To be able to understand and to be understood",
    "To have the details of the crime recorded without unjustified delay",
    "To be provided with information when reporting the crime",
    "To be referred to services that support victims and have services and support tailored to your needs",
    "To be provided with information about compensation",
    "To be provided with information about the investigation and prosecution",
    "To make a Victim Personal Statement",
    "To be given information about the trial, trial process and your role as a witness",
    "To be given information about the outcome of the case and any appeals",
    "To be paid expenses and have property returned",
    "To be given information about the offender following a conviction",
    "To make a complaint about your Rights not being met",
]


def test_the_12_rights_have_their_exact_short_titles() -> None:
    assert [r.title for r in victims_code_rights()] == TITLES
    assert [r.number for r in victims_code_rights()] == list(range(1, 13))


def test_every_right_has_at_least_one_obligation_and_keys_are_unique() -> None:
    keys = [o.key for r in victims_code_rights() for o in r.obligations]
    assert all(r.obligations for r in victims_code_rights())
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("key", "trigger", "enhanced", "due"),
    [
        ("support-referral", date(2025, 12, 23), False, date(2025, 12, 29)),
        ("event-update", date(2025, 12, 19), True, date(2025, 12, 22)),
        ("event-update", date(2025, 12, 19), False, date(2025, 12, 30)),
        ("decision-explained", date(2025, 12, 19), True, date(2025, 12, 22)),
        ("needs-assessment", date(2025, 12, 23), False, date(2025, 12, 23)),
        ("regular-update", date(2026, 1, 5), False, date(2026, 2, 2)),
        ("written-acknowledgement", date(2026, 1, 5), False, None),
    ],
)
def test_obligations_fall_due_by_their_rule(
    policy: Policy, key: str, trigger: date, enhanced: bool, due: date | None
) -> None:
    result = obligation_due(key, trigger, enhanced=enhanced, policy=policy)
    assert result.due == due
    assert "Right" in result.basis


def test_an_agreed_frequency_replaces_the_default(policy: Policy) -> None:
    result = obligation_due(
        "regular-update", date(2026, 1, 5), enhanced=False, agreed_frequency_days=14, policy=policy
    )
    assert result.due == date(2026, 1, 19)


def test_the_written_acknowledgement_is_sent_safely_in_domestic_abuse_cases() -> None:
    right_3 = victims_code_rights()[2]
    assert any("safe route in domestic-abuse cases" in o.title for o in right_3.obligations)
