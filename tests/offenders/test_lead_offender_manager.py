"""The lead offender manager must be a ViSOR authorised user with current training (reference R5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from custos.offenders import services
from tests.offenders.factories import make_offender


def _make_lead(o: Any, user: Any, person: Any) -> tuple[Any, list[str]]:
    return services.offender_update_management(actor=user, offender=o, data={"lead_manager_id": person.pk})


def test_someone_without_visor_status_cannot_be_lead(force: Any) -> None:
    o = make_offender(force)
    teammate = force.people["teammate@A"]  # not ViSOR authorised
    with pytest.raises(ValidationError) as exc:
        _make_lead(o, force.user("mosovo-supervisor"), teammate)
    assert "not a ViSOR authorised user" in str(exc.value)


def test_expired_visor_training_is_refused_with_the_date(force: Any) -> None:
    o = make_offender(force)
    teammate = force.people["teammate@A"]
    teammate.visor_authorised = True
    teammate.visor_training_expires = timezone.localdate() - timedelta(days=3)
    teammate.save()
    with pytest.raises(ValidationError) as exc:
        _make_lead(o, force.user("mosovo-supervisor"), teammate)
    assert "expired on" in str(exc.value)


def test_training_about_to_expire_is_accepted_with_a_warning(force: Any) -> None:
    o = make_offender(force, lead_manager=None)
    teammate = force.people["teammate@A"]
    teammate.visor_authorised = True
    teammate.visor_training_expires = timezone.localdate() + timedelta(days=10)
    teammate.save()
    updated, warnings = _make_lead(o, force.user("mosovo-supervisor"), teammate)
    assert updated.lead_manager_id == teammate.pk
    assert warnings and "expires on" in warnings[0] and "(10 days)" in warnings[0]


def test_current_training_is_accepted_silently_and_audited(force: Any) -> None:
    from custos.core.models import AuditEvent

    o = make_offender(force, lead_manager=None)
    om = force.people["offender-manager@A"]  # trained, expires in 165 days
    updated, warnings = _make_lead(o, force.user("mosovo-supervisor"), om)
    assert updated.lead_manager_id == om.pk and warnings == []
    assert AuditEvent.objects.filter(
        action="custos.offender.management_updated", object_id=str(o.pk)
    ).exists()


def test_a_stale_version_is_refused(force: Any) -> None:
    o = make_offender(force)
    with pytest.raises(ValidationError):
        services.offender_update_management(
            actor=force.user("mosovo-supervisor"), offender=o, data={"rosh_level": "low"}, expected_version=99
        )
