"""Writes to crime records: intake (API, form, police.uk CSV), updates, suspects. Every write is audited."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from custos.core import audit
from custos.core.access import scope_of
from custos.core.concurrency import update_if_version
from custos.core.history import history_snapshot
from custos.core.policy import Policy, current_policy
from custos.crimes import access
from custos.crimes.intake import CATEGORY_DEFAULT_OFFENCE, CrimeFacts, crime_values
from custos.crimes.models import Crime, CrimeStatus, Suspect, SuspectStatus
from custos.crimes.rules import RowError, parse_street_csv
from custos.workforce.models import Borough, Team

NOT_ALLOWED = "You cannot record or change crimes here."
STALE_VERSION = (
    "Someone else changed this crime since you opened it (you had version {had}, it is now {now}). "
    "Reload it, check their changes and try again."
)
REFERENCE_TAKEN = "a crime with reference {reference!r} already exists"
UNKNOWN_BOROUGH = "unknown borough {code!r}"
TEAM_OUTSIDE_BOROUGH = "the team is not in the crime's borough"
ALREADY_IMPORTED = "crime {crime_id} is already recorded as {reference}"
FINALISED_READ_ONLY = "a finalised crime cannot be changed"
SUSPECT_NAME_NEEDED = "a named suspect needs a name"
OFFENDER_REFERENCE_FORMAT = "an offender register reference is letters, digits, '/' or '-' (up to 40)"
OFFENDER_NEEDS_NAMED = "a suspect linked to the offender register is a named suspect"
SUSPECT_STALE = (
    "Someone else changed this suspect since you opened it (you had version {had}, it is now {now}). "
    "Reload it, check their changes and try again."
)
ASB_SKIPPED = "Anti-social behaviour rows are incidents, not crimes; {n} skipped"

OFFENDER_REF = re.compile(r"^[A-Za-z0-9/-]{1,40}$")

# Fields an update through the API or the edit form may change; the tier is recomputed from them.
FACT_FIELDS = (
    "offence_key",
    "occurred_on",
    "reported_on",
    "location",
    "summary",
    "vulnerable_victim",
    "domestic_abuse",
    "hate",
    "child_victim",
    "weapon",
    "serious_injury",
    "commercial_victim",
    "high_risk",
    "threat_to_life",
    "critical_incident",
    "expected_lines_of_enquiry",
    "solvability_factors",
    "series_id",
)
# The THRIVE grading, changed as one record ("thrive" in the update data: element -> value).
THRIVE_FIELDS = {
    "threat": "thrive_threat",
    "harm": "thrive_harm",
    "risk": "thrive_risk",
    "investigation": "thrive_investigation",
    "vulnerability": "thrive_vulnerability",
    "engagement": "thrive_engagement",
    "response_grade": "response_grade",
    "assessed_by": "thrive_assessed_by",
    "repeat_victim": "repeat_victim",
}
AUDITED_FIELDS = (
    *FACT_FIELDS,
    *THRIVE_FIELDS.values(),
    "tier",
    "required_pip",
    "specialism",
    "team_id",
    "policy_version",
)


def new_reference(borough_code: str, recorded_on: date) -> str:
    return f"{borough_code}/{recorded_on:%y}/{uuid.uuid4().hex[:10].upper()}"


def _facts(data: dict[str, Any], suspects: int) -> CrimeFacts:
    known = {k: v for k, v in data.items() if k in CrimeFacts.__dataclass_fields__}
    known["suspects"] = suspects
    return CrimeFacts(**known)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class SuspectIn:
    status: str
    name: str = ""
    description: str = ""
    offender_reference: str = ""


def _suspect_errors(s: SuspectIn) -> list[str]:
    errors = []
    if s.status not in SuspectStatus.values:
        errors.append(f"suspect status must be one of {', '.join(SuspectStatus.values)}")
    if s.status == SuspectStatus.NAMED and not s.name.strip():
        errors.append(SUSPECT_NAME_NEEDED)
    if s.offender_reference:
        if not OFFENDER_REF.match(s.offender_reference):
            errors.append(OFFENDER_REFERENCE_FORMAT)
        elif s.status != SuspectStatus.NAMED:
            errors.append(OFFENDER_NEEDS_NAMED)
    return errors


@transaction.atomic
def crime_create(
    *,
    actor: Any,
    borough: Borough,
    data: dict[str, Any],
    team: Team | None = None,
    reference: str = "",
    suspects: list[SuspectIn] | None = None,
    policy: Policy | None = None,
    today: date | None = None,
) -> Crime:
    """Record a crime, tiering it on intake; the tier, its basis and the policy version are stored."""
    s = scope_of(actor)
    if not (s.is_admin or (access.can_record_crimes(s) and s.borough_id == borough.pk)):
        raise PermissionError(NOT_ALLOWED)
    policy = policy or current_policy()
    suspects = suspects or []
    identified = sum(1 for x in suspects if x.status != SuspectStatus.NOT_IDENTIFIED)
    values, errors = crime_values(
        _facts(data, identified), today=today or timezone.localdate(), policy=policy
    )
    for i, x in enumerate(suspects):
        for message in _suspect_errors(x):
            errors.setdefault(f"suspects.{i}", []).append(message)
    if team is not None and team.borough_id != borough.pk:
        errors.setdefault("team_id", []).append(TEAM_OUTSIDE_BOROUGH)
    reference = reference.strip()
    if reference and Crime.objects.filter(reference=reference).exists():
        errors.setdefault("reference", []).append(REFERENCE_TAKEN.format(reference=reference))
    _raise(errors)
    crime = Crime.objects.create(
        reference=reference or new_reference(borough.code, values["recorded_on"]),
        borough=borough,
        team=team,
        **values,
    )
    Suspect.objects.bulk_create([Suspect(crime=crime, **x.__dict__) for x in suspects])
    audit.record(
        actor=actor,
        action="custos.crime.created",
        obj=crime,
        changes={**audit.snapshot(crime, AUDITED_FIELDS), "suspects": len(suspects)},
    )
    return crime


@transaction.atomic
def crime_update(
    *, actor: Any, crime: Crime, data: dict[str, Any], expected_version: int, policy: Policy | None = None
) -> Crime:
    """Change the recorded facts and re-tier, only if nobody saved since ``expected_version``.

    ``data`` holds any of FACT_FIELDS and, optionally, ``thrive`` (element -> value, merged over the
    recorded grading). The API's PATCH and the edit page both come here, so the re-tiering and the
    victims' entitlement re-evaluation are the same whichever way the change was made.
    """
    if not access.can_change_crime(scope_of(actor), crime):
        raise PermissionError(NOT_ALLOWED)
    if crime.status == CrimeStatus.FINALISED:
        raise ValidationError({"__all__": [FINALISED_READ_ONLY]})
    policy = policy or current_policy()
    before = audit.snapshot(crime, AUDITED_FIELDS)
    facts = {name: getattr(crime, name) for name in FACT_FIELDS}
    facts.update({k: v for k, v in data.items() if k in FACT_FIELDS})
    facts["recorded_on"] = crime.recorded_on
    thrive = {element: getattr(crime, name) for element, name in THRIVE_FIELDS.items()}
    if isinstance(data.get("thrive"), dict):
        thrive.update({k: v for k, v in data["thrive"].items() if k in THRIVE_FIELDS})
    facts["thrive"] = thrive
    identified = crime.suspects.exclude(status=SuspectStatus.NOT_IDENTIFIED).count()
    values, errors = crime_values(_facts(facts, identified), today=timezone.localdate(), policy=policy)
    _raise(errors)
    update_if_version(Crime, crime.pk, expected_version, values, STALE_VERSION)
    crime.refresh_from_db()
    history_snapshot(crime, actor)
    audit.record(
        actor=actor,
        action="custos.crime.updated",
        obj=crime,
        changes=audit.diff(before, audit.snapshot(crime, AUDITED_FIELDS)),
    )
    # A changed offence or flag can change a victim's enhanced entitlement: re-evaluate (audited there).
    from custos.victims.services import crime_facts_changed

    crime_facts_changed(crime=crime, actor=actor, policy=policy)
    return crime


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def suspect_add(*, actor: Any, crime: Crime, suspect: SuspectIn, policy: Policy | None = None) -> Suspect:
    """Add a suspect to a crime still under investigation.

    Adding an identified or named suspect re-tiers the crime exactly as a status edit does (two or more
    identified suspects is a tiering modifier), so the tier never depends on which way the suspect arrived.
    """
    if not access.can_change_crime(scope_of(actor), crime):
        raise PermissionError(NOT_ALLOWED)
    if crime.status == CrimeStatus.FINALISED:
        raise ValidationError({"__all__": [FINALISED_READ_ONLY]})
    errors = _suspect_errors(suspect)
    if errors:
        raise ValidationError({"__all__": errors})
    row = Suspect.objects.create(crime=crime, **suspect.__dict__)
    audit.record(
        actor=actor,
        action="custos.suspect.added",
        obj=row,
        changes={"crime": crime.reference, **suspect.__dict__},
    )
    _suspects_changed(
        actor=actor,
        crime=crime,
        retier=row.status != SuspectStatus.NOT_IDENTIFIED,
        policy=policy or current_policy(),
    )
    return row


# What a suspect edit may change: the status, and the name or offender register link that go with it.
SUSPECT_FIELDS = ("status", "name", "description", "offender_reference")


@transaction.atomic
def suspect_update(
    *,
    actor: Any,
    suspect: Suspect,
    data: dict[str, Any],
    expected_version: int,
    policy: Policy | None = None,
) -> Suspect:
    """Change a suspect's status (not identified, identified, named) and the details that go with it,
    only if nobody saved the suspect since ``expected_version``.

    ``data`` holds any of SUSPECT_FIELDS; the rest stay as recorded. The same checks as at intake apply to
    the result (a named suspect has a name; an offender register link is a named suspect). The crime's own
    version moves on too (its suspects are part of its record), and when the number of identified suspects
    changes the crime is re-tiered, since two or more identified suspects is a tiering modifier.
    """
    crime = suspect.crime
    if not access.can_change_crime(scope_of(actor), crime):
        raise PermissionError(NOT_ALLOWED)
    if crime.status == CrimeStatus.FINALISED:
        raise ValidationError({"__all__": [FINALISED_READ_ONLY]})
    before = {name: getattr(suspect, name) for name in SUSPECT_FIELDS}
    after = dict(before)
    after.update({k: str(v or "").strip() for k, v in data.items() if k in SUSPECT_FIELDS})
    errors = _suspect_errors(SuspectIn(**after))
    if errors:
        raise ValidationError(
            {"status" if after["status"] not in SuspectStatus.values else "__all__": errors}
        )
    update_if_version(Suspect, suspect.pk, expected_version, after, SUSPECT_STALE)
    suspect.refresh_from_db()
    history_snapshot(suspect, actor)
    audit.record(
        actor=actor,
        action="custos.suspect.updated",
        obj=suspect,
        changes={"crime": crime.reference, **audit.diff(before, after)},
    )
    identified_changed = (before["status"] == SuspectStatus.NOT_IDENTIFIED) != (
        after["status"] == SuspectStatus.NOT_IDENTIFIED
    )
    _suspects_changed(actor=actor, crime=crime, retier=identified_changed, policy=policy or current_policy())
    return suspect


def _suspects_changed(*, actor: Any, crime: Crime, retier: bool, policy: Policy) -> None:
    """The crime's suspects changed: move its version on and, if asked, re-tier it on its recorded facts."""
    crime = Crime.objects.select_for_update().get(pk=crime.pk)
    values: dict[str, Any] = {}
    if retier:
        facts: dict[str, Any] = {name: getattr(crime, name) for name in FACT_FIELDS}
        facts["recorded_on"] = crime.recorded_on
        facts["thrive"] = {element: getattr(crime, name) for element, name in THRIVE_FIELDS.items()}
        identified = crime.suspects.exclude(status=SuspectStatus.NOT_IDENTIFIED).count()
        values, errors = crime_values(_facts(facts, identified), today=timezone.localdate(), policy=policy)
        _raise(errors)
    before = audit.snapshot(crime, AUDITED_FIELDS)
    Crime.objects.filter(pk=crime.pk).update(**values, version=F("version") + 1)
    crime.refresh_from_db()
    history_snapshot(crime, actor)
    changes = audit.diff(before, audit.snapshot(crime, AUDITED_FIELDS))
    if changes:
        audit.record(
            actor=actor, action="custos.crime.updated", obj=crime, changes={**changes, "because": "suspects"}
        )


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped_asb: int
    errors: tuple[RowError, ...]
    references: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def crimes_import_csv(
    *, actor: Any, text: str, borough: Borough, policy: Policy | None = None, today: date | None = None
) -> ImportResult:
    """Import a police.uk street CSV: every row valid or nothing written, errors by line number."""
    s = scope_of(actor)
    if not (s.is_admin or (access.can_record_crimes(s) and s.borough_id == borough.pk)):
        raise PermissionError(NOT_ALLOWED)
    policy = policy or current_policy()
    today = today or timezone.localdate()
    parsed = parse_street_csv(text)
    if not parsed.ok:
        return ImportResult(0, 0, parsed.errors, ())
    errors: list[RowError] = []
    rows: list[Crime] = []
    asb = 0
    ids = [c.crime_id for c in parsed.crimes if c.crime_id]
    existing = dict(Crime.objects.filter(police_uk_id__in=ids).values_list("police_uk_id", "reference"))
    for street in parsed.crimes:
        if street.crime_id is None:  # only Anti-social behaviour rows may lack an id
            asb += 1
            continue
        if street.crime_id in existing:
            errors.append(
                RowError(
                    street.line,
                    "Crime ID",
                    ALREADY_IMPORTED.format(
                        crime_id=street.crime_id[:12] + "…", reference=existing[street.crime_id]
                    ),
                )
            )
            continue
        year, month = (int(x) for x in street.month.split("-"))
        recorded = date(year, month, 1)
        facts = CrimeFacts(
            offence_key=CATEGORY_DEFAULT_OFFENCE[street.crime_type],
            recorded_on=recorded,
            occurred_on=recorded,
            reported_on=recorded,
            location=street.location,
            summary=street.context,
        )
        values, problems = crime_values(facts, today=today, policy=policy)
        for name, messages in problems.items():
            for message in messages:
                errors.append(RowError(street.line, "Month" if name.endswith("_on") else name, message))
        if problems:
            continue
        rows.append(
            Crime(
                reference=f"PUK-{street.crime_id[:32]}",
                police_uk_id=street.crime_id,
                borough=borough,
                lsoa_code=street.lsoa_code or "",
                latitude=None if street.latitude is None else round(street.latitude, 6),
                longitude=None if street.longitude is None else round(street.longitude, 6),
                police_uk_outcome=street.last_outcome or "",
                **values,
            )
        )
    if errors:
        return ImportResult(0, asb, tuple(errors), ())
    with transaction.atomic():
        bulk_create_with_history(rows, Crime, batch_size=1000, default_user=_user_or_none(actor))
        audit.record(
            actor=actor,
            action="custos.crime.imported",
            object_type="crimes.crime",
            object_repr=f"{len(rows)} crimes from a police.uk CSV",
            changes={"borough": borough.code, "created": len(rows), "skipped_asb": asb},
        )
    return ImportResult(len(rows), asb, (), tuple(r.reference for r in rows))
