"""The demo force's people look like a real force's: accreditations renewed with a few lapsed, and demo logins
placed where their work reaches them."""

from __future__ import annotations

from datetime import date

import pytest

from custos.demo.accounts import ensure_demo_accounts
from custos.demo.seed import seed_workforce
from custos.workforce.models import Accreditation, Person, Specialism


@pytest.mark.django_db
def test_most_expiring_accreditations_are_in_date_and_a_few_have_lapsed() -> None:
    today = date(2026, 11, 26)
    seed_workforce(scale="demo", seed=1, progress=False, today=today)
    expiring = Accreditation.objects.filter(
        specialism__in=[Specialism.DIGITAL_FORENSICS, Specialism.OCSAE], expires_on__isnull=False
    )
    total = expiring.count()
    lapsed = expiring.filter(expires_on__lt=today).count()
    assert total > 20
    # One in ten of the drawn dates stands for a lapsed accreditation; the rest were renewed in time.
    assert 0 < lapsed <= total * 0.2
    for a in expiring:
        assert (a.expires_on - a.accredited_on).days in {2 * 365, 3 * 365}
        assert a.accredited_on <= today


@pytest.mark.django_db
def test_the_demo_examiner_and_ocsae_logins_hold_in_date_accreditations() -> None:
    seed_workforce(scale="demo", seed=1, progress=False)
    accounts = {acc.username: user for acc, user in ensure_demo_accounts()}
    for username in ("examiner", "ocsae"):
        held = Accreditation.objects.filter(person__user=accounts[username], expires_on__isnull=False)
        assert held.exists()
        assert all(a.expires_on > date.today() for a in held)


@pytest.mark.django_db
def test_the_demo_di_is_the_one_the_offender_management_ds_reports_to() -> None:
    seed_workforce(scale="demo", seed=1, progress=False)
    accounts = {acc.username: user for acc, user in ensure_demo_accounts()}
    ds = Person.objects.get(user=accounts["ds"])
    di = Person.objects.get(user=accounts["di"])
    # The escalation ladder sends DI plans and s.96B decisions to the DS's line supervisor.
    assert ds.line_supervisor == di
