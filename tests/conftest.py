"""Shared fixtures: a small two-borough force with a persona for every role.

Personas follow the healthchecks pattern: for each role there is someone in borough A (the *owner's*
side), a *teammate* in the same team, and an *outsider* in borough B who must get 404s.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

os.environ.setdefault("CUSTOS_FAST_PASSWORD_HASHER", "1")


@dataclass
class Force:
    boroughs: dict[str, Any] = field(default_factory=dict)
    teams: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)  # "<role>@<A|B>" -> User
    people: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str, borough: str = "A") -> Any:
        return self.users[f"{role}@{borough}"]


_counter = {"n": 0}


def _next_number() -> str:
    _counter["n"] += 1
    return f"T{_counter['n']:06d}"


def _make_person(**kw: Any) -> Any:
    from custos.workforce.models import Person

    defaults: dict[str, Any] = {
        "staff_number": _next_number(),
        "first_name": "Test",
        "last_name": f"Person{_counter['n']}",
        "rank": "constable",
        "start_date": date(2015, 1, 1),
        "pip_level": 1,
    }
    defaults.update(kw)
    return Person.objects.create(**defaults)


def _make_user(
    username: str, roles: list[str], person: Any = None, password: str = "correct horse battery"
) -> Any:
    from custos.accounts import services
    from custos.accounts.roles import Role

    user = services.user_create(
        username=username, password=password, roles=[Role(r) for r in roles], validate=False
    )
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


@pytest.fixture
def make_person(db: Any) -> Callable[..., Any]:
    return _make_person


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    return _make_user


def verify_client(client: Any, user: Any) -> Any:
    """Log a test client in with a verified second factor, as after a real TOTP sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(client: Any) -> Callable[[Any], Any]:
    from django.test import Client

    def make(user: Any) -> Any:
        return verify_client(Client(), user)

    return make


ROLE_RANKS = {
    "offender-manager": ("detective-constable", "offender-management"),
    "mosovo-supervisor": ("detective-sergeant", "offender-management"),
    "detective-inspector": ("detective-inspector", None),
    "investigator": ("detective-constable", "cid"),
    "investigation-supervisor": ("detective-sergeant", "cid"),
    "digital-forensic-examiner": ("staff-band-d", "digital-forensics-lab"),
    "ocsae-investigator": ("detective-constable", "ocsae"),
    "victim-care-officer": ("staff-band-d", "victim-care"),
    "performance-analyst": ("staff-band-d", None),
    "inspector": ("staff-band-c", None),
    "professional-standards": ("detective-sergeant", None),
    "administrator": ("staff-band-c", None),
}


def _build_force() -> Force:
    """Two boroughs; every role has a persona in A and an outsider in B; supervisors lead their teams."""
    from custos.workforce.models import Borough, Team

    make_person, make_user = _make_person, _make_user

    f = Force()
    today = date.today()
    for code, name in (("A", "Aborough"), ("B", "Bborough")):
        borough = Borough.objects.create(code=f"T{code}", name=name)
        f.boroughs[code] = borough
        for team_type in ("offender-management", "cid", "digital-forensics-lab", "ocsae", "victim-care"):
            f.teams[f"{team_type}@{code}"] = Team.objects.create(
                borough=borough, name=f"{team_type} {code}", team_type=team_type
            )
        di = make_person(
            rank="detective-inspector", borough=borough, pip_level=3, pip_accredited_on=date(2012, 1, 1)
        )
        f.people[f"di-line@{code}"] = di
        # Supervisors first so members can report to them.
        for role in ("mosovo-supervisor", "investigation-supervisor"):
            rank, team_type = ROLE_RANKS[role]
            team = f.teams[f"{team_type}@{code}"]
            p = make_person(
                rank=rank,
                borough=borough,
                team=team,
                line_supervisor=di,
                pip_level=2,
                pip_accredited_on=date(2016, 1, 1),
                workload_training_on=today - timedelta(days=100),
                workload_training_expires=today + timedelta(days=900),
            )
            team.supervisor = p
            team.save(update_fields=["supervisor"])
            f.people[f"{role}@{code}"] = p
            f.users[f"{role}@{code}"] = make_user(f"{role}-{code.lower()}", [role], p)
        for role, (rank, team_type) in ROLE_RANKS.items():
            if role in ("mosovo-supervisor", "investigation-supervisor"):
                continue
            team = f.teams.get(f"{team_type}@{code}") if team_type else None
            sup = None
            if team_type == "offender-management":
                sup = f.people[f"mosovo-supervisor@{code}"]
            elif team_type in ("cid", "ocsae"):
                sup = f.people[f"investigation-supervisor@{code}"]
            elif role == "detective-inspector":
                sup = None
            p = make_person(
                rank=rank,
                borough=borough,
                team=team,
                line_supervisor=sup,
                pip_level=0 if rank.startswith("staff") else 2,
                pip_accredited_on=None if rank.startswith("staff") else date(2018, 5, 1),
                visor_authorised=role == "offender-manager",
                visor_trained_on=today - timedelta(days=200) if role == "offender-manager" else None,
                visor_training_expires=today + timedelta(days=165) if role == "offender-manager" else None,
            )
            f.people[f"{role}@{code}"] = p
            f.users[f"{role}@{code}"] = make_user(f"{role}-{code.lower()}", [role], p)
        # A teammate of the offender manager, in the same team.
        f.people[f"teammate@{code}"] = make_person(
            rank="detective-constable",
            borough=borough,
            team=f.teams[f"offender-management@{code}"],
            line_supervisor=f.people[f"mosovo-supervisor@{code}"],
            pip_level=2,
            pip_accredited_on=date(2019, 1, 1),
        )
        f.users[f"teammate@{code}"] = make_user(
            f"teammate-{code.lower()}", ["offender-manager"], f.people[f"teammate@{code}"]
        )
    return f


