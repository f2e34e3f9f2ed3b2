"""``custos calc`` calculators for registered-offender management (issue 3 interface contract).

Each ``run`` returns a JSON-ready dict carrying the ``basis`` of the answer (and ``policy_version`` where
policy was used). User mistakes raise :class:`UserError` with a clear message.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from custos.core.calc import Calculator, UserError, iso_date
from custos.core.policy import Policy, current_policy

from .rules import (
    AwayKind,
    AwayPeriod,
    Change,
    Conviction,
    Deadline,
    Disposal,
    ManagementMode,
    NotificationEvent,
    NotificationKind,
    OutOfScope,
    RiskLevel,
    RM2000Result,
    Stay,
    VisitAttempt,
    VisitOutcome,
    advance_notice,
    aggregate_term_months,
    annual_notification,
    change_notification,
    evaluate_ladder,
    foreign_travel,
    further_qualifying_date,
    initial_notification,
    notification_period,
    qualifying_period,
    review_qualifying_date,
    rm2000_c,
    rm2000_s,
    rm2000_v,
    s96b_check,
    visit_due,
)

BAD_AWAY = "{value!r} is not an away period: use KIND:START[:END] with KIND custody, hospital or abroad"
BAD_STAY = "{value!r} is not a stay: use FIRST:LAST dates, e.g. 2024-01-01:2024-01-03"
BAD_DATETIME = "{value!r} is not a date and time in the form YYYY-MM-DDTHH:MM"
BAD_MONTHS = "{value!r} is not a number of months"
NEEDS_SCALE_INPUT = "RM2000/{scale} needs {options}"
FURTHER_TERM_NEEDS_MONTHS = "--further-term and --overlap need the first term in --months"
TOO_MANY_OVERLAPS = "give at most one --overlap per --further-term"
CHANGE_NEEDS = "give --change with --event-date, or --expected (advance notice), or one or more --stay"


def _policy() -> Policy:
    return current_policy()


def _iso(d: date | datetime | None) -> str | None:
    return d.isoformat() if d is not None else None


def _deadline(d: Deadline | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "kind": d.kind.value,
        "due": _iso(d.due),
        "due_at": _iso(d.due_at),
        "alert_from": _iso(d.alert_from),
        "note": d.note,
        "basis": d.basis,
        "policy_version": d.policy_version,
    }


def _guard(
    run: Callable[[argparse.Namespace], dict[str, Any]],
) -> Callable[[argparse.Namespace], dict[str, Any]]:
    """Turn rule refusals (bad combinations, out-of-scope tools) into user errors."""

    def wrapped(args: argparse.Namespace) -> dict[str, Any]:
        try:
            return run(args)
        except (ValueError, OutOfScope) as exc:
            raise UserError(str(exc)) from exc

    wrapped.__doc__ = run.__doc__
    return wrapped


def away_period(value: str) -> AwayPeriod:
    """argparse type for KIND:START[:END]."""
    parts = value.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        kind = AwayKind(parts[0])
        start = date.fromisoformat(parts[1])
        end = date.fromisoformat(parts[2]) if len(parts) == 3 and parts[2] else None
    except ValueError:
        raise argparse.ArgumentTypeError(BAD_AWAY.format(value=value)) from None
    return AwayPeriod(kind, start, end)


def stay(value: str) -> Stay:
    try:
        first, last = value.split(":")
        return Stay(date.fromisoformat(first), date.fromisoformat(last))
    except ValueError:
        raise argparse.ArgumentTypeError(BAD_STAY.format(value=value)) from None


def iso_datetime(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(BAD_DATETIME.format(value=value)) from None


def months(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(BAD_MONTHS.format(value=value)) from None


def _add_away(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--away",
        type=away_period,
        action="append",
        default=[],
        metavar="KIND:START[:END]",
        help="time in custody, hospital or abroad (END = day of release or return; omit if still away)",
    )


# --- notification-period -------------------------------------------------------------------------------


def _configure_period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--conviction-date", type=iso_date, required=True, help="the relevant date (s.82(6))")
    p.add_argument("--date-of-birth", type=iso_date, required=True)
    p.add_argument("--disposal", choices=[d.value for d in Disposal], required=True)
    p.add_argument("--months", type=months, help="term of imprisonment in months (aggregate, s.82(3)-(4))")
    p.add_argument("--discharge-months", type=int, help="period of the conditional discharge in months")
    p.add_argument(
        "--further-term",
        type=months,
        action="append",
        default=[],
        metavar="N",
        help="another Schedule 3 term in months served consecutively or partly concurrently (s.82(3)-(4))",
    )
    p.add_argument(
        "--overlap",
        type=months,
        action="append",
        default=[],
        metavar="N",
        help="months each further term overlaps the one before (partly concurrent: X + Y - Z); default 0",
    )


@_guard
def run_period(args: argparse.Namespace) -> dict[str, Any]:
    policy = _policy()
    term = args.months
    if args.further_term or args.overlap:
        if term is None:
            raise UserError(FURTHER_TERM_NEEDS_MONTHS)
        if len(args.overlap) > len(args.further_term):
            raise UserError(TOO_MANY_OVERLAPS)
        term = aggregate_term_months([term, *args.further_term], args.overlap)
    period = notification_period(
        Conviction(args.conviction_date, Disposal(args.disposal), term, args.discharge_months),
        date_of_birth=args.date_of_birth,
        policy=policy,
    )
    return {
        "relevant_date": period.relevant_date.isoformat(),
        "term_months": (int(term) if term == int(term) else float(term)) if term is not None else None,
        "under_18": period.under_18,
        "indefinite": period.indefinite,
        "years": period.years_number,
        "last_day": _iso(period.last_day),
        "free_from": _iso(period.free_from),
        "basis": period.basis,
        "policy_version": period.policy_version,
    }


# --- rm2000 --------------------------------------------------------------------------------------------


def _configure_rm2000(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", choices=["s", "v", "c"], required=True)
    p.add_argument("--age", type=int, required=True, help="age at commencement of risk")
    p.add_argument("--sexual-appearances", type=int, help="/s: sentencing occasions for sexual offences")
    p.add_argument("--criminal-appearances", type=int, help="/s: all sentencing occasions")
    p.add_argument("--male-victim", action="store_true")
    p.add_argument("--stranger-victim", action="store_true")
    p.add_argument("--non-contact", action="store_true")
    p.add_argument("--single", action="store_true", help="never in a 2-year marriage-type relationship")
    p.add_argument("--violent-appearances", type=int, help="/v: sentencing occasions for violence")
    p.add_argument("--burglary", action="store_true", help="/v: any conviction for burglary")
    p.add_argument("--sex", choices=["male", "female"], default="male", help="the tool applies to males only")
    p.add_argument(
        "--no-offence-after-16",
        action="store_true",
        help="no sexual offence committed after age 16 (the tool then does not apply)",
    )


def _rm_s(args: argparse.Namespace, policy: Policy) -> RM2000Result:
    if args.sexual_appearances is None or args.criminal_appearances is None:
        raise UserError(
            NEEDS_SCALE_INPUT.format(scale="S", options="--sexual-appearances and --criminal-appearances")
        )
    return rm2000_s(
        age=args.age,
        sexual_appearances=args.sexual_appearances,
        criminal_appearances=args.criminal_appearances,
        male_victim=args.male_victim,
        stranger_victim=args.stranger_victim,
        non_contact=args.non_contact,
        single=args.single,
        male=args.sex == "male",
        offence_after_16=not args.no_offence_after_16,
        policy=policy,
    )


def _rm_v(args: argparse.Namespace, policy: Policy) -> RM2000Result:
    if args.violent_appearances is None:
        raise UserError(NEEDS_SCALE_INPUT.format(scale="V", options="--violent-appearances"))
    return rm2000_v(
        age=args.age,
        violent_appearances=args.violent_appearances,
        burglary=args.burglary,
        male=args.sex == "male",
        policy=policy,
    )


@_guard
def run_rm2000(args: argparse.Namespace) -> dict[str, Any]:
    policy = _policy()
    extra: dict[str, Any] = {}
    if args.scale == "s":
        result = _rm_s(args, policy)
    elif args.scale == "v":
        result = _rm_v(args, policy)
    else:
        s, v = _rm_s(args, policy), _rm_v(args, policy)
        result = rm2000_c(s, v, policy=policy)
        extra = {"s_category": s.category.value, "v_category": v.category.value}
    return {
        "scale": result.scale,
        "step1_points": result.step1_points,
        "step1_category": result.step1_category.value,
        "aggravating_factors": len(result.aggravating_factors),
        "aggravating_factor_names": list(result.aggravating_factors),
        "category": result.category.value,
        **extra,
        "basis": result.basis,
        "policy_version": result.policy_version,
    }


# --- visits --------------------------------------------------------------------------------------------


def _configure_visit_due(p: argparse.ArgumentParser) -> None:
    p.add_argument("--risk", choices=[r.value for r in RiskLevel], required=True, help="RoSH managing level")
    p.add_argument("--last-successful", type=iso_date, required=True, help="last visit seen and entered")
    p.add_argument("--mode", choices=[m.value for m in ManagementMode], default=ManagementMode.ACTIVE.value)


@_guard
def run_visit_due(args: argparse.Namespace) -> dict[str, Any]:
    result = visit_due(
        args.risk, last_successful=args.last_successful, mode=ManagementMode(args.mode), policy=_policy()
    )
    return {
        "due": _iso(result.due),
        "interval": result.interval,
        "basis": result.basis,
        "policy_version": result.policy_version,
    }


def _configure_ladder(p: argparse.ArgumentParser) -> None:
    _configure_visit_due(p)
    p.add_argument("--today", type=iso_date, default=date.today())
    p.add_argument(
        "--failed-attempt", type=iso_date, action="append", default=[], help="no answer or refused"
    )
    p.add_argument("--whereabouts-unverified", action="store_true")
    _add_away(p)


def _attempts(days: list[date]) -> list[VisitAttempt]:
    return [VisitAttempt(datetime.combine(d, datetime.min.time()), VisitOutcome.NO_ANSWER) for d in days]


@_guard
def run_ladder(args: argparse.Namespace) -> dict[str, Any]:
    result = evaluate_ladder(
        today=args.today,
        level=args.risk,
        mode=ManagementMode(args.mode),
        last_successful=args.last_successful,
        attempts=_attempts(args.failed_attempt),
        away=args.away,
        whereabouts_verified=not args.whereabouts_unverified,
        policy=_policy(),
    )
    return {
        "due": _iso(result.due),
        "steps": [
            {
                "step": s.step.value,
                "since": s.since.isoformat(),
                "owners": list(s.owners),
                "reason": s.reason,
                "basis": s.basis,
                "actions": [{"action": a.action, "owner": a.owner, "due": _iso(a.due)} for a in s.actions],
            }
            for s in result.steps
        ],
        "basis": result.basis,
        "policy_version": result.policy_version,
    }


def _configure_s96b(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--failed-attempt", type=iso_date, action="append", default=[], help="no answer or refused"
    )
    p.add_argument("--last-successful", type=iso_date, help="last visit seen and entered")
    p.add_argument("--as-of", type=iso_date, default=date.today())
    p.add_argument("--address-not-notified", action="store_true", help="no grounds for s.96B(3)")
    _add_away(p)


@_guard
def run_s96b(args: argparse.Namespace) -> dict[str, Any]:
    check = s96b_check(
        today=args.as_of,
        attempts=_attempts(args.failed_attempt),
        last_successful=args.last_successful,
        away=args.away,
        address_notified_or_believed=not args.address_not_notified,
        policy=_policy(),
    )
    return {
        "may_apply": check.consider,
        "failed_attempts": [d.isoformat() for d in check.failed_attempts],
        "conditions": [
            {"condition": c.code, "met": c.met, "explanation": c.explanation, "basis": c.basis}
            for c in check.conditions
        ],
        "basis": check.basis,
        "policy_version": check.policy_version,
    }


# --- review --------------------------------------------------------------------------------------------


def yes_no(value: str) -> bool:
    if value.lower() in ("yes", "y", "true"):
        return True
    if value.lower() in ("no", "n", "false"):
        return False
    raise argparse.ArgumentTypeError(f"{value!r}: answer yes or no")


def _configure_review(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--first-notification", type=iso_date, required=True, help="first notification after release"
    )
    p.add_argument("--under-18", type=yes_no, required=True, metavar="{yes,no}", help="on the relevant date")
    p.add_argument(
        "--determined-on", type=iso_date, help="date of a determination to continue the requirements"
    )


@_guard
def run_review(args: argparse.Namespace) -> dict[str, Any]:
    q = review_qualifying_date(args.first_notification, under_18=args.under_18)
    out: dict[str, Any] = {"qualifying_date": q.qualifying_date.isoformat(), "basis": q.basis}
    if args.determined_on is not None:
        f = further_qualifying_date(args.determined_on)
        out["further_qualifying_date"] = f.qualifying_date.isoformat()
        out["further_basis"] = f.basis
    return out


# --- notifications -------------------------------------------------------------------------------------


def _configure_initial(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--relevant-date", type=iso_date, required=True, help="conviction, finding or caution date"
    )
    p.add_argument("--already-notified", action="store_true", help="already subject and notified (s.83(2))")
    _add_away(p)


@_guard
def run_initial(args: argparse.Namespace) -> dict[str, Any]:
    r = initial_notification(
        args.relevant_date, away=args.away, already_subject_and_notified=args.already_notified
    )
    return {
        "required": r.required,
        "due": _iso(r.deadline.due) if r.deadline else None,
        "note": r.deadline.note if r.deadline else "",
        "basis": r.basis,
    }


def _configure_annual(p: argparse.ArgumentParser) -> None:
    p.add_argument("--last-notification", type=iso_date, required=True)
    p.add_argument(
        "--kind",
        choices=[
            NotificationKind.INITIAL.value,
            NotificationKind.CHANGE.value,
            NotificationKind.ANNUAL.value,
        ],
        default=NotificationKind.ANNUAL.value,
        help="the s.83(1), s.84(1) or s.85(1) notification the year runs from",
    )
    _add_away(p)


@_guard
def run_annual(args: argparse.Namespace) -> dict[str, Any]:
    d = annual_notification(
        [NotificationEvent(NotificationKind(args.kind), args.last_notification)],
        away=args.away,
        policy=_policy(),
    )
    out = _deadline(d)
    assert out is not None
    return out


def _configure_change(p: argparse.ArgumentParser) -> None:
    p.add_argument("--change", choices=[c.value for c in Change])
    p.add_argument("--event-date", type=iso_date)
    p.add_argument("--expected", type=iso_date, help="date given in an advance notification (s.84(2))")
    p.add_argument("--happened-on", type=iso_date, help="with --expected: when the event actually happened")
    p.add_argument(
        "--as-of", type=iso_date, default=date.today(), help="with --expected: the date of the check"
    )
    p.add_argument(
        "--stay", type=stay, action="append", default=[], help="FIRST:LAST days at an unnotified address"
    )
    _add_away(p)


@_guard
def run_change(args: argparse.Namespace) -> dict[str, Any]:
    if args.expected is not None:
        a = advance_notice(args.expected, happened_on=args.happened_on, as_of=args.as_of, away=args.away)
        return {
            "covered": a.covered,
            "obligations": [_deadline(d) for d in a.obligations],
            "basis": a.basis,
        }
    if args.stay:
        q = qualifying_period(args.stay, away=args.away)
        return {
            "completed_on": _iso(q.completed_on),
            "days_in_window": q.days_in_window,
            "due": _iso(q.deadline.due) if q.deadline else None,
            "basis": q.basis,
        }
    if args.change is None or args.event_date is None:
        raise UserError(CHANGE_NEEDS)
    out = _deadline(change_notification(Change(args.change), args.event_date, away=args.away))
    assert out is not None
    return out


def _configure_travel(p: argparse.ArgumentParser) -> None:
    p.add_argument("--departure", type=iso_datetime, required=True, help="YYYY-MM-DDTHH:MM")
    p.add_argument("--details-known-at", type=iso_datetime, help="when the travel details became known")
    p.add_argument("--changed-at", type=iso_datetime, help="when notified details changed")
    p.add_argument("--return-on", type=iso_date)
    p.add_argument(
        "--return-not-notified", action="store_true", help="return date not given before departure"
    )


@_guard
def run_travel(args: argparse.Namespace) -> dict[str, Any]:
    t = foreign_travel(
        args.departure,
        details_known_at=args.details_known_at,
        changed_at=args.changed_at,
        return_on=args.return_on,
        return_pre_notified=not args.return_not_notified,
        policy=_policy(),
    )
    notice = _deadline(t.notice)
    assert notice is not None
    return {
        "due": notice["due"],
        "due_at": notice["due_at"],
        "notice": notice,
        "change": _deadline(t.change),
        "return": _deadline(t.return_notice),
        "basis": t.basis,
        "policy_version": t.notice.policy_version,
    }


CALCULATORS: list[Calculator] = [
    Calculator("notification-period", "s.82 notification period and last day", _configure_period, run_period),
    Calculator("rm2000", "Risk Matrix 2000 /S, /V or /C category", _configure_rm2000, run_rm2000),
    Calculator("visit-due", "next routine home visit by RoSH level", _configure_visit_due, run_visit_due),
    Calculator(
        "review-qualifying-date",
        "s.91B qualifying date for review of indefinite requirements",
        _configure_review,
        run_review,
    ),
    Calculator("initial-notification", "s.83 initial notification deadline", _configure_initial, run_initial),
    Calculator("annual-notification", "s.85 annual notification deadline", _configure_annual, run_annual),
    Calculator(
        "change-notification",
        "s.84 change, advance notice or qualifying period",
        _configure_change,
        run_change,
    ),
    Calculator("foreign-travel", "foreign travel notification deadlines", _configure_travel, run_travel),
    Calculator("s96b-eligibility", "s.96B warrant conditions pre-check", _configure_s96b, run_s96b),
    Calculator("visit-ladder", "escalation ladder steps for one offender", _configure_ladder, run_ladder),
]
