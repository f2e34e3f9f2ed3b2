"""Victims routes in the permission matrix (see tests/routecases.py). Victims are sensitive: every read of
one victim, and every search, writes an access event; outsiders get 404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.conftest import ALL_ROLES
from tests.crimes.factories import shared
from tests.routecases import RouteCase

# Who sees the victim of a crime in borough A held by the investigator there (team CID A).
VIEWERS = (
    "detective-inspector",
    "investigator",
    "investigation-supervisor",
    "victim-care-officer",
    "professional-standards",
    "administrator",
)
CHANGERS = tuple(r for r in VIEWERS if r != "professional-standards")
REVIEWERS = ("investigation-supervisor", "detective-inspector", "administrator")
COMPLIANCE = (
    "investigation-supervisor",
    "detective-inspector",
    "performance-analyst",
    "inspector",
    "administrator",
)
NO_PERSONAL = {"inspector": 404, "performance-analyst": 404}
SEE_ALL = ("administrator", "professional-standards")
ADMIN_ONLY = ("administrator",)
_n = {"i": 0}


def only(roles: tuple[str, ...], ok: int) -> dict[str, int]:
    return {**dict.fromkeys(ALL_ROLES, 404), **dict.fromkeys(roles, ok)}


def _victim(force: Any) -> Any:
    def build() -> Any:
        from tests.victims.helpers import add_victim, crime_in_a

        return add_victim(force, crime_in_a(force, reported=date.today() - timedelta(days=20)))

    return shared(force, "victim", build)


def _link(force: Any) -> Any:
    from custos.victims.models import VictimCrime

    return VictimCrime.objects.select_related("crime").get(victim=_victim(force))


def _fresh_obligation(force: Any) -> Any:
    """A new open obligation per request, so each role's POST meets a due one."""
    from custos.victims.models import Obligation

    _n["i"] += 1
    return Obligation.objects.create(
        link=_link(force),
        key="regular-update",
        right=6,
        title="Regular update",
        trigger="last-update",
        trigger_on=date(2020, 1, 1) + timedelta(days=_n["i"]),
        due_on=date.today(),
        due_basis="test",
        policy_version="test",
    )


def _fresh_link(force: Any) -> Any:
    """A new victim of the shared crime per request, so each role starts an obligation not yet started."""
    from custos.victims.models import VictimCrime
    from tests.victims.helpers import add_victim

    victim = add_victim(force, _link(force).crime, first_name=f"Fresh{_n['i']}")
    _n["i"] += 1
    return VictimCrime.objects.get(victim=victim)


def _fresh_review(force: Any) -> Any:
    from custos.victims.models import RightToReview

    today = date.today()
    return RightToReview.objects.create(
        link=_link(force),
        notified_on=today,
        requested_on=today,
        in_time=True,
        window_closes=today,
        acknowledge_by=today,
        decide_by=today,
        eligible=True,
        policy_version="test",
        decision_maker=force.people["investigator@A"],
    )


def _review(force: Any) -> Any:
    return shared(force, "review", lambda: _fresh_review(force))


def _patch_body(force: Any) -> dict[str, Any]:
    from custos.victims.models import Victim

    return {"version": Victim.objects.get(pk=_victim(force).pk).version, "language": "Welsh"}


def _crime_kw(force: Any) -> dict[str, Any]:
    return {"crime_pk": _link(force).crime_id}


def _victim_kw(force: Any) -> dict[str, Any]:
    return {"pk": _victim(force).pk}


TODAY = date.today().isoformat()
PERSON = {"first_name": "Jo", "last_name": "Bloggs"}

