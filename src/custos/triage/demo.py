"""Synthetic lab data: hash sets, seized devices with custody chains, triage results of every verdict, some on
registered offenders' devices, realistic referral SLAs (some will be missed) and a few gradings.

Deterministic from the seed (dates relative to the seeding day); bulk inserts. No image is ever generated: a
triage result is paths, hashes, categories and counts. Examiners' throughput is policy
(``triage.ranking.devices_per_examiner_per_week``) over the seeded lab teams' accredited examiners.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from custos.core.policy import current_policy
from custos.triage import links
from custos.triage.hashstore import store_entries
from custos.triage.models import (
    CustodyEvent,
    DecisionKind,
    Device,
    DeviceDecision,
    DeviceStatus,
    HashSet,
    SetKind,
    TriageFileMatch,
    TriageResult,
    Verdict,
)
from custos.triage.scanner.hashsets import HashEntry
from custos.workforce.models import Borough, Person, Team, TeamType

DEVICES = {"demo": 45, "borough": 120, "london": 600}
GRADES = (("very-high", 0.08), ("high", 0.27), ("medium", 0.35), ("low", 0.2), ("unknown", 0.1))
KIRAT = (("very-high", 0.07), ("high", 0.2), ("medium", 0.35), ("low", 0.28), ("unknown", 0.1))
OUTCOMES = (("likely-iioc", 0.35), ("hits", 0.1), ("no-hits", 0.3), ("not-triaged", 0.25))
TYPES = (
    ("phone", 0.45),
    ("laptop", 0.18),
    ("tablet", 0.1),
    ("desktop", 0.07),
    ("external-drive", 0.08),
    ("usb", 0.06),
    ("memory-card", 0.04),
    ("console", 0.02),
)
MAKES = {
    "phone": ("Samsung Galaxy S23", "Apple iPhone 13", "Google Pixel 7", "Motorola g54"),
    "laptop": ("Dell Latitude 5420", "Apple MacBook Air", "Lenovo ThinkPad T14"),
    "tablet": ("Apple iPad (9th gen)", "Samsung Galaxy Tab A8"),
    "desktop": ("HP ProDesk 400",),
    "external-drive": ("WD Elements 2TB", "Seagate Expansion 4TB"),
    "usb": ("SanDisk Ultra 64GB",),
    "memory-card": ("SanDisk microSD 128GB",),
    "console": ("Sony PlayStation 4",),
}
CAPACITY_GB = {
    "phone": (64, 128, 256),
    "laptop": (256, 512, 1000),
    "tablet": (64, 128),
    "desktop": (500, 1000),
    "external-drive": (2000, 4000),
    "usb": (16, 64),
    "memory-card": (64, 128),
    "console": (500,),
}
FOLDERS = (
    "/DCIM/Camera",
    "/Pictures/Telegram",
    "/WhatsApp/Media/WhatsApp Images",
    "/Users/user/Downloads",
    "/Download",
    "/Android/data/org.telegram.messenger/cache",
)


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _hash_sets(rng: random.Random) -> int:
    rows = 0
    vic, created = HashSet.objects.get_or_create(
        name="Project VIC UK (synthetic demo)",
        defaults={
            "kind": SetKind.KNOWN_BAD,
            "source": "VICS",
            "version": "2.0",
            "format": "vics",
            "category_map": dict(current_policy().get("triage.vics_category_map")),
        },
    )
    if created:
        entries = [
            HashEntry(
                line=i,
                md5=_hex(rng, 32),
                sha1=_hex(rng, 40),
                sha256=_hex(rng, 64),
                pdq=_hex(rng, 64) if i % 4 == 0 else None,
                category=rng.choice(["A", "B", "C", "C", "uncategorised", "non-indecent"]),
            )
            for i in range(1, 3001)
        ]
        rows += sum(store_entries(vic, entries)[1:])
    nsrl, created = HashSet.objects.get_or_create(
        name="NSRL RDS modern minimal (synthetic demo)",
        defaults={
            "kind": SetKind.KNOWN_GOOD,
            "source": "NIST NSRL RDSv3",
            "version": "2026.09.1",
            "format": "csv",
        },
    )
    if created:
        rows += store_entries(
            nsrl,
            [
                HashEntry(line=i, sha1=_hex(rng, 40), md5=_hex(rng, 32), category="known")
                for i in range(1, 2001)
            ],
        )[1]
    return rows


def _labs() -> list[Team]:
    return list(Team.objects.filter(team_type=TeamType.DIGITAL_FORENSICS_LAB).order_by("pk"))


def seed_part(*, scale: str, seed: int, progress: bool = True) -> int:
    rng = random.Random(f"triage-{seed}")
    today = timezone.localdate()
    policy = current_policy()
    rows = _hash_sets(random.Random(f"triage-sets-{seed}"))  # its own stream: seeded once only
    labs = _labs()
    boroughs = list(Borough.objects.order_by("code"))
    if not labs or not boroughs:
        return rows
    examiners = {lab.pk: list(Person.objects.filter(team=lab, active=True).order_by("pk")) for lab in labs}
    crimes: list[tuple[str, int]] = []
    crime_model = links.model_or_none("crimes.Crime")
    if crime_model is not None:
        crimes = list(
            crime_model._default_manager.order_by("pk").values_list("reference", "borough_id")[:5000]
        )
    offenders: list[int] = []
    offender_model = links.model_or_none("offenders.Offender")
    if offender_model is not None:
        offenders = list(offender_model._default_manager.order_by("pk").values_list("pk", flat=True)[:5000])
    seizers = list(
        Person.objects.filter(active=True, team__team_type__in=("cid", "ocsae", "safeguarding"))
        .order_by("pk")
        .values_list("pk", "borough_id")[:3000]
    )
    n = DEVICES.get(scale, 45)
    bar: Any = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=n, desc="triage", unit="device")
    start = Device.objects.count()
    devices: list[Device] = []
    plans: list[dict[str, Any]] = []
    for i in range(n):
        lab = labs[i % len(labs)]
        if crimes and rng.random() < 0.8:
            crime_ref, borough_id = crimes[rng.randrange(len(crimes))]
        else:
            borough_id = boroughs[rng.randrange(len(boroughs))].pk
            crime_ref = f"DEMO/{seed}/{start + i + 1:05d}"
        rso = bool(offenders) and rng.random() < 0.22
        submitted = today - timedelta(days=int(rng.triangular(0, 75, 0)))  # mostly recent, a long tail
        grade = _pick(rng, GRADES)
        dtype = _pick(rng, TYPES)
        outcome = _pick(rng, OUTCOMES)
        seized = datetime.combine(
            submitted - timedelta(days=rng.randint(0, 3)), time(rng.randint(6, 20)), UTC
        )
        local_seizers = [p for p, b in seizers if b == borough_id] or [p for p, _ in seizers]
        seal = f"MPS{rng.randint(1000000, 9999999)}"
        initials = rng.choice("ABCDEFGHJKLMNPRSTW") + rng.choice("ABCDEFGHJKLMNPRSTW")
        street = rng.choice(["High Street", "Station Road", "Church Lane", "Park Road"])
        device = Device(
            exhibit_reference=f"{initials}/{start + i + 1}",
            device_type=dtype,
            make_model=rng.choice(MAKES[dtype]),
            capacity_bytes=rng.choice(CAPACITY_GB[dtype]) * 10**9,
            seal_number=seal,
            seized_from="suspect" if rng.random() < 0.45 else "premises",
            seized_at=seized,
            premises=f"{rng.randint(1, 220)} {street}",
            seized_by_id=local_seizers[rng.randrange(len(local_seizers))] if local_seizers else None,
            crime_reference=crime_ref,
            suspect_name="",
            offender_id=offenders[rng.randrange(len(offenders))] if rso else None,
            borough_id=borough_id,
            lab=lab,
            suspect_access_to_children=rng.random() < 0.3,
            suspect_is_rso=rso,
            contact_offending_indicators=rng.random() < 0.15,
            kirat_level=_pick(rng, KIRAT),
            referral_grade=grade,
            referral_received_on=submitted - timedelta(days=rng.randint(0, 4))
            if grade != "unknown"
            else None,
            submitted_on=submitted,
            status=DeviceStatus.QUEUED,
            verdict=Verdict.NOT_TRIAGED,
        )
        devices.append(device)
        plans.append({"outcome": outcome, "seized": seized})
    Device.objects.bulk_create(devices, batch_size=1000)
    custody: list[CustodyEvent] = []
    results: list[tuple[Device, TriageResult, list[TriageFileMatch]]] = []
    for device, plan in zip(devices, plans, strict=True):
        holder = "Seizing officer"
        steps = [("Property store", "Storage"), (f"{device.lab.name} reception", "Submitted for triage")]
        custody.append(
            CustodyEvent(
                device=device,
                sequence=1,
                handed_over_at=plan["seized"],
                from_holder=f"Seized from {device.seized_from}",
                to_holder=holder,
                location=device.premises,
                purpose="Seizure",
                seal_number=device.seal_number,
            )
        )
        for seq, (place, why) in enumerate(steps, start=2):
            custody.append(
                CustodyEvent(
                    device=device,
                    sequence=seq,
                    handed_over_at=plan["seized"] + timedelta(hours=6 * seq),
                    from_holder=holder,
                    to_holder=place,
                    location=place,
                    purpose=why,
                    seal_number=device.seal_number,
                )
            )
            holder = place
        if plan["outcome"] != "not-triaged":
            results.append((device, *_result(rng, device, plan["outcome"], policy.version)))
        if bar is not None:
            bar.update(1)
    CustodyEvent.objects.bulk_create(custody, batch_size=2000)
    TriageResult.objects.bulk_create([r for _, r, _ in results], batch_size=1000)
    matches = []
    for _, result, files in results:
        for f in files:
            f.result = result
        matches.extend(files)
    TriageFileMatch.objects.bulk_create(matches, batch_size=2000)
    decisions: list[DeviceDecision] = []
    for device, result, _ in results:
        device.verdict = result.verdict
        device.most_severe_category = result.most_severe_category
        device.matched_files = result.matched_files
        device.latest_result = result
        if device.offender_id and result.matched_files:
            device.offender_link = "pending"  # the nightly sweep hands it to offender management
    # Some devices are already with examiners, some done, some returned after a clean triage.
    for device, plan in zip(devices, plans, strict=True):
        staff = examiners.get(device.lab_id) or []
        r = rng.random()
        if staff and r < 0.12:
            device.status, device.examiner = DeviceStatus.IN_EXAMINATION, staff[rng.randrange(len(staff))]
            decisions.append(
                DeviceDecision(
                    device=device,
                    kind=DecisionKind.ASSIGNED,
                    reason=f"Assigned to {device.examiner.full_name}",
                    policy_version=policy.version,
                )
            )
        elif staff and r < 0.2 and plan["outcome"] != "not-triaged":
            device.status, device.examiner = DeviceStatus.EXAMINED, staff[rng.randrange(len(staff))]
            decisions.append(
                DeviceDecision(
                    device=device,
                    kind=DecisionKind.EXAMINED,
                    reason="Full examination complete",
                    findings={
                        "category_a": rng.randint(0, 5),
                        "category_b": rng.randint(0, 20),
                        "category_c": rng.randint(0, 80),
                    },
                    policy_version=policy.version,
                )
            )
        elif (
            plan["outcome"] == "no-hits"
            and not device.suspect_is_rso
            and not device.contact_offending_indicators
            and r < 0.35
        ):
            device.status = DeviceStatus.RETURNED
            decisions.append(
                DeviceDecision(
                    device=device,
                    kind=DecisionKind.RETURNED,
                    reason="No triage hits; low risk: returned to the owner",
                    basis=policy.basis("triage.full_examination_always"),
                    policy_version=policy.version,
                )
            )
    Device.objects.bulk_update(
        devices,
        [
            "verdict",
            "most_severe_category",
            "matched_files",
            "latest_result",
            "offender_link",
            "status",
            "examiner",
        ],
        batch_size=1000,
    )
    DeviceDecision.objects.bulk_create(decisions, batch_size=1000)
    if bar is not None:
        bar.close()
    return rows + len(devices) + len(custody) + len(results) + len(matches) + len(decisions)


def _result(
    rng: random.Random, device: Device, outcome: str, policy_version: str
) -> tuple[TriageResult, list[TriageFileMatch]]:
    files_total = rng.randint(800, 60000)
    files: list[TriageFileMatch] = []
    by_category = {"A": 0, "B": 0, "C": 0, "uncategorised": 0, "non-indecent": 0}
    by_ck = {c: {"exact": 0, "perceptual": 0} for c in by_category}
    if outcome in ("likely-iioc", "hits"):
        count = rng.randint(3, 60) if outcome == "likely-iioc" else rng.randint(1, 4)
        for k in range(count):
            cat = (
                rng.choice(["A", "B", "C", "C", "C", "uncategorised"])
                if outcome == "likely-iioc"
                else "non-indecent"
            )
            kind = "exact" if rng.random() < 0.7 else "perceptual"
            distance = 0 if kind == "exact" else rng.randint(2, 31)
            digest = hashlib.sha256(f"{device.exhibit_reference}/{k}".encode()).hexdigest()
            files.append(
                TriageFileMatch(
                    path=f"{rng.choice(FOLDERS)}/IMG_{rng.randint(1000, 9999)}.jpg",
                    size=rng.randint(40_000, 6_000_000),
                    deleted=rng.random() < 0.15,
                    md5=digest[:32],
                    sha1=digest[:40],
                    sha256=digest,
                    pdq=_hex(rng, 64) if kind == "perceptual" else "",
                    category=cat,
                    kind=kind,
                    distance=distance,
                    matches=[
                        {
                            "set": "Project VIC UK (synthetic demo)",
                            "category": cat,
                            "kind": kind,
                            "distance": distance,
                        }
                    ],
                )
            )
            by_category[cat] += 1
            by_ck[cat][kind] += 1
    severity = ["A", "B", "C", "uncategorised", "non-indecent"]
    worst = next((c for c in severity if by_category[c]), "")
    verdict = Verdict.LIKELY_IIOC if outcome == "likely-iioc" else Verdict.HITS if files else Verdict.NO_HITS
    result = TriageResult(
        device=device,
        report_sha256=hashlib.sha256(f"demo-report/{device.exhibit_reference}".encode()).hexdigest(),
        schema_version="1.0",
        generator_version="demo",
        generated_at=device.submitted_on.isoformat(),
        source_path=f"/evidence/{device.exhibit_reference.replace('/', '-')}.E01",
        source_kind="ewf" if device.device_type in ("laptop", "desktop", "external-drive") else "folder",
        files_total=files_total,
        matched_files=len(files),
        known_good_files=files_total // 3,
        deleted_files=rng.randint(0, 300),
        error_files=rng.randint(0, 3),
        by_category=by_category,
        by_kind={
            "exact": sum(v["exact"] for v in by_ck.values()),
            "perceptual": sum(v["perceptual"] for v in by_ck.values()),
        },
        by_category_and_kind=by_ck,
        hashsets=[{"name": "Project VIC UK (synthetic demo)", "role": "known-bad"}],
        likely_iioc=outcome == "likely-iioc",
        likely_iioc_reason=(
            f"{len(files)} file(s) matched known-bad hash sets"
            if outcome == "likely-iioc"
            else "no file matched a known-bad hash set in A, B, C, uncategorised"
        ),
        most_severe_category=worst,
        lab_priority="urgent" if worst in ("A", "B") else "high" if worst else "routine",
        verdict=verdict,
        report_policy_version=policy_version,
        policy_version=policy_version,
    )
    return result, files
