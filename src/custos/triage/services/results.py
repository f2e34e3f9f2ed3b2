"""Triage results: a scanner report attached to a device, and the offender manager told of a hit on an
RSO's device."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from custos.core import audit
from custos.core.access import scope_of
from custos.core.policy import Policy, current_policy
from custos.triage import access, links
from custos.triage.models import (
    DecisionKind,
    Device,
    DeviceDecision,
    DeviceStatus,
    TriageFileMatch,
    TriageResult,
    Verdict,
)
from custos.triage.services.devices import NOT_ALLOWED, _user

log = logging.getLogger(__name__)

REPORT_NOT_JSON = "The report is not valid JSON: {error}"
REPORT_SHAPE = "The report is not a Custos triage report: {detail}"
REPORT_NULL_CHARACTER = (
    "The report has a null character (\\u0000) in {location}. No file system name or hash holds one: the "
    "report was not written by the Custos scanner or was altered since. Scan the image again."
)
REPORT_SCHEMA = "Report schema version {found} is not supported (this server reads {supported}.x)."
SUPPORTED_SCHEMA_MAJOR = "1"
OFFENDER_LINK_PENDING = "pending"
OFFENDER_LINK_DONE = "done"


MATCH_CATEGORIES = ("A", "B", "C", "non-indecent", "uncategorised", "known")
MATCH_KINDS = ("exact", "perceptual")


def _refuse(detail: str) -> ValidationError:
    return ValidationError(REPORT_SHAPE.format(detail=detail))


def _is_count(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def _check_types(report: dict[str, Any]) -> None:
    """The fields this server stores and shows must have the schema's types (docs/triage-report-schema.md):
    a report that passed the key checks but holds, say, a string distance must be refused here, not fail
    half-way through the write or leave a result whose page cannot be shown."""
    for key in ("source", "generator"):
        if report.get(key) is not None and not isinstance(report[key], dict):
            raise _refuse(f"'{key}' must be an object")
    verification = (report.get("source") or {}).get("verification")
    if verification is not None and not isinstance(verification, dict):
        raise _refuse("'source.verification' must be an object")
    if report.get("hashsets") is not None and not isinstance(report["hashsets"], list):
        raise _refuse("'hashsets' must be a list")
    summary = report["summary"]
    for key in ("by_category", "by_kind", "by_category_and_kind"):
        if summary.get(key) is not None and not isinstance(summary[key], dict):
            raise _refuse(f"'summary.{key}' must be an object")
    for key in ("files_total", "known_good_files", "deleted_files", "error_files"):
        if not _is_count(summary.get(key)):
            raise _refuse(f"'summary.{key}' must be a whole number")
    for i, rec in enumerate(report["files"]):
        if not _is_count(rec.get("size")):
            raise _refuse(f"files[{i}].size must be a whole number")
        if rec.get("matches") is not None and not isinstance(rec["matches"], list):
            raise _refuse(f"files[{i}].matches must be a list")
        for m in rec.get("matches") or []:
            if m["category"] not in MATCH_CATEGORIES:
                raise _refuse(f"files[{i}].matches category must be one of {', '.join(MATCH_CATEGORIES)}")
            if m["kind"] not in MATCH_KINDS:
                raise _refuse(f"files[{i}].matches kind must be exact or perceptual")
            if not _is_count(m.get("distance")):
                raise _refuse(f"files[{i}].matches distance must be a whole number")


def _null_character_at(value: Any, location: str) -> str | None:
    """Where the first NUL is, as 'files[3].path': PostgreSQL can store it neither in text nor in jsonb."""
    if isinstance(value, str):
        return location or "the report" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{location}.{key}" if location else str(key)
            found = _null_character_at(key, where) or _null_character_at(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _null_character_at(item, f"{location}[{index}]")
            if found:
                return found
    return None


def _shape(report: Any) -> dict[str, Any]:
    if not isinstance(report, dict):
        raise ValidationError(REPORT_SHAPE.format(detail="it must be a JSON object"))
    location = _null_character_at(report, "")
    if location:
        raise ValidationError(REPORT_NULL_CHARACTER.format(location=location))
    for key in ("schema_version", "files", "summary"):
        if key not in report:
            raise ValidationError(REPORT_SHAPE.format(detail=f"'{key}' is missing"))
    major = str(report["schema_version"]).split(".", 1)[0]
    if major != SUPPORTED_SCHEMA_MAJOR:
        raise ValidationError(
            REPORT_SCHEMA.format(found=report["schema_version"], supported=SUPPORTED_SCHEMA_MAJOR)
        )
    if not isinstance(report["files"], list) or not isinstance(report["summary"], dict):
        raise ValidationError(REPORT_SHAPE.format(detail="'files' must be a list and 'summary' an object"))
    for key in ("by_category", "by_kind", "likely_iioc"):
        if key not in report["summary"]:
            raise ValidationError(REPORT_SHAPE.format(detail=f"'summary.{key}' is missing"))
    for i, rec in enumerate(report["files"]):
        if not isinstance(rec, dict) or "path" not in rec:
            raise ValidationError(REPORT_SHAPE.format(detail=f"files[{i}] has no 'path'"))
        matches = rec.get("matches") or []
        for m in matches if isinstance(matches, list) else []:
            if not isinstance(m, dict) or not {"set", "category", "kind"} <= set(m):
                raise ValidationError(
                    REPORT_SHAPE.format(detail=f"files[{i}].matches needs set, category, kind")
                )
    _check_types(report)
    return report


def parse_report(raw: bytes | str) -> dict[str, Any]:
    try:
        return _shape(json.loads(raw))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(REPORT_NOT_JSON.format(error=exc)) from None


_SEVERITY = {"A": 0, "B": 1, "C": 2, "uncategorised": 3, "non-indecent": 4, "known": 5}


def _file_match(result: TriageResult, rec: dict[str, Any]) -> TriageFileMatch | None:
    matches = [m for m in rec.get("matches") or [] if isinstance(m, dict)]
    if rec.get("known_good") or not matches:
        return None
    worst = min(matches, key=lambda m: (_SEVERITY.get(str(m["category"]), 9), m["kind"] != "exact"))
    kind = "exact" if any(m["kind"] == "exact" for m in matches) else "perceptual"
    return TriageFileMatch(
        result=result,
        path=str(rec["path"])[:1000],
        size=int(rec.get("size") or 0),
        deleted=bool(rec.get("deleted")),
        md5=str(rec.get("md5") or "")[:32],
        sha1=str(rec.get("sha1") or "")[:40],
        sha256=str(rec.get("sha256") or "")[:64],
        pdq=str(rec.get("pdq") or "")[:64],
        category=str(worst["category"])[:14],
        kind=kind,
        distance=min(int(m.get("distance") or 0) for m in matches),
        matches=[{k: m.get(k) for k in ("set", "category", "kind", "distance")} for m in matches],
    )


def _verdict(summary: dict[str, Any], matched: int) -> str:
    if summary.get("likely_iioc"):
        return Verdict.LIKELY_IIOC
    if matched:
        return Verdict.HITS
    # The scanner read no file from the image (no file system it knows): absence of hits proves nothing,
    # so the device stays "not triaged" and keeps its need for a full examination.
    return Verdict.NOT_TRIAGED if summary.get("nothing_read") else Verdict.NO_HITS


@transaction.atomic
def result_upload(
    *, actor: Any, device: Device, report: dict[str, Any], policy: Policy | None = None
) -> tuple[TriageResult, bool]:
    """Attach a scanner report to a device: (result, created). Uploading the same report again is a no-op.

    Only what matched is kept per file (path, hashes, category, kind, distance): never an image.
    """
    if actor is not None and not access.can_handle_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    policy = policy or current_policy()
    report = _shape(report)
    digest = hashlib.sha256(json.dumps(report, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    existing = TriageResult.objects.filter(device=device, report_sha256=digest).first()
    if existing is not None:
        return existing, False
    summary = report["summary"]
    source = report.get("source") or {}
    result = TriageResult.objects.create(
        device=device,
        report_sha256=digest,
        schema_version=str(report["schema_version"])[:10],
        generator_version=str((report.get("generator") or {}).get("version") or "")[:40],
        generated_at=str(report.get("generated_at") or "")[:40],
        source_path=str(source.get("path") or "")[:500],
        source_kind=str(source.get("kind") or "")[:30],
        verification=source.get("verification"),
        files_total=int(summary.get("files_total") or len(report["files"])),
        known_good_files=int(summary.get("known_good_files") or 0),
        deleted_files=int(summary.get("deleted_files") or 0),
        error_files=int(summary.get("error_files") or 0),
        by_category=summary.get("by_category") or {},
        by_kind=summary.get("by_kind") or {},
        by_category_and_kind=summary.get("by_category_and_kind") or {},
        hashsets=[
            {k: h.get(k) for k in ("name", "format", "role", "version", "entries")}
            for h in report.get("hashsets") or []
            if isinstance(h, dict)
        ],
        likely_iioc=bool(summary.get("likely_iioc")),
        likely_iioc_reason=str(summary.get("likely_iioc_reason") or "")[:500],
        most_severe_category=str(summary.get("most_severe_category") or "")[:14],
        lab_priority=str(summary.get("lab_priority") or "")[:20],
        verdict=Verdict.NO_HITS,
        report_policy_version=str(report.get("policy_version") or "")[:40],
        policy_version=policy.version,
        uploaded_by=_user(actor),
    )
    rows = [m for m in (_file_match(result, rec) for rec in report["files"]) if m is not None]
    TriageFileMatch.objects.bulk_create(rows, batch_size=2000)
    result.matched_files = len(rows)
    result.verdict = _verdict(summary, len(rows))
    if not result.most_severe_category and rows:
        result.most_severe_category = min((r.category for r in rows), key=lambda c: _SEVERITY.get(c, 9))
    result.save(update_fields=["matched_files", "verdict", "most_severe_category"])
    Device.objects.filter(pk=device.pk).update(
        verdict=result.verdict,
        most_severe_category=result.most_severe_category,
        matched_files=result.matched_files,
        latest_result=result,
        version=F("version") + 1,
    )
    device.refresh_from_db()
    if device.status == DeviceStatus.RETURNED and result.verdict in (Verdict.HITS, Verdict.LIKELY_IIOC):
        _requeue(actor=actor, device=device, result=result, policy=policy)
    audit.record(
        actor=actor,
        action="custos.triage_result.uploaded",
        obj=device,
        changes={
            "result": result.pk,
            "verdict": result.verdict,
            "matched_files": result.matched_files,
            "by_category": result.by_category,
        },
        sensitive=True,
    )
    if result.matched_files and device.offender_id is not None:
        offender_link(actor=actor, device=device, result=result)
    return result, True


def _requeue(*, actor: Any, device: Device, result: TriageResult, policy: Policy) -> None:
    """A device returned without full examination (triage found nothing then) on which a later triage
    finds hits goes back into the lab queue: a device with hits is never simply returned."""
    Device.objects.filter(pk=device.pk).update(status=DeviceStatus.QUEUED, version=F("version") + 1)
    device.refresh_from_db()
    DeviceDecision.objects.create(
        device=device,
        kind=DecisionKind.REQUEUED,
        reason=f"Triage result uploaded after the device was returned: {result.get_verdict_display()}.",
        findings={"verdict": result.verdict},
        policy_version=policy.version,
        decided_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="custos.device.requeued",
        obj=device,
        changes={"result": result.pk, "verdict": result.verdict},
        sensitive=True,
    )


def upload_report(path: str, device_id: int, actor: Any = None) -> tuple[TriageResult, bool]:
    """``custos triage upload REPORT.json --device ID``: read a report file and attach it."""
    device = Device.objects.select_related("lab").filter(pk=device_id).first()
    if device is None or (actor is not None and not access.can_view_device(scope_of(actor), device)):
        raise ValidationError(f"No device {device_id}, or it is outside your need-to-know.")
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}") from None
    return result_upload(actor=actor, device=device, report=parse_report(raw))


def offender_link(*, actor: Any, device: Device, result: TriageResult | None = None) -> str:
    """Tell offender management of a hit on a registered offender's device (once per device).

    Calls ``custos.offenders.services.triage_hit_on_nominal`` (risk-review and unannounced-visit tasks for
    the offender manager) when the offenders app provides it; otherwise records the link as pending, to
    be retried by the nightly sweep.
    """
    if device.offender_id is None or device.offender_link == OFFENDER_LINK_DONE:
        return device.offender_link
    hook = links.offender_hook()
    if hook is None:
        if device.offender_link != OFFENDER_LINK_PENDING:
            Device.objects.filter(pk=device.pk).update(offender_link=OFFENDER_LINK_PENDING)
            device.offender_link = OFFENDER_LINK_PENDING
            log.warning(
                "triage hit on offender %s: offenders app has no triage_hit_on_nominal yet",
                device.offender_id,
            )
            audit.record(
                actor=actor,
                action="custos.device.offender_link_pending",
                obj=device,
                changes={"offender_id": device.offender_id, "result": result.pk if result else None},
                sensitive=True,
            )
        return device.offender_link
    outcome = hook(offender_id=device.offender_id, device=device, actor=actor)
    Device.objects.filter(pk=device.pk).update(offender_link=OFFENDER_LINK_DONE)
    device.offender_link = OFFENDER_LINK_DONE
    policy = current_policy()
    DeviceDecision.objects.create(
        device=device,
        kind=DecisionKind.OFFENDER_LINK,
        reason="Triage hit on a registered offender's device: offender manager told "
        "(risk review and unannounced visit).",
        findings={"offender_id": device.offender_id, "outcome": audit._json_safe(outcome)},
        policy_version=policy.version,
        decided_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="custos.device.offender_linked",
        obj=device,
        changes={"offender_id": device.offender_id},
        sensitive=True,
    )
    return OFFENDER_LINK_DONE
