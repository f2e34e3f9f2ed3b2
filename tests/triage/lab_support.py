"""Helpers for the lab-side (Django) triage tests: devices, examiners and scanner-shaped reports."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from typing import Any

from django.utils import timezone


def lab_team(force: Any, borough: str = "A") -> Any:
    return force.teams[f"digital-forensics-lab@{borough}"]


def accredit(person: Any, *, on: date | None = None, expires: date | None = None) -> Any:
    from custos.workforce.models import Accreditation

    return Accreditation.objects.create(
        person=person,
        specialism="digital-forensics",
        accredited_on=on or date(2020, 1, 1),
        expires_on=expires,
    )


def make_device(force: Any, borough: str = "A", **kw: Any) -> Any:
    """A device seized in ``borough`` for that borough's lab, created through the service (custody opened)."""
    from custos.triage import services

    n = uuid.uuid4().hex[:10].upper()  # unique even if this module is imported under two names
    data: dict[str, Any] = {
        "exhibit_reference": f"EX/{borough}/{n}",
        "device_type": "phone",
        "seal_number": f"SEAL{n}",
        "seized_from": "suspect",
        "seized_at": timezone.now() - timedelta(days=2),
        "crime_reference": f"CR/{borough}/{n}",
        "suspect_name": "Suspect Example",
        "borough_id": force.boroughs[borough].pk,
        "lab_id": lab_team(force, borough).pk,
        "submitted_on": date.today(),
    }
    data.update(kw)
    return services.device_create(actor=force.user("administrator", borough), data=data)


def digest(data: bytes) -> dict[str, str]:
    return {
        "md5": hashlib.md5(data).hexdigest(),  # noqa: S324 - forensic digest, not security
        "sha1": hashlib.sha1(data).hexdigest(),  # noqa: S324
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def file_record(
    path: str, data: bytes, matches: list[dict[str, Any]] | None = None, **kw: Any
) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "path": path,
        "size": len(data),
        "deleted": False,
        **digest(data),
        "pdq": None,
        "pdq_quality": None,
        "matches": matches or [],
        "known_good": False,
    }
    rec.update(kw)
    return rec


def report(files: list[dict[str, Any]], *, likely: bool | None = None) -> dict[str, Any]:
    """A report shaped like the scanner's (schema 1.0), with the summary computed from ``files``."""
    severity = {"A": 0, "B": 1, "C": 2, "uncategorised": 3, "non-indecent": 4}
    by_category = dict.fromkeys(severity, 0)
    by_kind = {"exact": 0, "perceptual": 0}
    by_ck = {c: {"exact": 0, "perceptual": 0} for c in severity}
    for f in files:
        if not f["matches"] or f.get("known_good"):
            continue
        cat = min((m["category"] for m in f["matches"]), key=lambda c: severity[c])
        kind = "exact" if any(m["kind"] == "exact" for m in f["matches"]) else "perceptual"
        by_category[cat] += 1
        by_kind[kind] += 1
        by_ck[cat][kind] += 1
    hits = sum(by_category[c] for c in ("A", "B", "C", "uncategorised"))
    found = [c for c in severity if by_category[c]]
    return {
        "schema_version": "1.0",
        "policy_version": "test",
        "generator": {"name": "custos-triage", "version": "0.1"},
        "generated_at": "2026-11-25T10:00:00Z",
        "source": {"path": "/evidence/phone", "kind": "folder"},
        "hashsets": [{"name": "VIC", "format": "vics", "role": "known-bad", "version": "2.0", "entries": 10}],
        "files": files,
        "summary": {
            "by_category": by_category,
            "by_kind": by_kind,
            "by_category_and_kind": by_ck,
            "matched_files": sum(by_kind.values()),
            "likely_iioc": hits > 0 if likely is None else likely,
            "likely_iioc_reason": f"{hits} file(s) matched",
            "most_severe_category": found[0] if found else None,
            "lab_priority": "urgent" if hits else "routine",
            "files_total": len(files),
            "known_good_files": sum(1 for f in files if f.get("known_good")),
            "deleted_files": 0,
            "error_files": 0,
        },
    }


def hit(category: str = "A", kind: str = "exact", distance: int = 0, set_name: str = "VIC") -> dict[str, Any]:
    return {"set": set_name, "category": category, "kind": kind, "distance": distance}


def report_with_hits() -> dict[str, Any]:
    return report(
        [
            file_record("/DCIM/a.jpg", b"image-a", [hit("A")]),
            file_record("/DCIM/b.jpg", b"image-b", [hit("C", "perceptual", 12)]),
            file_record("/DCIM/c.jpg", b"image-c"),
        ]
    )


def report_without_hits() -> dict[str, Any]:
    return report([file_record("/docs/x.txt", b"nothing"), file_record("/docs/y.txt", b"nothing else")])
