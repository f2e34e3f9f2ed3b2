"""Every lab page that changes a device refuses the same role of another borough (a device of borough A's
crime, in borough A's lab): 404 and nothing changes (see tests/workforce/outsiders.py). That includes a
triage report uploaded through the web page: an outsider cannot attach one to a device they cannot see."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.triage.lab_support import make_device, report_without_hits
from tests.triage.routes import CUSTODY, _accredited_examiner, _device_without_hits
from tests.workforce.outsiders import OutsiderPost, check, ids


def _device_page(name: str) -> Any:
    return lambda f: reverse(f"triage:{name}", args=[make_device(f).pk])


def _report(force: Any) -> dict[str, Any]:
    body = json.dumps(report_without_hits()).encode()
    return {"report": SimpleUploadedFile("triage.json", body, content_type="application/json")}


def _handler_cases(inside: str, outsider: str, label: str) -> list[OutsiderPost]:
    return [
        OutsiderPost(
            f"custody_add/{label}",
            inside,
            outsider,
            _device_page("custody_add"),
            lambda f: dict(CUSTODY, seal_intact="on"),
        ),
        OutsiderPost(f"result_upload/{label}", inside, outsider, _device_page("result_upload"), _report),
    ]


def _examiner_cases(label: str) -> list[OutsiderPost]:
    inside, outsider = "digital-forensic-examiner@A", "digital-forensic-examiner@B"
    return [
        OutsiderPost(
            f"device_assign/{label}", inside, outsider, _device_page("device_assign"), _accredited_examiner
        ),
        OutsiderPost(
            f"device_return/{label}",
            inside,
            outsider,
            lambda f: reverse("triage:device_return", args=[_device_without_hits(f)["pk"]]),
            lambda f: {"reason": "Nothing found on triage"},
        ),
        OutsiderPost(
            f"device_complete/{label}",
            inside,
            outsider,
            _device_page("device_complete"),
            lambda f: {"category_a": 0, "category_b": 0, "category_c": 1, "notes": "done"},
        ),
    ]


CASES = [
    *_handler_cases("investigator@A", "investigator@B", "other-borough"),
    *_handler_cases("digital-forensic-examiner@A", "digital-forensic-examiner@B", "other-borough-lab"),
    *_handler_cases("ocsae-investigator@A", "ocsae-investigator@B", "other-borough-ocsae"),
    *_examiner_cases("other-borough-lab"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_an_outsider_changes_no_device_and_gets_404(case: OutsiderPost, force: Any, client_for: Any) -> None:
    check(case, force, client_for)
