"""Writes for devices, chain of custody, triage results, examiners' decisions and grading. All audited.

Hash-set imports and the triage kit live in ``custos.triage.hashstore``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.core.policy import Policy, current_policy
from custos.triage import access, links
from custos.triage.grading import Vote, consensus, fingerprint
from custos.triage.hashstore import store_entries
from custos.triage.models import (
    Category,
    CustodyEvent,
    DecisionKind,
    Device,
    DeviceDecision,
    DeviceStatus,
    Grading,
    HashSet,
    SetKind,
    TriageFileMatch,
    TriageResult,
    Verdict,
)
from custos.triage.ranking import RiskFacts, full_examination_required
from custos.triage.scanner.hashsets import HashEntry
from custos.workforce.models import Person, Team, TeamType

log = logging.getLogger(__name__)

NOT_ALLOWED = "You cannot do this on this device."
NOT_A_LAB = "The lab must be a digital forensics lab team."
OTHER_BOROUGH = "You can only submit devices for your own borough's crimes."
NO_BOROUGH = "Give the borough of the investigation."
DEVICE_CLOSED = "This device has left the lab queue ({status})."
RETURN_REFUSED = "This device needs a full examination: {reasons}."
REPORT_NOT_JSON = "The report is not valid JSON: {error}"
REPORT_SHAPE = "The report is not a Custos triage report: {detail}"
REPORT_SCHEMA = "Report schema version {found} is not supported (this server reads {supported}.x)."
NEEDS_A_HASH = "Give at least one of MD5, SHA-1 or SHA-256."
BAD_HEX = "{kind} must be {n} hexadecimal digits."
ALREADY_GRADED = "You have already graded this item; gradings must come from different examiners."
NOT_AN_EXAMINER = "Only digital forensic examiners grade material."
SUPPORTED_SCHEMA_MAJOR = "1"
LOCAL_SET_NAME = "Force graded set (local)"
OFFENDER_LINK_PENDING = "pending"
OFFENDER_LINK_DONE = "done"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- devices and custody ---------------------------------------------------------------------------


DEVICE_FIELDS = [
    "exhibit_reference",
    "device_type",
    "make_model",
    "capacity_bytes",
    "seal_number",
    "seized_from",
    "seized_at",
    "premises",
    "seized_by_id",
    "crime_reference",
    "suspect_name",
    "offender_id",
    "borough_id",
    "lab_id",
    "suspect_access_to_children",
    "suspect_is_rso",
    "contact_offending_indicators",
    "kirat_level",
    "referral_grade",
    "referral_received_on",
    "submitted_on",
]


@transaction.atomic
def device_create(*, actor: Any, data: dict[str, Any]) -> Device:
    """Record a seized device, enter it in its lab's queue and open its chain of custody."""
    s = scope_of(actor)
    if actor is not None and not access.can_create_device(s):
        raise PermissionError(NOT_ALLOWED)
    fields = {k: v for k, v in data.items() if k in DEVICE_FIELDS}
    crime = links.crime_for(fields.get("crime_reference") or "")
    if crime is not None and getattr(crime, "borough_id", None):
        fields["borough_id"] = crime.borough_id  # the investigation's borough, not the form's
    if not fields.get("borough_id"):
        fields["borough_id"] = s.borough_id
    if not fields.get("borough_id"):
        raise ValidationError({"borough_id": [NO_BOROUGH]})
    lab = Team.objects.filter(pk=fields.get("lab_id") or 0).first()
    if lab is None or lab.team_type != TeamType.DIGITAL_FORENSICS_LAB:
        raise ValidationError({"lab_id": [NOT_A_LAB]})
    if (
        actor is not None
        and not s.is_admin
        and not s.has(*access.LAB_ROLES)
        and fields["borough_id"] != s.borough_id
    ):
        raise ValidationError({"borough_id": [OTHER_BOROUGH]})
    if fields.get("offender_id") is not None:
        fields["suspect_is_rso"] = True  # linked to an RSO nominal
    fields.setdefault("submitted_on", timezone.localdate())
    fields.setdefault("seized_at", timezone.now())
    device = Device(**fields, created_by=_user(actor))
    device.full_clean(exclude=["borough", "lab", "seized_by", "examiner", "latest_result", "created_by"])
    device.save()
    seizer = Person.objects.filter(pk=device.seized_by_id).first() if device.seized_by_id else None
    CustodyEvent.objects.create(
        device=device,
        sequence=1,
        handed_over_at=device.seized_at,
        from_holder=f"Seized from {device.get_seized_from_display().lower()}"
        + (f" at {device.premises}" if device.premises else ""),
        to_holder=str(seizer) if seizer else str(actor or "system"),
        to_person=seizer,
        location=device.premises or "Point of seizure",
        purpose="Seizure",
        seal_number=device.seal_number,
        seal_intact=True,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="custos.device.created",
        obj=device,
        changes=audit.snapshot(device, DEVICE_FIELDS),
        sensitive=True,
    )
    return device