# The force is built once per test database (session) and each test gets fresh objects loaded from it, so
# in-memory caches and edits never leak between tests. Transactional tests flush the database; the next test
# then rebuilds it inside its own transaction.
_FORCE_IDS: dict[str, dict[str, int]] = {}


def _remember(f: Force) -> None:
    _FORCE_IDS.clear()
    for part in ("boroughs", "teams", "users", "people"):
        _FORCE_IDS[part] = {k: v.pk for k, v in getattr(f, part).items()}


def _load_force() -> Force | None:
    from custos.accounts.models import User
    from custos.workforce.models import Borough, Person, Team

    if not _FORCE_IDS:
        return None
    models = {"boroughs": Borough, "teams": Team, "users": User, "people": Person}
    f = Force()
    for part, model in models.items():
        ids = _FORCE_IDS[part]
        found = model.objects.in_bulk(list(ids.values()))
        if len(found) != len(ids):
            return None
        getattr(f, part).update({k: found[pk] for k, pk in ids.items()})
    return f


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        _remember(_build_force())


@pytest.fixture
def force(db: Any) -> Force:
    loaded = _load_force()
    if loaded is not None:
        return loaded
    built = _build_force()
    _remember(built)
    return built


ALL_ROLES = tuple(ROLE_RANKS)


@pytest.fixture(autouse=True)
def _audit_triggers_allow_test_flush(request: pytest.FixtureRequest) -> Any:
    """Transactional tests (live_server, transaction=True) end with Django flushing every table, and the
    append-only triggers rightly refuse DELETE on the audit trail. For those tests only, drop the SQLite
    triggers just before the flush and restore them before the next test. (PostgreSQL flushes with TRUNCATE,
    which row triggers do not see.) Immutability itself is proven in tests/core/test_audit_immutability.py.
    """
    if not (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    ) and not request.node.get_closest_marker("django_db", None):
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    import importlib

    triggers = importlib.import_module("custos.core.migrations.0002_audit_append_only_triggers")

    with connection.cursor() as cur:
        for sql in triggers.SQLITE_DOWN + triggers.SQLITE_UP:
            cur.execute(sql)
    yield
    with connection.cursor() as cur:
        for sql in triggers.SQLITE_DOWN:
            cur.execute(sql)


@pytest.fixture
def policy_file(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Write the default policy with some keys changed (by their last name, `key=value`), and make it the
    policy in force for the test."""
    from custos.core.policy import DEFAULT_POLICY_FILE, current_policy

    def use(**changes: int) -> None:
        text = DEFAULT_POLICY_FILE.read_text()
        for key, value in changes.items():
            line = next(x for x in text.splitlines() if x.startswith(f"{key} = "))
            text = text.replace(line, f"{key} = {value}")
        path = tmp_path / "policy.toml"
        path.write_text(text)
        monkeypatch.setenv("CUSTOS_POLICY_FILE", str(path))
        current_policy.cache_clear()

    yield use
    current_policy.cache_clear()
