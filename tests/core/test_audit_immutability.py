"""The audit trail is append-only, enforced by the database itself (triggers), not only by the model."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from custos.core import audit
from custos.core.models import AuditEvent


@pytest.fixture
def event(db: Any) -> AuditEvent:
    return audit.record(actor=None, action="custos.test.happened", object_type="test", object_id="1")


def test_the_model_refuses_update_and_delete(event: AuditEvent) -> None:
    event.purpose = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_a_queryset_update(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).purpose == ""


def test_the_database_refuses_a_queryset_delete(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(AuditEvent.objects.db)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_raw_sql(event: AuditEvent) -> None:
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "custos.test.happened"


def test_inserts_still_work(event: AuditEvent) -> None:
    before = AuditEvent.objects.count()
    audit.record(actor=None, action="custos.test.again")
    assert AuditEvent.objects.count() == before + 1


def test_the_audit_is_written_in_the_same_transaction_as_the_change(force: Any) -> None:
    """A write that fails leaves no audit event behind, and a successful write has exactly one."""
    from django.core.exceptions import ValidationError

    from custos.workforce import services

    admin = force.user("administrator")
    person = force.people["offender-manager@A"]
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.person_update(
            actor=admin,
            person=person,
            data={"pip_level": 3, "pip_accredited_on": None},
            expected_version=person.version,
        )
    assert AuditEvent.objects.count() == before
    person.refresh_from_db()
    services.person_update(
        actor=admin, person=person, data={"job_role": "Offender manager"}, expected_version=person.version
    )
    event = AuditEvent.objects.latest("id")
    assert event.action == "custos.person.updated"
    assert event.changes == {"job_role": ["", "Offender manager"]}
