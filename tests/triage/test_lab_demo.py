"""The lab's demo data: every verdict, RSO suspects, SLAs some of which will be missed, deterministic."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import timezone
from tests.triage.lab_support import accredit

from custos.core.policy import current_policy
from custos.triage import demo, selectors
from custos.triage.models import CustodyEvent, Device, HashSet, TriageResult

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_varied_queue_with_custody_and_results(force: Any) -> None:
    accredit(force.people["digital-forensic-examiner@A"])
    rows = demo.seed_part(scale="demo", seed=3, progress=False)
    assert rows > Device.objects.count() > 0
    verdicts = Counter(Device.objects.values_list("verdict", flat=True))
    assert {"likely-iioc", "no-hits", "not-triaged"} <= set(verdicts)
    assert TriageResult.objects.filter(verdict="likely-iioc", matches__isnull=False).exists()
    assert CustodyEvent.objects.filter(sequence=1).count() == Device.objects.count()
    assert (
        HashSet.objects.filter(kind="known-good").exists()
        and HashSet.objects.filter(kind="known-bad").exists()
    )
    # With ample examiner capacity only the devices already past their referral SLA miss it.
    ample = current_policy().with_overrides({"triage.ranking.devices_per_examiner_per_week": 500.0})
    view = selectors.lab_queue(actor=force.user("administrator"), today=timezone.localdate(), policy=ample)
    misses = [
        e.ranked.misses_sla
        for e in view.entries
        if e.device.lab_id == force.teams["digital-forensics-lab@A"].pk
    ]
    assert any(misses) and not all(misses)


def test_demo_is_deterministic_for_a_seed(force: Any) -> None:
    demo.seed_part(scale="demo", seed=5, progress=False)
    first = list(Device.objects.order_by("pk").values_list("device_type", "referral_grade", "verdict"))
    Device.objects.all().update(latest_result=None)
    from custos.triage.models import DeviceDecision, TriageFileMatch

    DeviceDecision.objects.all().delete()
    TriageFileMatch.objects.all().delete()
    TriageResult.objects.all().delete()
    # Custody events cannot be deleted (append-only); seed again into fresh rows and compare the new ones.
    demo.seed_part(scale="demo", seed=5, progress=False)
    second = list(Device.objects.order_by("pk").values_list("device_type", "referral_grade", "verdict"))[
        len(first) :
    ]
    assert [(t, g) for t, g, _ in second] == [(t, g) for t, g, _ in first]
