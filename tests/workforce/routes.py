"""Workforce and platform routes in the permission matrix (see tests/routecases.py)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.routecases import RouteCase

NO_PERSONAL = {"inspector": 404, "performance-analyst": 404}
SEE_ALL = ("administrator", "professional-standards")
_numbers = itertools.count(1)


def _person(force: Any) -> dict[str, Any]:
    # The offender manager in borough A: visible in A, 404 to outsiders in B.
    return {"pk": force.people["offender-manager@A"].pk}


_year = itertools.count(2031)


def _absence_dates(force: Any) -> dict[str, Any]:
    # A new year for each post: an absence overlapping one already recorded is refused (200, not 302).
    year = next(_year)
    return {"kind": "annual-leave", "starts_on": f"{year}-02-01", "ends_on": f"{year}-02-03"}


def _person_api(force: Any) -> dict[str, Any]:
    return {"person_id": force.people["offender-manager@A"].pk}


def _absence(force: Any) -> dict[str, Any]:
    from custos.workforce.models import Absence

    p = force.people["offender-manager@A"]
    a = Absence.objects.create(person=p, kind="annual-leave", starts_on="2030-01-01", ends_on="2030-01-05")
    return {"pk": p.pk, "absence_id": a.pk}


def _accreditation(force: Any) -> dict[str, Any]:
    from custos.workforce.models import Accreditation

    p = force.people["offender-manager@A"]
    a, _ = Accreditation.objects.get_or_create(
        person=p, specialism="mosovo", defaults={"accredited_on": "2020-01-01"}
    )
    return {"pk": p.pk, "acc_id": a.pk}


def _team(force: Any) -> dict[str, Any]:
    return {"pk": force.teams["offender-management@A"].pk}


def _new_person(force: Any) -> dict[str, Any]:
    return {
        "staff_number": f"NEW{next(_numbers):05d}",
        "first_name": "Nia",
        "last_name": "Okafor",
        "rank": "constable",
        "borough_id": force.boroughs["A"].pk,
        "start_date": "2024-09-01",
        "probationer": True,
        "pip_level": 1,
    }


def _absence_body() -> dict[str, str]:
    year = 2040 + next(_numbers)  # a fresh year each time, so bodies never overlap an earlier absence
    return {"kind": "annual-leave", "starts_on": f"{year}-01-01", "ends_on": f"{year}-01-02"}


# Who may change the offender manager in borough A: administrators (anywhere), their DS (line and team
# supervisor) and the borough's detective inspector. Everyone else who can see them gets 404.
CHANGERS = ("administrator", "mosovo-supervisor", "detective-inspector")
NOT_CHANGERS = (
    "offender-manager",
    "investigator",
    "investigation-supervisor",
    "digital-forensic-examiner",
    "ocsae-investigator",
    "victim-care-officer",
    "performance-analyst",
    "inspector",
    "professional-standards",
)


def _change(ok: int) -> dict[str, int]:
    return {**dict.fromkeys(NOT_CHANGERS, 404), **dict.fromkeys(CHANGERS, ok)}


def _suggestions(
    source: str, expect: dict[str, int], key: Any = None, default: int = 200, **kw: Any
) -> RouteCase:
    """The person picker's suggestions answer whoever may open the page with that form, and nobody else
    (custos.workforce.picker): each source's case mirrors its page's case."""
    return RouteCase(
        "workforce:person_suggestions_for" if key else "workforce:person_suggestions",
        kwargs=lambda f: {"source": source, **({"key": key(f)} if key else {})},
        expect=expect,
        default=default,
        query="field=q&q=Te",
        id=source,
        **kw,
    )


def _suggestion_routes() -> list[RouteCase]:
    from tests.allocation.routes import OVERRIDERS, _unallocated, only
    from tests.offenders.routes import CHANGERS as OFFENDER_CHANGERS
    from tests.offenders.routes import _offender

    offender = {"default": 404, "outsider": 404, "outsider_exempt": ("administrator",)}
    return [
        _suggestions("allocation.conflict-officer", NO_PERSONAL),
        _suggestions(
            "allocation.override-officer",
            only(OVERRIDERS, 200),
            key=lambda f: _unallocated(f).pk,
            outsider=404,
        ),
        _suggestions("offenders.visit-officer", OFFENDER_CHANGERS, key=lambda f: _offender(f).pk, **offender),
        _suggestions("offenders.manager", OFFENDER_CHANGERS, key=lambda f: _offender(f).pk, **offender),
        _suggestions("offenders.new-lead-manager", OFFENDER_CHANGERS, default=404),
        _suggestions("offenders.new-deputy-manager", OFFENDER_CHANGERS, default=404),
        _suggestions("workforce.line-supervisor", {"administrator": 200}, default=404),
        _suggestions(
            "workforce.line-supervisor",
            _change(200),
            key=lambda f: _person(f)["pk"],
            outsider=404,
            outsider_exempt=("administrator",),
        ),
        _suggestions("workforce.team-supervisor", {"administrator": 200}, default=404),
        _suggestions(
            "workforce.team-supervisor", {"administrator": 200}, key=lambda f: _team(f)["pk"], default=404
        ),
        _suggestions("accounts.account-holder", {"administrator": 200}, default=404),
        _suggestions("no.such-source", {}, default=404),
    ]


def _account(f: Any) -> dict[str, Any]:
    return {"pk": f.user("investigator").pk}


ROUTES = [
    RouteCase("home"),
    RouteCase("healthz", anonymous=200),
    RouteCase("workforce:people", expect=NO_PERSONAL),
    RouteCase(
        "workforce:person",
        kwargs=_person,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "workforce:person_edit",
        kwargs=_person,
        sensitive=True,
        expect=_change(200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase("workforce:person_create", expect={"administrator": 200}, default=404),
    RouteCase(
        "workforce:absence_add",
        kwargs=_person,
        method="post",
        expect=_change(302),
        outsider=404,
        outsider_exempt=("administrator",),
        data=_absence_dates,
    ),
    RouteCase(
        "workforce:absence_delete",
        kwargs=_absence,
        method="post",
        expect=_change(302),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "workforce:accreditation_add",
        kwargs=_person,
        method="post",
        expect=_change(302),
        outsider=404,
        outsider_exempt=("administrator",),
        data=lambda f: {"specialism": "rasso", "accredited_on": "2020-01-01"},
    ),
    RouteCase(
        "workforce:accreditation_remove",
        kwargs=_accreditation,
        method="post",
        expect=_change(302),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase("workforce:teams", expect=NO_PERSONAL),
    RouteCase("workforce:team", kwargs=_team, expect=NO_PERSONAL),
    RouteCase("workforce:team_create", expect={"administrator": 200}, default=404),
    RouteCase("workforce:team_edit", kwargs=_team, expect={"administrator": 200}, default=404),
    RouteCase("workforce:training"),
    *_suggestion_routes(),
    RouteCase("accounts:login", anonymous=200),
    RouteCase("accounts:logout", method="post", default=302, anonymous=302),
    RouteCase("accounts:two_factor", default=302, id="verified-goes-home"),
    RouteCase("accounts:two_factor_setup"),
    RouteCase("accounts:recovery_codes"),
    RouteCase("accounts:tokens"),
    RouteCase("accounts:token_revoke", kwargs=lambda f: {"pk": 999999}, method="post", default=404),
    RouteCase("accounts:password_change"),
    RouteCase("accounts:users", expect={"administrator": 200}, default=404),
    RouteCase("accounts:user_new", expect={"administrator": 200}, default=404),
    RouteCase("accounts:user", kwargs=_account, expect={"administrator": 200}, default=404, sensitive=True),
    # Posted empty, each action is refused by its form and shows the account's page again (200), or,
    # unlocking, finds nothing to do and redirects back: the matrix changes no account.
    RouteCase(
        "accounts:user_unlock", kwargs=_account, method="post", expect={"administrator": 302}, default=404
    ),
    *[
        RouteCase(
            f"accounts:{name}", kwargs=_account, method="post", expect={"administrator": 200}, default=404
        )
        for name in (
            "user_roles",
            "user_reset_two_factor",
            "user_deactivate",
            "user_reactivate",
            "user_password",
        )
    ],
    RouteCase(
        "audit:search",
        expect={"administrator": 200, "professional-standards": 200},
        default=404,
        sensitive=True,
    ),
    RouteCase(
        "audit:export",
        expect={"administrator": 200, "professional-standards": 200},
        default=404,
        sensitive=True,
    ),
    RouteCase("audit:break_glass"),
    RouteCase(
        "audit:break_glass_review",
        default=404,
        sensitive=True,
        expect={
            "administrator": 200,
            "professional-standards": 200,
            "mosovo-supervisor": 200,
            "investigation-supervisor": 200,
            "detective-inspector": 200,
        },
    ),
    RouteCase("api-1:openapi-json", anonymous=200),
    RouteCase("api-1:openapi-view", anonymous=200),
    RouteCase("api-1:list_boroughs"),
    RouteCase("api-1:list_teams"),
    RouteCase("api-1:list_people"),
    RouteCase(
        "api-1:get_person",
        kwargs=_person_api,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "api-1:list_absences",
        kwargs=_person_api,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "api-1:create_person", method="post", default=403, expect={"administrator": 201}, data=_new_person
    ),
    RouteCase(
        "api-1:update_person",
        method="patch",
        kwargs=_person_api,
        data=lambda f: {},
        expect=_change(428),
        outsider=404,
        outsider_exempt=("administrator",),
        id="without-version-needs-precondition",
    ),
    RouteCase(
        "api-1:add_absence",
        method="post",
        kwargs=_person_api,
        expect=_change(201),
        outsider=404,
        outsider_exempt=("administrator",),
        data=lambda f: _absence_body(),
    ),
]
