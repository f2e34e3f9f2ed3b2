"""s.84 change notifications end to end: UI writes, the sweep, the record page, the worklist and the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from custos.core.policy import current_policy
from custos.core.sweep import run_all
from custos.offenders import ladder, rules, services
from custos.offenders.models import Address, BreachCase, Offender, OffenderTask
from custos.offenders.register_facts import load_facts
from tests.offenders.factories import add_visit, make_offender

STATION = "Charing Cross"


def _compliant_offender(force: Any, today: date) -> Any:
    """Visited recently and notified initially, so nothing but s.84 can escalate him."""
    o = make_offender(
        force,
        rosh_level="low",
        managed_since=today - timedelta(days=60),
        first_notification_on=today - timedelta(days=60),
    )
    add_visit(o, today - timedelta(days=10), "seen-and-entered")
    services.notification_record(
        actor=force.user("offender-manager"),
        offender=o,
        kind="initial",
        on=today - timedelta(days=60),
        station=STATION,
    )
    return o


def _add_home(client: Any, o: Any, on: date) -> None:
    response = client.post(
        f"/offenders/{o.pk}/details/",
        {"section": "address", "address_kind": "home", "line1": "9 New Road", "postcode": "n1 1aa",
         "from_date": on.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302


def _sweep(day: date) -> dict[str, int]:
    return {r.name: r for r in run_all(day)}["offenders"].created


def test_a_new_home_address_not_notified_opens_a_breach_consideration_once_the_deadline_passes(
    force: Any, client_for: Any
) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    _add_home(client_for(force.user("offender-manager")), o, today - timedelta(days=1))
    assert not BreachCase.objects.filter(offender=o).exists()
    task = OffenderTask.objects.get(offender=o, kind="notification-due", status="open")
    assert task.due == today + timedelta(days=1) and "s.84(1)(b)" in task.basis
    assert Offender.objects.get(pk=o.pk).next_notification_due == today + timedelta(days=1)

    assert _sweep(today + timedelta(days=1)).get("breach-case", 0) == 0  # the last day is still in time
    assert _sweep(today + timedelta(days=2))["breach-case"] == 1
    case = BreachCase.objects.get(offender=o, status="open")
    assert "missed change notification due" in case.reason
    assert _sweep(today + timedelta(days=2))["breach-case"] == 0  # idempotent
    assert BreachCase.objects.filter(offender=o).count() == 1


def test_a_new_home_address_notified_in_time_opens_nothing(force: Any, client_for: Any) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    client = client_for(force.user("offender-manager"))
    _add_home(client, o, today - timedelta(days=1))
    response = client.post(
        f"/offenders/{o.pk}/notifications/new/",
        {"kind": "change", "on": today.isoformat(), "station": STATION, "in_person": "on"},
    )
    assert response.status_code == 302
    assert _sweep(today + timedelta(days=5)).get("breach-case", 0) == 0
    assert not BreachCase.objects.filter(offender=o).exists()
    # The s.84 notification also restarts the s.85 annual clock (s.85(1)).
    initial = rules.NotificationEvent(rules.NotificationKind.INITIAL, today - timedelta(days=60))
    change = rules.NotificationEvent(rules.NotificationKind.CHANGE, today)
    policy = current_policy()
    after = rules.annual_notification([initial, change], policy=policy).due
    assert after != rules.annual_notification([initial], policy=policy).due
    assert Offender.objects.get(pk=o.pk).next_notification_due == after
    assert not OffenderTask.objects.filter(offender=o, kind="notification-due", status="open").exists()


def test_short_stays_reaching_the_qualifying_period_must_be_notified(force: Any, client_for: Any) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    client = client_for(force.user("offender-manager"))
    for first, last in ((40, 37), (20, 18)):  # 4 days, then 3 days: 7 days within 12 months
        response = client.post(
            f"/offenders/{o.pk}/details/",
            {"section": "address", "address_kind": "short-stay", "line1": "3 B&B Parade",
             "postcode": "E1 1AA", "from_date": (today - timedelta(days=first)).isoformat(),
             "to_date": (today - timedelta(days=last)).isoformat()},
        )  # fmt: skip
        assert response.status_code == 302
    case = BreachCase.objects.get(offender=o, status="open")  # completed 18 days ago: already missed
    assert "missed change notification due" in case.reason
    completed = today - timedelta(days=18)
    assert str(completed + timedelta(days=2)) in case.reason


def test_a_change_notification_given_in_advance_for_the_expected_date_covers_the_move(force: Any) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    user = force.user("offender-manager")
    # Entered afterwards as it happened: the move (written directly, so no ladder run sees it alone),
    # then the advance notice given 20 days ago for a move expected 10 days ago.
    Address.objects.create(offender=o, kind="home", line1="9 New Road", from_date=today - timedelta(days=11))
    services.notification_record(
        actor=user,
        offender=o,
        kind="change",
        on=today - timedelta(days=20),
        station=STATION,
        expected_on=today - timedelta(days=10),
    )
    assert not BreachCase.objects.filter(offender=o).exists()
    services.alias_add(  # a name first used long after that notice: not covered by it
        actor=user, offender=o, first_name="Jack", last_name="Smithers", used_from=today - timedelta(days=5)
    )
    assert "missed change notification" in BreachCase.objects.get(offender=o).reason


def test_the_record_page_and_the_api_show_a_missed_change_with_its_basis(force: Any, client_for: Any) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    services.detail_add(
        actor=force.user("offender-manager"),
        offender=o,
        kind="bank",
        value="12-34-56 12345678",
        from_date=today - timedelta(days=10),
    )
    client = client_for(force.user("offender-manager"))
    page = client.get(f"/offenders/{o.pk}/").content.decode()
    assert "s.84 change notification: bank or building-society account" in page
    assert "MISSED" in page and "s.84(1)(ca)" in page and "s.91(1)(a)" in page
    body = client.get(f"/api/v1/offenders/nominals/{o.pk}").json()
    (change,) = body["change_notifications"]
    assert change["status"] == "missed" and change["change"] == "prescribed"
    assert change["due"] == (today - timedelta(days=8)).isoformat()
    assert change["days_overdue"] == 8
    assert change["policy_version"]
    assert "offenders.notification.prescribed_change_kinds" in change["basis"]
    assert any(c["label"].startswith("s.84 change notification") for c in body["computed"])


def test_an_outstanding_change_is_on_the_managers_worklist_as_a_notification_due(
    force: Any, client_for: Any
) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    services.alias_add(
        actor=force.user("offender-manager"), offender=o, first_name="Jack", last_name="Smithers",
        used_from=today,
    )  # fmt: skip
    page = client_for(force.user("offender-manager")).get("/offenders/").content.decode()
    assert o.reference in page
    assert str(today + timedelta(days=2)) in page
    assert "s.84 change notification due" in page


def test_the_sweep_computes_the_same_s84_duties_as_each_write(force: Any) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    services.address_add(
        actor=force.user("offender-manager"), offender=o, kind="home", line1="1 Old Road",
        from_date=today - timedelta(days=30),
    )  # fmt: skip
    assert BreachCase.objects.filter(offender=o).count() == 1  # opened by the write itself
    (facts,) = load_facts([o.pk])
    evaluation = ladder.evaluate(facts, today=today, policy=current_policy())
    assert [c.status.value for c in evaluation.changes] == ["missed"]
    assert _sweep(today).get("breach-case", 0) == 0


def test_an_advance_notice_whose_move_never_happened_and_was_not_reported_opens_a_breach(
    force: Any,
) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    services.notification_record(
        actor=force.user("offender-manager"),
        offender=o,
        kind="change",
        on=today - timedelta(days=20),
        station=STATION,
        expected_on=today - timedelta(days=10),
    )
    case = BreachCase.objects.get(offender=o, status="open")
    assert "missed non-occurrence notification" in case.reason


def test_notification_kinds_are_named_in_words_with_their_section(force: Any, client_for: Any) -> None:
    today = timezone.localdate()
    o = _compliant_offender(force, today)
    client = client_for(force.user("offender-manager"))
    form = client.get(f"/offenders/{o.pk}/notifications/new/").content.decode()
    assert "Bank, card or passport details only (2012 Regulations)" in form and "Info 2012" not in form
    record = client.get(f"/offenders/{o.pk}/").content.decode()
    assert "Initial (s.83) at" in record
