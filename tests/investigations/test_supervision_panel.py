"""The supervisor's home panel counts the two different kinds of unallocated crime separately."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from custos.allocation.models import QueueEntry
from tests.crimes.factories import make_crime

pytestmark = pytest.mark.django_db


def _panel_text(client_for: Any, user: Any) -> str:
    return " ".join(str(client_for(user).get(reverse("home")).content.decode()).split())


def test_never_run_and_waiting_for_a_supervisor_are_counted_apart(force: Any, client_for: Any) -> None:
    supervisor = force.user("investigation-supervisor")
    borough = force.boroughs["A"]
    make_crime(borough=borough)
    make_crime(borough=borough)
    queued = make_crime(borough=borough)
    QueueEntry.objects.create(crime=queued, reason="no PIP2 with capacity in Aborough", policy_version="t")
    make_crime(borough=force.boroughs["B"])  # outside this supervisor's borough: counted by neither

    text = _panel_text(client_for, supervisor)
    assert "1 crimes waiting for a supervisor (no eligible investigator)" in text
    assert "2 unallocated crimes not yet put to the allocation engine" in text
