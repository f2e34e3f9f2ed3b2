"""Table-driven proof that a state-changing page refuses an outsider like a read does: 404, and nothing in
the database changes.

Each app lists its POST views as ``OutsiderPost`` cases: who is inside (may make the change), who is outside
(the same role without need-to-know of THIS record: the other borough, another team, not their case), the
record's URL and a body the insider's POST accepts. ``check`` posts as the outsider first (404, no write
audited, the record's own state unchanged), then as the insider with the same body: that it is accepted and
audited proves the body was good, so the outsider's 404 came from need-to-know and not from a bad form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Audit actions that record a read, not a change (every write is audited in the same transaction).
READ_ACTIONS = ("viewed", "searched", "listed", "read", "exported")


@dataclass(frozen=True)
class OutsiderPost:
    id: str
    insider: str  # a persona key of the force fixture's users, e.g. "investigator@A"
    outsider: str  # the same role without need-to-know of this record, e.g. "investigator@B"
    url: Callable[[Any], str]  # builds the record (force -> URL of its POST view)
    data: Callable[[Any], dict[str, Any]] = field(default=lambda force: {})
    ok: int = 302  # the insider's status
    state: Callable[[str], Any] | None = None  # the record as the POST would change it (by URL)


def writes() -> int:
    from django.db.models import Q

    from custos.core.models import AuditEvent

    reads = Q()
    for verb in READ_ACTIONS:
        reads |= Q(action__endswith=verb)
    return AuditEvent.objects.exclude(reads).count()


def check(case: OutsiderPost, force: Any, client_for: Any) -> None:
    url = case.url(force)
    before = (writes(), case.state(url) if case.state else None)

    refused = client_for(force.users[case.outsider]).post(url, case.data(force))

    assert refused.status_code == 404, f"{case.outsider} posting {url}: {refused.status_code}"
    assert (writes(), case.state(url) if case.state else None) == before, f"{case.outsider} changed {url}"

    accepted = client_for(force.users[case.insider]).post(url, case.data(force))

    assert accepted.status_code == case.ok, f"{case.insider} posting {url}: {accepted.status_code}"
    assert writes() > before[0], f"{case.insider} posting {url} wrote nothing: the body is not a real change"


def ids(cases: list[OutsiderPost]) -> list[str]:
    return [c.id for c in cases]
