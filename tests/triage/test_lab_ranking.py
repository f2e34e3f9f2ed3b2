"""Ranking, referral SLAs, the full-examination rule, capacity and grading consensus (pure: no db)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custos.core.policy import current_policy
from custos.triage import capacity
from custos.triage.grading import Vote, consensus, fingerprint
from custos.triage.ranking import RiskFacts, full_examination_required, rank, referral_sla, score

POLICY = current_policy()
TODAY = date(2026, 11, 25)  # a Wednesday
BASE = RiskFacts(
    verdict="no-hits",
    most_severe_category=None,
    suspect_access_to_children=False,
    suspect_is_rso=False,
    contact_offending_indicators=False,
    kirat_level="low",
    referral_grade="low",
    referral_received_on=TODAY,
    submitted_on=TODAY,
)


def _points(facts: RiskFacts) -> float:
    return score(facts, today=TODAY, policy=POLICY).score


@pytest.mark.parametrize(
    ("change", "extra", "key"),
    [
        ({"verdict": "likely-iioc"}, 40, "triage.ranking.verdict.likely-iioc"),
        ({"verdict": "hits"}, 20, "triage.ranking.verdict.hits"),
        ({"verdict": "not-triaged"}, 10, "triage.ranking.verdict.not-triaged"),
        ({"suspect_access_to_children": True}, 25, "triage.ranking.access_to_children"),
        ({"suspect_is_rso": True}, 20, "triage.ranking.rso"),
        ({"contact_offending_indicators": True}, 30, "triage.ranking.contact_offending"),
        ({"kirat_level": "very-high"}, 20, "triage.ranking.kirat.very-high"),
        ({"kirat_level": "unknown"}, 6, "triage.ranking.kirat.unknown"),
        ({"most_severe_category": "A"}, 15, "triage.ranking.most_severe_category.A"),
    ],
)
def test_each_risk_factor_adds_its_policy_weight_and_says_why(change: dict, extra: float, key: str) -> None:
    # A low referral graded today is due in 30 days: no SLA points; no days in the queue.
    base = _points(BASE)
    got = score(replace(BASE, **change), today=TODAY, policy=POLICY)
    assert got.score == pytest.approx(base + extra)
    assert any(key in r.basis for r in got.reasons)
    assert got.policy_version == POLICY.version


@pytest.mark.parametrize(
    ("grade", "days"), [("very-high", 1), ("high", 7), ("medium", 14), ("low", 30), ("unknown", 30)]
)
def test_referral_sla_follows_the_ceop_grade(grade: str, days: int) -> None:
    sla = referral_sla(grade=grade, referral_received_on=TODAY, submitted_on=TODAY, policy=POLICY)
    assert sla.due == TODAY + timedelta(days=days)
    assert "triage.sla_days" in sla.basis


def test_sla_counts_from_the_referral_not_from_submission() -> None:
    sla = referral_sla(
        grade="high", referral_received_on=TODAY - timedelta(days=3), submitted_on=TODAY, policy=POLICY
    )
    assert sla.due == TODAY + timedelta(days=4)


@pytest.mark.parametrize(
    ("received_days_ago", "grade", "reason_key"),
    [(2, "very-high", "sla_breached"), (5, "high", "sla_due_soon"), (0, "high", None)],
)
def test_sla_breached_or_due_soon_raises_priority(
    received_days_ago: int, grade: str, reason_key: str | None
) -> None:
    facts = replace(
        BASE, referral_grade=grade, referral_received_on=TODAY - timedelta(days=received_days_ago)
    )
    keys = [r.basis for r in score(facts, today=TODAY, policy=POLICY).reasons]
    if reason_key is None:
        assert not any("sla_" in k for k in keys)
    else:
        assert any(f"triage.ranking.{reason_key}" in k for k in keys)


def test_age_in_queue_points_are_capped() -> None:
    old = replace(BASE, submitted_on=TODAY - timedelta(days=400), referral_received_on=None)
    s = score(old, today=TODAY, policy=POLICY)
    age = next(r for r in s.reasons if "days in the queue" in r.label)
    assert age.points == POLICY.get("triage.ranking.max_age_points")


def test_ranking_orders_by_score_then_sla_then_age() -> None:
    a = replace(BASE, verdict="likely-iioc")
    b = replace(BASE, suspect_is_rso=True)
    c = replace(BASE, suspect_is_rso=True, referral_grade="high", kirat_level="low")
    order = rank([(1, b), (2, a), (3, c), (4, BASE)], today=TODAY, policy=POLICY)
    assert [d.key for d in order] == [2, 3, 1, 4]
    assert [d.position for d in order] == [1, 2, 3, 4]


def test_equal_scores_put_the_earlier_sla_first() -> None:
    early = replace(BASE, referral_received_on=TODAY - timedelta(days=10))
    order = rank([(1, BASE), (2, early)], today=TODAY, policy=POLICY)
    assert order[0].rank.score == order[1].rank.score
    assert order[0].key == 2


@pytest.mark.parametrize(
    ("change", "required"),
    [
        ({}, False),
        ({"suspect_is_rso": True}, True),
        ({"contact_offending_indicators": True}, True),
        ({"suspect_access_to_children": True}, False),  # not in full_examination_always by default
        ({"verdict": "hits"}, True),
        ({"verdict": "not-triaged"}, True),
    ],
)
def test_policy_decides_which_devices_need_full_examination(change: dict, required: bool) -> None:
    got = full_examination_required(facts=replace(BASE, **change), likely_iioc=False, policy=POLICY)
    assert got.required is required
    assert got.basis == POLICY.basis("triage.full_examination_always")


def test_full_examination_indicators_are_policy() -> None:
    stricter = POLICY.with_overrides({"triage.full_examination_always": ["access-to-children"]})
    facts = replace(BASE, suspect_access_to_children=True)
    assert full_examination_required(facts=facts, likely_iioc=False, policy=stricter).required
    assert not full_examination_required(
        facts=replace(BASE, suspect_is_rso=True), likely_iioc=False, policy=stricter
    ).required


def test_reasons_use_the_words_people_use_not_the_stored_codes() -> None:
    facts = replace(
        BASE,
        verdict="likely-iioc",
        kirat_level="very-high",
        referral_grade="very-high",
        suspect_is_rso=True,
        referral_received_on=date(2026, 11, 1),
        submitted_on=date(2026, 11, 1),
    )
    labels = [r.label for r in score(facts, today=TODAY, policy=POLICY).reasons]
    assert "Triage verdict: likely IIOC" in labels
    assert "KIRAT risk level: very high" in labels
    assert "Referral risk grade: very high" in labels
    breached = score(replace(BASE, referral_received_on=date(2026, 10, 5)), today=TODAY, policy=POLICY)
    assert "Referral SLA passed on 4 Nov 2026" in [r.label for r in breached.reasons]
    need = full_examination_required(facts=facts, likely_iioc=True, policy=POLICY)
    assert need.reasons == (
        "policy requires full examination: the suspect is a registered sex offender",
        "triage found matches (likely IIOC)",
    )


# --- capacity ---------------------------------------------------------------------------------------


def _queue(n: int, grade: str = "low") -> list:
    items = [
        (i, replace(BASE, referral_grade=grade, submitted_on=TODAY - timedelta(days=n - i))) for i in range(n)
    ]
    return rank(items, today=TODAY, policy=POLICY)


def test_one_examiner_at_two_devices_a_week_starts_one_device_every_two_and_a_half_working_days() -> None:
    queue = _queue(4)
    capacity.plan(queue, [capacity.Examiner(key=1, fte=1.0)], today=TODAY, policy=POLICY)
    # 0.4 device starts a working day: Wed 25 (0.4), Thu 26 (0.8), Fri 27 (1.2), Mon 30 (1.6), Tue 1 (2.0)...
    assert [d.expected_start for d in queue] == [
        date(2026, 11, 25),
        date(2026, 11, 27),
        date(2026, 12, 2),
        date(2026, 12, 4),
    ]


def test_more_examiners_mean_earlier_starts_and_no_fixed_cap() -> None:
    one, five = _queue(10), _queue(10)
    capacity.plan(one, [capacity.Examiner(1, 1.0)], today=TODAY, policy=POLICY)
    capacity.plan(five, [capacity.Examiner(i, 1.0) for i in range(5)], today=TODAY, policy=POLICY)
    assert all(f.expected_start <= o.expected_start for f, o in zip(five, one, strict=True))
    assert five[-1].expected_start < one[-1].expected_start


def test_absent_or_unaccredited_examiners_add_no_capacity() -> None:
    queue = _queue(1)
    away = capacity.Examiner(1, 1.0, absences=((TODAY, TODAY + timedelta(days=13)),))
    lapsed = capacity.Examiner(2, 1.0, accredited_until=TODAY - timedelta(days=1))
    capacity.plan(queue, [away, lapsed], today=TODAY, policy=POLICY)
    assert queue[0].expected_start == date(2026, 12, 9)  # the first working day after the absence


def test_a_device_that_starts_after_its_sla_is_flagged() -> None:
    queue = _queue(6, grade="very-high")  # due tomorrow
    plan = capacity.plan(queue, [capacity.Examiner(1, 1.0)], today=TODAY, policy=POLICY)
    assert queue[0].misses_sla is False
    assert queue[-1].misses_sla is True
    assert plan.misses == sum(d.misses_sla for d in queue)


def test_no_examiners_means_no_start_date_and_a_missed_sla() -> None:
    queue = _queue(2)
    plan = capacity.plan(queue, [], today=TODAY, policy=POLICY)
    assert all(d.expected_start is None and d.misses_sla for d in queue)
    assert capacity.NO_CAPACITY in queue[0].notes
    assert plan.devices_per_week_now == 0


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=40),
    examiners=st.integers(min_value=1, max_value=6),
    fte=st.sampled_from([0.5, 0.8, 1.0]),
)
def test_expected_starts_never_go_backwards_down_the_queue(n: int, examiners: int, fte: float) -> None:
    queue = _queue(n)
    capacity.plan(queue, [capacity.Examiner(i, fte) for i in range(examiners)], today=TODAY, policy=POLICY)
    starts = [d.expected_start for d in queue]
    assert all(s is not None for s in starts)
    assert starts == sorted(starts)


# --- grading ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "counts", "category"),
    [
        ([], False, None),
        ([(1, "A"), (2, "A")], False, None),
        ([(1, "A"), (2, "A"), (3, "A")], True, "A"),
        ([(1, "A"), (1, "A"), (1, "A")], False, None),  # one examiner three times is one vote
        ([(1, "A"), (2, "B"), (3, "A")], False, None),  # disagreement waits for more gradings
        ([(1, "A"), (2, "B"), (3, "A"), (4, "A")], True, "A"),
        ([(1, "non-indecent"), (2, "non-indecent"), (3, "non-indecent")], True, "non-indecent"),
    ],
)
def test_a_hash_counts_once_enough_different_examiners_agree(
    votes: list, counts: bool, category: str | None
) -> None:
    got = consensus([Vote(e, c) for e, c in votes], policy=POLICY)
    assert got.counts is counts
    assert got.category == category
    assert got.needed == POLICY.get("triage.gradings_required")
    assert got.basis == POLICY.basis("triage.gradings_required")


def test_the_number_of_gradings_required_is_policy() -> None:
    one = POLICY.with_overrides({"triage.gradings_required": 1})
    assert consensus([Vote(1, "C")], policy=one).counts


def test_fingerprints_ignore_case_and_distinguish_items() -> None:
    assert fingerprint("AB" * 16, None, None) == fingerprint("ab" * 16, None, None)
    assert fingerprint("ab" * 16, None, None) != fingerprint(None, "ab" * 16 + "abcdefgh", None)
    assert len(fingerprint(None, None, "0" * 64)) == 16
