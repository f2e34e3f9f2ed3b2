"""Triage lab routes in the permission matrix (see tests/routecases.py).

The device lives in borough A and was submitted to borough A's lab. Examiners and OCSAE investigators of that
lab, and borough A's investigators, supervisors and detective inspector see it; the same roles in borough B
get 404. Administrators and professional standards see every device (outsider-exempt).
"""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from tests.routecases import RouteCase

ROLES = (
    "offender-manager",
    "mosovo-supervisor",
    "detective-inspector",
    "investigator",
    "investigation-supervisor",
    "digital-forensic-examiner",
    "ocsae-investigator",
    "victim-care-officer",
    "performance-analyst",
    "inspector",
    "professional-standards",
    "administrator",
)
EVERYWHERE = ("administrator", "professional-standards")


def _only(ok: int, *roles: str) -> dict[str, int]:
    return {r: (ok if r in roles else 404) for r in ROLES}


VIEWERS = (
    "administrator",
    "professional-standards",
    "digital-forensic-examiner",
    "ocsae-investigator",
    "investigator",
    "investigation-supervisor",
    "detective-inspector",
)
HANDLERS = (
    "administrator",
    "digital-forensic-examiner",
    "ocsae-investigator",
    "investigator",
    "investigation-supervisor",
    "detective-inspector",
)
EXAMINERS = ("administrator", "digital-forensic-examiner")
LAB = ("administrator", "digital-forensic-examiner", "ocsae-investigator")
DEVICE_LIST = (*VIEWERS, "offender-manager", "mosovo-supervisor")

_n = count(1)


def _device(force: Any) -> dict[str, Any]:
    from tests.triage.lab_support import make_device

    return {"pk": make_device(force).pk}


def _accredited_examiner(force: Any) -> dict[str, Any]:
    """Assign to borough A's examiner, accredited: a refused assignment shows the page again (200)."""
    from custos.workforce.models import Accreditation

    person = force.people["digital-forensic-examiner@A"]
    Accreditation.objects.get_or_create(
        person=person, specialism="digital-forensics", defaults={"accredited_on": date(2020, 1, 1)}
    )
    return {"examiner": person.pk}


def _device_without_hits(force: Any) -> dict[str, Any]:
    """A device triaged with no hits, which may be returned (a refused return shows the page again: 200)."""
    from tests.triage.lab_support import make_device, report_without_hits

    from custos.triage import services

    device = make_device(force)
    services.result_upload(actor=None, device=device, report=report_without_hits())
    return {"pk": device.pk}


def _device_id(force: Any) -> dict[str, Any]:
    return {"device_id": _device(force)["pk"]}


def _result(force: Any) -> dict[str, Any]:
    from tests.triage.lab_support import make_device, report_with_hits

    from custos.triage import services

    device = make_device(force)
    result, _ = services.result_upload(actor=None, device=device, report=report_with_hits())
    return {"pk": result.pk}


def _result_id(force: Any) -> dict[str, Any]:
    return {"result_id": _result(force)["pk"]}


def _hashset(force: Any) -> dict[str, Any]:
    from custos.triage.models import HashSet

    hs, _ = HashSet.objects.get_or_create(name="Route set", defaults={"kind": "known-bad"})
    return {"pk": hs.pk}


def _new_device(force: Any) -> dict[str, Any]:
    n = next(_n)
    return {
        "exhibit_reference": f"API/{n:05d}",
        "device_type": "laptop",
        "seal_number": f"S{n}",
        "seized_from": "premises",
        "premises": "1 Test Street",
        "lab_id": force.teams["digital-forensics-lab@A"].pk,
        "referral_grade": "high",
    }


def _report(force: Any) -> dict[str, Any]:
    from tests.triage.lab_support import report_with_hits

    r = report_with_hits()
    r["generated_at"] = f"2026-11-25T10:{next(_n) % 60:02d}:00Z-{next(_n)}"  # a new report each time
    return r


CUSTODY = {
    "to_holder": "Lab store",
    "location": "Exhibits store",
    "purpose": "Storage",
    "seal_number": "S9",
    "seal_intact": True,
}

ROUTES = [
    RouteCase("triage:queue", expect=_only(200, *DEVICE_LIST), sensitive=True),
    RouteCase("triage:worklist", expect=_only(200, *LAB), sensitive=True),
    RouteCase("triage:device_create", expect=_only(200, *HANDLERS)),
    RouteCase(
        "triage:device",
        kwargs=_device,
        expect=_only(200, *VIEWERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        sensitive=True,
    ),
    RouteCase(
        "triage:custody_add",
        kwargs=_device,
        method="post",
        expect=_only(302, *HANDLERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        data=lambda f: dict(CUSTODY, seal_intact="on"),
    ),
    RouteCase(
        "triage:result_upload",
        kwargs=_device,
        expect=_only(200, *HANDLERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        sensitive=True,
    ),
    RouteCase(
        "triage:device_assign",
        kwargs=_device,
        method="post",
        expect=_only(302, *EXAMINERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        data=_accredited_examiner,
    ),
    RouteCase(
        "triage:device_return",
        kwargs=_device_without_hits,
        method="post",
        expect=_only(302, *EXAMINERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        data=lambda f: {"reason": "Nothing found on triage"},
    ),
    RouteCase(
        "triage:device_complete",
        kwargs=_device,
        method="post",
        expect=_only(302, *EXAMINERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        data=lambda f: {"category_a": 0, "category_b": 0, "category_c": 1, "notes": "done"},
    ),
    RouteCase(
        "triage:result",
        kwargs=_result,
        expect=_only(200, *VIEWERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        sensitive=True,
    ),
    RouteCase("triage:hashsets", expect=_only(200, *LAB)),
    RouteCase("triage:hashset_import", expect=_only(200, *EXAMINERS)),
    RouteCase("triage:hashset", kwargs=_hashset, expect=_only(200, *LAB)),
    RouteCase("triage:hashset_toggle", kwargs=_hashset, method="post", expect=_only(302, *EXAMINERS)),
    RouteCase("triage:grading", expect=_only(200, *LAB)),
    RouteCase("api-1:list_devices", expect=_only(200, *DEVICE_LIST), sensitive=True),
    RouteCase(
        "api-1:get_device",
        kwargs=_device_id,
        expect=_only(200, *VIEWERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        sensitive=True,
    ),
    RouteCase("api-1:create_device", method="post", expect=_only(201, *HANDLERS), data=_new_device),
    RouteCase(
        "api-1:record_device_custody",
        kwargs=_device_id,
        method="post",
        expect=_only(201, *HANDLERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        data=lambda f: CUSTODY,
    ),
    RouteCase(
        "api-1:upload_triage_result",
        kwargs=_device_id,
        method="post",
        expect=_only(201, *HANDLERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        data=_report,
    ),
    RouteCase(
        "api-1:list_triage_results",
        kwargs=_device_id,
        expect=_only(200, *VIEWERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        sensitive=True,
    ),
    RouteCase(
        "api-1:get_triage_result",
        kwargs=_result_id,
        expect=_only(200, *VIEWERS),
        outsider=404,
        outsider_exempt=EVERYWHERE,
        sensitive=True,
    ),
    RouteCase("api-1:lab_queue", expect=_only(200, *DEVICE_LIST), sensitive=True),
    RouteCase("api-1:list_hashsets", expect=_only(200, *LAB)),
]
