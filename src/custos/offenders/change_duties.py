"""s.84 change notifications for the sweep: the dated changes on each offender's record, loaded in four
queries alongside `register_facts.read_register`, and the duties they create (`rules.changes` decides the
law)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from custos.core.bulk_read import as_date, tuples, with_dates_as_text
from custos.core.policy import Policy
from custos.offenders import rules
from custos.offenders.models import Address, Alias, NotifiableDetail, NotifiableKind
from custos.offenders.rules.changes import (
    ChangeNotice,
    ChangeObligation,
    RecordedChange,
    change_obligations,
    non_occurrence_obligations,
    prescribed_change,
    qualifying_stays,
    releases,
)

if TYPE_CHECKING:
    from custos.offenders.register_facts import Facts


def _address_key(line1: str, postcode: str) -> str:
    return f"{' '.join(line1.split())}, {postcode.upper()}".strip(", ")


def _after_first_notification(f: Facts, on: date) -> bool:
    """Only a change after the first s.83 notification can be a s.84 duty (`rules.changes`): the sweep
    skips the rest as it loads them, since most of a register's history predates that notification."""
    return f.first_notified_on is not None and on > f.first_notified_on


@dataclass(frozen=True)
class ChangeRows:
    """The rows behind the s.84 duties, as read (`read_change_rows`); `add_change_facts` builds from them."""

    notices: list[tuple[Any, ...]]  # (offender, kind, on, expected_on): every notification; s.83, s.84 used
    aliases: list[tuple[Any, ...]]  # (offender, first name, last name, used from)
    addresses: list[tuple[Any, ...]]  # (offender, kind, line 1, postcode, from, to)
    details: list[tuple[Any, ...]]  # (offender, kind, from)


def read_change_rows(scoped: Any, notices: list[tuple[Any, ...]]) -> ChangeRows:
    """The dated s.84 changes on the record (three queries); ``notices`` are the register's notification
    rows (offender, kind, on, expected on), read once for the periodic and the s.84 duties alike."""
    return ChangeRows(
        notices=notices,
        aliases=list(
            tuples(
                with_dates_as_text(
                    scoped(Alias.objects.filter(used_from__isnull=False)),
                    ("offender_id", "first_name", "last_name"),
                    ("used_from",),
                )
            )
        ),
        addresses=list(
            tuples(
                with_dates_as_text(
                    scoped(Address.objects.filter(kind__in=["home", "regular", "short-stay"])),
                    ("offender_id", "kind", "line1", "postcode"),
                    ("from_date", "to_date"),
                )
            )
        ),
        details=list(
            tuples(
                with_dates_as_text(
                    scoped(NotifiableDetail.objects.filter(from_date__isnull=False)),
                    ("offender_id", "kind"),
                    ("from_date",),
                )
            )
        ),
    )


def add_change_facts(facts: dict[int, Facts], rows: ChangeRows) -> None:
    """Add the s.84 facts of the offenders in ``facts`` (rows of anyone else are skipped)."""
    for oid, kind, on, expected in rows.notices:
        f = facts.get(oid)
        if f is None:
            continue
        on = as_date(on)
        if kind == rules.NotificationKind.INITIAL:
            f.first_notified_on = min(on, f.first_notified_on or on)
        elif kind == rules.NotificationKind.NON_OCCURRENCE:
            f.non_occurrence_reports.append(on)
        elif kind == rules.NotificationKind.CHANGE:
            f.change_notices.append(ChangeNotice(on, as_date(expected)))
    for oid, first, last, used_from in rows.aliases:
        f = facts.get(oid)
        if f is None:
            continue
        used_from = as_date(used_from)
        if _after_first_notification(f, used_from):
            name = f"{first} {last}".strip()
            f.changes.append(RecordedChange(rules.Change.NAME, used_from, f"name {name}"))
    homes: list[tuple[Facts, str, str]] = []
    for oid, kind, line1, postcode, start, end in rows.addresses:
        f = facts.get(oid)
        if f is None:
            continue
        start, end = as_date(start), as_date(end)
        if kind == "home":
            homes.append((f, line1, postcode))
            if _after_first_notification(f, start):
                key = _address_key(line1, postcode)
                f.changes.append(RecordedChange(rules.Change.HOME_ADDRESS, start, f"home address {key}"))
        else:
            # A short stay without an end date is that one day; another address regularly stayed at
            # runs until it ends (capped at the day of evaluation).
            last = end if end is not None else (date.max if kind == "regular" else start)
            f.stays.setdefault(_address_key(line1, postcode), []).append(rules.Stay(start, max(last, start)))
    for f, line1, postcode in homes:
        if f.stays:  # a notified home is not an "unnotified address" (s.84(1)(c)): only stays need the keys
            f.home_keys.add(_address_key(line1, postcode))
    labels = {str(k): str(v).lower() for k, v in NotifiableKind.choices}
    for oid, kind, start in rows.details:
        f = facts.get(oid)
        if f is None:
            continue
        start = as_date(start)
        if _after_first_notification(f, start):
            f.details.append((kind, start, labels.get(kind, kind)))


def change_notifications(f: Facts, *, today: date, policy: Policy) -> tuple[ChangeObligation, ...]:
    """Every s.84 duty from the record with its status today (`rules.changes.change_obligations`)."""
    if f.first_notified_on is None:
        return ()
    changes = list(f.changes)
    changes += releases(f.away)
    for kind, start, label in f.details:
        found = prescribed_change(kind, start, label, policy=policy)
        if found is not None:
            changes.append(found)
    if f.stays:
        # Short stays and other addresses regularly stayed at, up to today; a notified home is not
        # an "unnotified address" (s.84(1)(c)).
        stays = {
            key: [rules.Stay(s.first_day, min(s.last_day, today)) for s in spans if s.first_day <= today]
            for key, spans in f.stays.items()
            if key not in f.home_keys
        }
        changes += qualifying_stays({k: v for k, v in stays.items() if v}, away=f.away)
    if not changes and not f.change_notices:
        return ()
    duties = change_obligations(
        changes, f.change_notices, first_notified_on=f.first_notified_on, as_of=today, away=f.away
    )
    if any(n.expected_on is not None for n in f.change_notices):
        duties += non_occurrence_obligations(
            f.change_notices, [c.on for c in changes], f.non_occurrence_reports, as_of=today, away=f.away
        )
    return duties