@transaction.atomic
def custody_record(
    *,
    actor: Any,
    device: Device,
    to_holder: str,
    location: str,
    purpose: str,
    seal_number: str,
    seal_intact: bool = True,
    to_person: Person | None = None,
    handed_over_at: datetime | None = None,
) -> CustodyEvent:
    """Append one handover. The chain is append-only (database triggers refuse UPDATE and DELETE)."""
    if actor is not None and not access.can_handle_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    Device.objects.select_for_update().filter(pk=device.pk).first()  # serialise sequence numbers
    last = device.custody.order_by("-sequence").first()
    sequence = (device.custody.aggregate(m=Max("sequence"))["m"] or 0) + 1
    if not to_holder.strip() or not location.strip() or not purpose.strip() or not seal_number.strip():
        raise ValidationError("Give the new holder, the location, the purpose and the seal number.")
    event = CustodyEvent.objects.create(
        device=device,
        sequence=sequence,
        handed_over_at=handed_over_at or timezone.now(),
        from_holder=last.to_holder if last else "Unknown",
        to_holder=to_holder.strip()[:160] if not to_person else str(to_person)[:160],
        to_person=to_person,
        location=location.strip()[:160],
        purpose=purpose.strip()[:200],
        seal_number=seal_number.strip()[:40],
        seal_intact=seal_intact,
        recorded_by=_user(actor),
    )
    if event.seal_number != device.seal_number:
        Device.objects.filter(pk=device.pk).update(seal_number=event.seal_number, version=F("version") + 1)
        device.seal_number = event.seal_number
    audit.record(
        actor=actor,
        action="custos.device.handed_over",
        obj=device,
        changes={
            "sequence": sequence,
            "to": event.to_holder,
            "seal": event.seal_number,
            "seal_intact": seal_intact,
        },
        sensitive=True,
    )
    return event


# --- triage results ----------------------------------------------------------------------------------


def _shape(report: Any) -> dict[str, Any]:
    if not isinstance(report, dict):
        raise ValidationError(REPORT_SHAPE.format(detail="it must be a JSON object"))
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
        for m in rec.get("matches") or []:
            if not isinstance(m, dict) or not {"set", "category", "kind"} <= set(m):
                raise ValidationError(
                    REPORT_SHAPE.format(detail=f"files[{i}].matches needs set, category, kind")
                )
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
    return Verdict.HITS if matched else Verdict.NO_HITS


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


# --- examiners' decisions ---------------------------------------------------------------------------


def facts_of(device: Device) -> RiskFacts:
    return RiskFacts(
        verdict=device.verdict,
        most_severe_category=device.most_severe_category or None,
        suspect_access_to_children=device.suspect_access_to_children,
        suspect_is_rso=device.suspect_is_rso,
        contact_offending_indicators=device.contact_offending_indicators,
        kirat_level=device.kirat_level,
        referral_grade=device.referral_grade,
        referral_received_on=device.referral_received_on,
        submitted_on=device.submitted_on,
    )


def _likely(device: Device) -> bool:
    return device.verdict == Verdict.LIKELY_IIOC


def _open(device: Device) -> None:
    if device.status not in (DeviceStatus.QUEUED, DeviceStatus.IN_EXAMINATION):
        raise ValidationError(DEVICE_CLOSED.format(status=device.get_status_display().lower()))


@transaction.atomic
def device_assign(*, actor: Any, device: Device, examiner: Person) -> Device:
    if not access.can_examine_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    _open(device)
    policy = current_policy()
    Device.objects.filter(pk=device.pk).update(
        examiner=examiner, status=DeviceStatus.IN_EXAMINATION, version=F("version") + 1
    )
    device.refresh_from_db()
    DeviceDecision.objects.create(
        device=device,
        kind=DecisionKind.ASSIGNED,
        reason=f"Assigned to {examiner}",
        policy_version=policy.version,
        decided_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="custos.device.assigned",
        obj=device,
        changes={"examiner": examiner.pk},
        sensitive=True,
    )
    return device


@transaction.atomic
def device_return(*, actor: Any, device: Device, reason: str, policy: Policy | None = None) -> DeviceDecision:
    """Return a device without full examination: only when triage found nothing and policy allows."""
    if not access.can_examine_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    _open(device)
    policy = policy or current_policy()
    if not reason.strip():
        raise ValidationError({"reason": ["Record why the device is being returned."]})
    need = full_examination_required(facts=facts_of(device), likely_iioc=_likely(device), policy=policy)
    if need.required:
        raise ValidationError(RETURN_REFUSED.format(reasons="; ".join(need.reasons)), code="full-examination")
    Device.objects.filter(pk=device.pk).update(status=DeviceStatus.RETURNED, version=F("version") + 1)
    device.refresh_from_db()
    decision = DeviceDecision.objects.create(
        device=device,
        kind=DecisionKind.RETURNED,
        reason=reason.strip(),
        basis=need.basis,
        findings={"verdict": device.verdict},
        policy_version=policy.version,
        decided_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="custos.device.returned",
        obj=device,
        changes={"reason": reason.strip(), "policy_version": policy.version},
        sensitive=True,
    )
    return decision


