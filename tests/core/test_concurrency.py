"""The optimistic-concurrency write: it lands only on the version the editor opened, and says so otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.core.concurrency import update_if_version
from custos.workforce.models import Borough, Person

MESSAGE = "You had version {had}, it is now {now}."


@pytest.mark.parametrize(
    ("expected_version", "rows", "error"),
    [
        pytest.param(1, "model", None, id="nobody saved since: written, version moves on"),
        pytest.param(1, "saved-by-someone-else", "You had version 1, it is now 2.", id="someone saved since"),
        pytest.param(3, "model", "You had version 3, it is now 1.", id="a version the row never had"),
        pytest.param(1, "deleted", "You had version 1, it is now None.", id="the row is gone"),
        pytest.param(1, "only-active", "You had version 1, it is now 1.", id="the caller's condition fails"),
    ],
)
def test_update_if_version(
    make_person: Callable[..., Any], expected_version: int, rows: str, error: str | None
) -> None:
    borough = Borough.objects.create(code="TST", name="Test borough")
    person = make_person(borough=borough, job_role="Investigator", active=rows != "only-active")
    if rows == "saved-by-someone-else":
        Person.objects.filter(pk=person.pk).update(job_role="Someone else's edit", version=2)
    pk = person.pk
    if rows == "deleted":
        person.delete()
    before = list(Person.objects.filter(pk=pk).values_list("job_role", "version"))
    target: Any = Person.objects.filter(active=True) if rows == "only-active" else Person

    if error is None:
        update_if_version(target, pk, expected_version, {"job_role": "Offender manager"}, MESSAGE)
        assert list(Person.objects.filter(pk=pk).values_list("job_role", "version")) == [
            ("Offender manager", expected_version + 1)
        ]
        return

    with pytest.raises(ValidationError) as raised:
        update_if_version(target, pk, expected_version, {"job_role": "Offender manager"}, MESSAGE)
    assert raised.value.code == "stale"
    assert raised.value.messages == [error]
    assert list(Person.objects.filter(pk=pk).values_list("job_role", "version")) == before
