"""Offender routes in the permission matrix (see tests/routecases.py). Offender reads are sensitive."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from tests.routecases import RouteCase

MANAGERS = ("offender-manager", "mosovo-supervisor", "detective-inspector")
SUPERVISORS = ("mosovo-supervisor", "detective-inspector", "administrator")
SEE_ALL = ("administrator", "professional-standards")
_n = itertools.count(1)


def _only(roles: tuple[str, ...], ok: int) -> dict[str, int]:
    return dict.fromkeys(roles, ok)


VIEWERS = _only((*MANAGERS, *SEE_ALL), 200)
CHANGERS = _only((*MANAGERS, "administrator"), 200)


def _offender(force: Any) -> Any:
    from custos.offenders.models import Offender

    existing = Offender.objects.filter(reference="ROUTE-A").first()
    if existing is not None:
        return existing
    return Offender.objects.create(
        reference="ROUTE-A",
        first_name="Route",
        last_name="Case",
        date_of_birth=date(1970, 1, 1),
        borough=force.boroughs["A"],
        team=force.teams["offender-management@A"],
        rosh_level="high",
        lead_manager=force.people["offender-manager@A"],
        managed_since=date(2020, 1, 1),
    )


def _pk(force: Any) -> dict[str, Any]:
    return {"pk": _offender(force).pk}


def _api_pk(force: Any) -> dict[str, Any]:
    return {"offender_id": _offender(force).pk}


def _photo(force: Any) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from custos.offenders.models import OffenderPhoto

    o = _offender(force)
    p = OffenderPhoto.objects.filter(offender=o).first()
    if p is None:
        p = OffenderPhoto(offender=o, taken_on=date(2024, 1, 1), content_type="image/gif")
        p.image.save("route.gif", ContentFile(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"), save=True)
    return {"pk": o.pk, "photo_id": p.pk}


def _task(force: Any) -> Any:
    from custos.offenders.models import OffenderTask

    o = _offender(force)
    OffenderTask.objects.filter(offender=o, kind="risk-review", status="open").update(
        status="closed", decision="route test", rationale="fresh task for the next request"
    )
    return OffenderTask.objects.create(
        offender=o,
        kind="risk-review",
        owner=force.people["offender-manager@A"],
        episode=date(2000, 1, 1) + timedelta(days=next(_n)),
        reason="route test",
        basis="test",
        policy_version="t",
    )


def _task_pk(force: Any) -> dict[str, Any]:
    return {"pk": _task(force).pk}


def _task_api(force: Any) -> dict[str, Any]:
    return {"task_id": _task(force).pk}


def _breach(force: Any) -> dict[str, Any]:
    from custos.offenders.models import BreachCase

    o = _offender(force)
    case = BreachCase.objects.filter(offender=o, status="open").first() or BreachCase.objects.create(
        offender=o,
        opened_on=date(2024, 1, 1),
        reason="route test",
        basis="R3",
        policy_version="t",
        record_by=date(2024, 1, 2),
        decide_by=date(2024, 1, 2),
        next_review=date(2024, 1, 8),
    )
    return {"pk": case.pk}


def _feed(force: Any) -> dict[str, Any]:
    from custos.offenders.models import CalendarFeedToken

    CalendarFeedToken.objects.update_or_create(
        person=force.people["offender-manager@A"],
        defaults={"token_hash": CalendarFeedToken.hash("route-token")},
    )
    return {"token": "route-token"}


def _visit_body(force: Any) -> dict[str, Any]:
    return {"attempted_at": "2024-03-01T10:00", "outcome": "seen-and-entered", "for_risk_assessment": "on"}


def _api_visit_body(force: Any) -> dict[str, Any]:
    return {
        "offender_id": _offender(force).pk,
        "attempted_at": "2024-03-01T10:00:00Z",
        "outcome": "no-answer",
    }


def _alias(force: Any) -> dict[str, Any]:
    from custos.offenders.models import Alias

    a = Alias.objects.create(offender=_offender(force), last_name=f"Routealias{next(_n)}")
    return {"pk": a.offender_id, "item_id": a.pk}


def _address(force: Any) -> dict[str, Any]:
    from custos.offenders.models import Address

    a = Address.objects.create(
        offender=_offender(force), kind="regular", line1=f"{next(_n)} Route Road", from_date=date(2024, 1, 1)
    )
    return {"pk": a.offender_id, "item_id": a.pk}


def _detail(force: Any) -> dict[str, Any]:
    from custos.offenders.models import NotifiableDetail

    d = NotifiableDetail.objects.create(
        offender=_offender(force), kind="phone", value=f"07700 9{next(_n):05d}", normalised="X"
    )
    return {"pk": d.offender_id, "item_id": d.pk}


def _item_page(name: str, kwargs: Any) -> RouteCase:
    return RouteCase(
        name,
        kwargs=kwargs,
        expect=CHANGERS,
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
        sensitive=True,
    )


def _create_body(force: Any) -> dict[str, Any]:
    return {
        "first_name": "Matrix",
        "last_name": f"Created{next(_n)}",
        "date_of_birth": "1980-02-03",
        "sex": "male",
        "borough": force.boroughs["A"].pk,  # read only for administrators; others get their own borough
        "mappa_category": 1,
        "mappa_level": 1,
        "management_mode": "active",
        "rosh_level": "medium",
        "rosh_reason": "route test",
        "managed_since": "2024-01-01",
    }


ROUTES = [
    RouteCase(
        "offenders:photo_upload",
        kwargs=_pk,
        expect=CHANGERS,
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
        sensitive=True,
    ),
    _item_page("offenders:alias_edit", _alias),
    _item_page("offenders:alias_end", _alias),
    _item_page("offenders:address_edit", _address),
    _item_page("offenders:address_end", _address),
    _item_page("offenders:detail_edit", _detail),
    _item_page("offenders:detail_end", _detail),
    RouteCase(
        "offenders:alias_end",
        kwargs=_alias,
        method="post",
        data=lambda f: {"version": 1, "ended_on": "2024-06-01"},
        id="post",
        expect=_only((*MANAGERS, "administrator"), 302),
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase("offenders:offender_create", expect=CHANGERS, default=404),
    RouteCase(
        "offenders:offender_create",
        method="post",
        data=_create_body,
        id="post",
        expect=_only((*MANAGERS, "administrator"), 302),
        default=404,
    ),
    # The worklist, dashboard and planner list offender records: each read is audited (sensitive).
    RouteCase("offenders:worklist", expect=CHANGERS, default=404, sensitive=True),
    RouteCase("offenders:dashboard", expect=_only(SUPERVISORS, 200), default=404, sensitive=True),
    RouteCase("offenders:search", expect=CHANGERS, default=404),
    RouteCase("offenders:planner", expect=CHANGERS, default=404, sensitive=True),
    RouteCase("offenders:calendar_token", method="post", expect=CHANGERS, default=404),
    RouteCase("offenders:calendar_feed", kwargs=_feed, anonymous=200, sensitive=True),
    RouteCase(
        "offenders:offender",
        kwargs=_pk,
        expect=VIEWERS,
        default=404,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "offenders:photo",
        kwargs=_photo,
        expect=VIEWERS,
        default=404,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "offenders:visit_record",
        kwargs=_pk,
        expect=CHANGERS,
        sensitive=True,
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:visit_record",
        kwargs=_pk,
        method="post",
        data=_visit_body,
        id="post",
        expect=_only((*MANAGERS, "administrator"), 302),
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:conviction_add",
        kwargs=_pk,
        expect=CHANGERS,
        sensitive=True,
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:notification_record",
        kwargs=_pk,
        expect=CHANGERS,
        sensitive=True,
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:risk",
        kwargs=_pk,
        expect=CHANGERS,
        sensitive=True,
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:management",
        kwargs=_pk,
        expect=CHANGERS,
        sensitive=True,
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:transfer",
        kwargs=_pk,
        expect=CHANGERS,
        sensitive=True,
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:details_add",
        kwargs=_pk,
        method="post",
        data=lambda f: {"section": "alias", "last_name": "Routeson"},
        expect=_only((*MANAGERS, "administrator"), 302),
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:warrant",
        kwargs=_pk,
        method="post",
        data=lambda f: {"action": "apply", "on": "2024-05-01", "address": "1 Test Road"},
        expect=_only((*MANAGERS, "administrator"), 302),
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "offenders:task",
        kwargs=_task_pk,
        expect=VIEWERS,
        default=404,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "offenders:breach",
        kwargs=_breach,
        expect=VIEWERS,
        default=404,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase("api-1:list_nominals", sensitive=True),
    RouteCase(
        "api-1:get_nominal",
        kwargs=_api_pk,
        expect=VIEWERS,
        default=404,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase("api-1:list_offender_visits", sensitive=True),
    RouteCase(
        "api-1:create_offender_visit",
        method="post",
        data=_api_visit_body,
        expect=_only((*MANAGERS, "administrator"), 201),
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase("api-1:list_offender_tasks", sensitive=True),
    RouteCase(
        "api-1:close_offender_task",
        kwargs=_task_api,
        method="post",
        data=lambda f: {"decision": "reviewed", "rationale": "risk reviewed at MAPPA"},
        expect=_only((*MANAGERS, "administrator"), 200),
        default=404,
        outsider=404,
        outsider_exempt=("administrator",),
    ),
]