@transaction.atomic
def device_examination_complete(
    *, actor: Any, device: Device, findings: dict[str, Any], reason: str = ""
) -> DeviceDecision:
    """Record the examiner's results (counts by category confirmed, notes) and close the examination."""
    if not access.can_examine_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    _open(device)
    clean: dict[str, Any] = {}
    for cat in ("A", "B", "C"):
        value = findings.get(f"category_{cat.lower()}", 0) or 0
        if int(value) < 0:
            raise ValidationError({f"category_{cat.lower()}": ["Counts cannot be negative."]})
        clean[f"category_{cat.lower()}"] = int(value)
    policy = current_policy()
    Device.objects.filter(pk=device.pk).update(status=DeviceStatus.EXAMINED, version=F("version") + 1)
    device.refresh_from_db()
    decision = DeviceDecision.objects.create(
        device=device,
        kind=DecisionKind.EXAMINED,
        reason=reason.strip(),
        findings=clean,
        policy_version=policy.version,
        decided_by=_user(actor),
    )
    audit.record(actor=actor, action="custos.device.examined", obj=device, changes=clean, sensitive=True)
    return decision


# --- grading --------------------------------------------------------------------------------------------


def _hex(value: str, kind: str, n: int) -> str:
    v = (value or "").strip().lower()
    if v and (len(v) != n or any(c not in "0123456789abcdef" for c in v)):
        raise ValidationError({kind: [BAD_HEX.format(kind=kind.upper(), n=n)]})
    return v


def local_set() -> HashSet:
    hs, _ = HashSet.objects.get_or_create(
        name=LOCAL_SET_NAME,
        defaults={
            "kind": SetKind.KNOWN_BAD,
            "source": "Force lab grading",
            "is_local": True,
            "format": "grading",
        },
    )
    return hs


@transaction.atomic
def grading_record(
    *,
    actor: Any,
    category: str,
    md5: str = "",
    sha1: str = "",
    sha256: str = "",
    pdq: str = "",
    device: Device | None = None,
    note: str = "",
    policy: Policy | None = None,
) -> Grading:
    """One examiner's grading. Once enough independent gradings agree (policy), the hash joins the force's
    local set with the agreed category."""
    if not access.can_grade(scope_of(actor)):
        raise PermissionError(NOT_AN_EXAMINER)
    policy = policy or current_policy()
    md5, sha1, sha256 = _hex(md5, "md5", 32), _hex(sha1, "sha1", 40), _hex(sha256, "sha256", 64)
    pdq = _hex(pdq, "pdq", 64)
    if not (md5 or sha1 or sha256):
        raise ValidationError({"sha256": [NEEDS_A_HASH]})
    if category not in (Category.A, Category.B, Category.C, Category.NON_INDECENT):
        raise ValidationError({"category": ["Grade as A, B, C or non-indecent."]})
    # The item is identified by its strongest digest, so examiners who record different subsets agree.
    key = (
        fingerprint(None, None, sha256)
        if sha256
        else fingerprint(None, sha1, None)
        if sha1
        else fingerprint(md5, None, None)
    )
    if Grading.objects.filter(fingerprint=key, examiner=actor).exists():
        raise ValidationError(ALREADY_GRADED, code="duplicate")
    grading = Grading.objects.create(
        fingerprint=key,
        md5=md5,
        sha1=sha1,
        sha256=sha256,
        pdq=pdq,
        category=category,
        examiner=actor,
        device=device,
        note=note[:300],
        policy_version=policy.version,
    )
    audit.record(
        actor=actor,
        action="custos.grading.recorded",
        obj=grading,
        changes={"category": category, "sha256": sha256, "sha1": sha1, "md5": md5},
    )
    siblings = list(Grading.objects.filter(fingerprint=key))
    outcome = consensus([Vote(g.examiner_id, g.category) for g in siblings], policy=policy)
    if outcome.counts and not any(g.counted for g in siblings):
        hs = local_set()
        best = {
            f: next((getattr(g, f) for g in siblings if getattr(g, f)), None)
            for f in ("md5", "sha1", "sha256", "pdq")
        }
        entry = HashEntry(
            line=0,
            md5=best["md5"],
            sha1=best["sha1"],
            sha256=best["sha256"],
            pdq=best["pdq"],
            category=str(outcome.category),
        )
        store_entries(hs, [entry])
        Grading.objects.filter(fingerprint=key).update(counted=True)
        grading.counted = True
        audit.record(
            actor=actor,
            action="custos.hashset.graded_entry_added",
            obj=hs,
            changes={
                "category": outcome.category,
                "votes": outcome.votes,
                "basis": outcome.basis,
                "sha256": best["sha256"],
                "policy_version": policy.version,
            },
        )
    return grading


def today() -> date:
    return timezone.localdate()