ROUTES = [
    RouteCase("victims:list", expect=NO_PERSONAL, sensitive=True),
    RouteCase("victims:worklist", expect=NO_PERSONAL, sensitive=True),
    RouteCase("victims:compliance", expect=only(COMPLIANCE, 200)),
    RouteCase(
        "victims:detail",
        kwargs=_victim_kw,
        expect=only(VIEWERS, 200),
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "victims:edit",
        kwargs=_victim_kw,
        expect=only(CHANGERS, 200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
        sensitive=True,
    ),
    RouteCase(
        "victims:link",
        kwargs=_victim_kw,
        method="post",
        data=lambda f: {"reference": "NO/SUCH/CRIME"},
        # Refused: the page again with the reference typed and the reason (the input is kept).
        expect=only(CHANGERS, 200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "victims:assess",
        kwargs=_victim_kw,
        method="post",
        data=lambda f: {"reason": "Circumstances changed"},
        expect=only(CHANGERS, 302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "victims:crime",
        kwargs=_crime_kw,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "victims:add",
        kwargs=_crime_kw,
        expect=only(CHANGERS, 200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
        sensitive=True,
    ),
    RouteCase(
        "victims:record_event",
        kwargs=_crime_kw,
        method="post",
        data=lambda f: {"event": "arrest", "occurred_on": TODAY},
        expect=only(CHANGERS, 302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "victims:obligation",
        kwargs=lambda f: {"pk": _fresh_obligation(f).pk},
        method="post",
        data=lambda f: {"status": "met", "evidence": "Phoned the victim"},
        expect=only(CHANGERS, 302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "victims:obligation_start",
        kwargs=lambda f: {"pk": _fresh_link(f).pk},
        method="post",
        data=lambda f: {"key": "vps-offer", "on": TODAY},
        expect=only(CHANGERS, 302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "victims:withdraw",
        kwargs=lambda f: {"pk": _fresh_link(f).pk},
        method="post",
        data=lambda f: {"reason": "Does not want police action"},
        expect=only(CHANGERS, 302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "victims:review_request",
        kwargs=lambda f: {"pk": _link(f).pk},
        method="post",
        data=lambda f: {"notified_on": TODAY},
        expect=only(CHANGERS, 302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "victims:review_acknowledge",
        kwargs=lambda f: {"pk": _review(f).pk},
        method="post",
        expect=only(CHANGERS, 302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "victims:review_decide",
        kwargs=lambda f: {"pk": _fresh_review(f).pk},
        method="post",
        data=lambda f: {"outcome": "not-upheld", "reasons": "The decision stands"},
        expect=only(REVIEWERS, 302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase("api-1:list_victims", expect=NO_PERSONAL, sensitive=True),
    RouteCase("api-1:list_victim_clocks", expect=NO_PERSONAL, sensitive=True),
    RouteCase("api-1:victims_compliance", expect=only(COMPLIANCE, 200)),
    RouteCase(
        "api-1:get_victim",
        kwargs=lambda f: {"victim_id": _victim(f).pk},
        expect=only(VIEWERS, 200),
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "api-1:create_victim",
        method="post",
        data=lambda f: {"crime_id": _link(f).crime_id, **PERSON},
        expect=only(CHANGERS, 201),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:update_victim",
        kwargs=lambda f: {"victim_id": _victim(f).pk},
        method="patch",
        data=_patch_body,
        expect=only(CHANGERS, 200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:list_victim_obligations",
        kwargs=lambda f: {"victim_id": _victim(f).pk},
        expect=only(VIEWERS, 200),
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "api-1:mark_obligation_met",
        kwargs=lambda f: {"obligation_id": _fresh_obligation(f).pk},
        method="post",
        data=lambda f: {"evidence": "Phoned the victim"},
        expect=only(CHANGERS, 200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:start_victim_obligation",
        kwargs=lambda f: {"link_id": _fresh_link(f).pk},
        method="post",
        data=lambda f: {"key": "vps-offer", "on": TODAY},
        expect=only(CHANGERS, 201),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:record_investigation_event",
        kwargs=lambda f: {"crime_id": _link(f).crime_id},
        method="post",
        data=lambda f: {"event": "arrest", "occurred_on": TODAY},
        expect=only(CHANGERS, 201),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:request_victim_review",
        kwargs=lambda f: {"link_id": _link(f).pk},
        method="post",
        data=lambda f: {"notified_on": TODAY},
        expect=only(CHANGERS, 201),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:acknowledge_victim_review",
        kwargs=lambda f: {"review_id": _fresh_review(f).pk},
        method="post",
        expect=only(CHANGERS, 200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:decide_victim_review",
        kwargs=lambda f: {"review_id": _fresh_review(f).pk},
        method="post",
        data=lambda f: {"outcome": "not-upheld", "reasons": "The decision stands"},
        expect=only(REVIEWERS, 200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
]
