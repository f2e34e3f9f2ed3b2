"""The lab side of triage: hash sets in the database, gradings, devices and exhibits, chain of custody,
uploaded triage results and examiners' decisions.

Matched images are never stored or shown: a triage result holds paths, hashes, categories and counts only.
The crimes and offenders apps are built alongside this one, so a device refers to them by plain values
(crime reference string, offender id) resolved softly where those models exist (see ``links.py``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

# --- hash sets ----------------------------------------------------------------------------------------


class SetKind(models.TextChoices):
    KNOWN_BAD = "known-bad", "Known bad (IIOC)"
    KNOWN_GOOD = "known-good", "Known good (filter out, e.g. NSRL)"


class Category(models.TextChoices):
    A = "A", "Category A"
    B = "B", "Category B"
    C = "C", "Category C"
    NON_INDECENT = "non-indecent", "Non-indecent"
    UNCATEGORISED = "uncategorised", "Uncategorised"
    KNOWN = "known", "Known file (known-good set)"


GRADE_CHOICES = [(c.value, c.label) for c in (Category.A, Category.B, Category.C, Category.NON_INDECENT)]


class HashSet(models.Model):
    """One named hash set (Project VIC, CAID, NSRL, the force's own graded set...)."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, choices=SetKind.choices)
    source = models.CharField(max_length=120, blank=True)
    version = models.CharField(max_length=60, blank=True)
    set_date = models.DateField(null=True, blank=True)
    format = models.CharField(max_length=30, blank=True)
    category_map = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    # NSRL RDSv3 (hundreds of millions of rows) can be queried where it lies instead of being imported.
    in_place_path = models.CharField(max_length=500, blank=True)
    is_local = models.BooleanField(default=False, help_text="The force's own set, fed by lab grading.")
    exact_count = models.BigIntegerField(default=0)
    pdq_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}{f' {self.version}' if self.version else ''}"

    @property
    def entry_count(self) -> int:
        return int(self.exact_count) + int(self.pdq_count)


class HashSetImport(models.Model):
    """One import of one file into a set. The file's SHA-256 makes re-importing the same file a no-op."""

    hash_set = models.ForeignKey(HashSet, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=30)
    version = models.CharField(max_length=60, blank=True)
    entries_read = models.BigIntegerField(default=0)
    exact_added = models.BigIntegerField(default=0)
    pdq_added = models.BigIntegerField(default=0)
    ignored = models.BigIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    policy_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["hash_set", "file_sha256"], name="triage_import_once_per_file")
        ]

    def __str__(self) -> str:
        return f"{self.hash_set_id}: {self.file_name} ({self.file_sha256[:12]})"


class ExactHash(models.Model):
    """Exact digests of one set. Designed for hundreds of millions of rows: narrow, one index per digest,
    inserted in batches (COPY on PostgreSQL); ``fingerprint`` (BLAKE2b-128 of md5|sha1|sha256) makes
    re-imports of overlapping versions add nothing."""

    id = models.BigAutoField(primary_key=True)
    hash_set = models.ForeignKey(HashSet, on_delete=models.CASCADE, related_name="+", db_index=False)
    fingerprint = models.BinaryField(max_length=16)
    md5 = models.CharField(max_length=32, null=True, blank=True)
    sha1 = models.CharField(max_length=40, null=True, blank=True)
    sha256 = models.CharField(max_length=64, null=True, blank=True)
    category = models.CharField(max_length=14, choices=Category.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hash_set", "fingerprint"], name="triage_exact_unique_in_set")
        ]
        indexes = [
            models.Index(fields=["md5"], name="triage_exact_md5"),
            models.Index(fields=["sha1"], name="triage_exact_sha1"),
            models.Index(fields=["sha256"], name="triage_exact_sha256"),
        ]

    def __str__(self) -> str:
        return self.sha256 or self.sha1 or self.md5 or ""


class PdqHash(models.Model):
    """PDQ hashes of one set (perceptual matching is done by FAISS indexes built from this table)."""

    id = models.BigAutoField(primary_key=True)
    hash_set = models.ForeignKey(HashSet, on_delete=models.CASCADE, related_name="+", db_index=False)
    pdq = models.CharField(max_length=64)
    category = models.CharField(max_length=14, choices=Category.choices)
    quality = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hash_set", "pdq"], name="triage_pdq_unique_in_set")]
        indexes = [models.Index(fields=["pdq"], name="triage_pdq_hex")]

    def __str__(self) -> str:
        return self.pdq


class Grading(models.Model):
    """One examiner's independent grading of one item of new material (by its hashes)."""

    fingerprint = models.BinaryField(max_length=16)
    md5 = models.CharField(max_length=32, blank=True)
    sha1 = models.CharField(max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pdq = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=14, choices=GRADE_CHOICES)
    examiner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey("triage.Device", null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=300, blank=True)
    graded_at = models.DateTimeField(auto_now_add=True)
    policy_version = models.CharField(max_length=40)
    counted = models.BooleanField(default=False, help_text="Part of a consensus that entered the local set.")

    class Meta:
        ordering = ["-graded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint", "examiner"], name="triage_one_grading_per_examiner"
            )
        ]
        indexes = [models.Index(fields=["fingerprint"], name="triage_grading_item")]

    def __str__(self) -> str:
        return f"{self.category} by {self.examiner_id}"


# --- devices and exhibits -------------------------------------------------------------------------------


class DeviceType(models.TextChoices):
    PHONE = "phone", "Mobile phone"
    TABLET = "tablet", "Tablet"
    LAPTOP = "laptop", "Laptop"
    DESKTOP = "desktop", "Desktop computer"
    EXTERNAL_DRIVE = "external-drive", "External hard drive"
    USB = "usb", "USB stick"
    MEMORY_CARD = "memory-card", "Memory card"
    CAMERA = "camera", "Camera"
    CONSOLE = "console", "Games console"
    OTHER = "other", "Other"


class SeizedFrom(models.TextChoices):
    SUSPECT = "suspect", "The suspect (on their person)"
    PREMISES = "premises", "Premises"


class RiskLevel(models.TextChoices):
    VERY_HIGH = "very-high", "Very high"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    UNKNOWN = "unknown", "Not assessed"


class DeviceStatus(models.TextChoices):
    QUEUED = "queued", "Waiting in the lab queue"
    IN_EXAMINATION = "in-examination", "In examination"
    EXAMINED = "examined", "Examination complete"
    RETURNED = "returned", "Returned without full examination"


OPEN_STATUSES = (DeviceStatus.QUEUED, DeviceStatus.IN_EXAMINATION)


class Verdict(models.TextChoices):
    NOT_TRIAGED = "not-triaged", "Not triaged yet"
    NO_HITS = "no-hits", "No hits"
    HITS = "hits", "Hits below the likely-IIOC threshold"
    LIKELY_IIOC = "likely-iioc", "Likely IIOC"


class Device(models.Model):
    """A seized device (an exhibit) on its way through triage and the lab."""

    exhibit_reference = models.CharField(max_length=40, unique=True)
    device_type = models.CharField(max_length=20, choices=DeviceType.choices)
    make_model = models.CharField(max_length=120, blank=True)
    capacity_bytes = models.BigIntegerField(null=True, blank=True)
    seal_number = models.CharField(max_length=40)
    seized_from = models.CharField(max_length=10, choices=SeizedFrom.choices)
    seized_at = models.DateTimeField()
    premises = models.CharField(max_length=200, blank=True)
    seized_by = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Plain references resolved softly (crimes and offenders apps): see custos.triage.links.
    crime_reference = models.CharField(max_length=40, blank=True, db_index=True)
    suspect_name = models.CharField(max_length=120, blank=True)
    offender_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    borough = models.ForeignKey("workforce.Borough", on_delete=models.PROTECT, related_name="+")
    lab = models.ForeignKey(
        "workforce.Team", on_delete=models.PROTECT, related_name="+", help_text="The digital forensics lab."
    )
    # Risk facts the ranking uses.
    suspect_access_to_children = models.BooleanField(default=False)
    suspect_is_rso = models.BooleanField("suspect is a registered sex offender", default=False)
    contact_offending_indicators = models.BooleanField(default=False)
    kirat_level = models.CharField(
        "KIRAT risk level", max_length=10, choices=RiskLevel.choices, default=RiskLevel.UNKNOWN
    )
    referral_grade = models.CharField(
        "NCA/CEOP referral risk grade", max_length=10, choices=RiskLevel.choices, default=RiskLevel.UNKNOWN
    )
    referral_received_on = models.DateField(null=True, blank=True)
    submitted_on = models.DateField(help_text="Entered the lab queue.")
    status = models.CharField(max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.QUEUED)
    examiner = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised from the latest triage result so the ranked queue needs no per-row query.
    verdict = models.CharField(max_length=12, choices=Verdict.choices, default=Verdict.NOT_TRIAGED)
    most_severe_category = models.CharField(max_length=14, blank=True)
    matched_files = models.IntegerField(default=0)
    latest_result = models.ForeignKey(
        "triage.TriageResult", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offender_link = models.CharField(
        max_length=10, blank=True, help_text="'' none, 'pending' (offenders app not ready) or 'done'."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["submitted_on", "exhibit_reference"]
        indexes = [
            models.Index(fields=["lab", "status"], name="triage_device_lab_status"),
            models.Index(fields=["borough", "status"], name="triage_device_borough_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_bytes__isnull=True) | models.Q(capacity_bytes__gte=0),
                name="triage_device_capacity_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.exhibit_reference} ({self.get_device_type_display()})"


class CustodyEvent(models.Model):
    """One handover of a device. Append-only: database triggers refuse UPDATE and DELETE (migration 0002)."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="custody")
    sequence = models.PositiveIntegerField()
    handed_over_at = models.DateTimeField()
    from_holder = models.CharField(max_length=160)
    to_holder = models.CharField(max_length=160)
    to_person = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(max_length=160)
    purpose = models.CharField(max_length=200)
    seal_number = models.CharField(max_length=40)
    seal_intact = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["device", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["device", "sequence"], name="triage_custody_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.device_id}#{self.sequence}: {self.from_holder} → {self.to_holder}"


class TriageResult(models.Model):
    """One uploaded scanner report (schema docs/triage-report-schema.md), summarised; no images ever."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="results")
    report_sha256 = models.CharField(max_length=64)
    schema_version = models.CharField(max_length=10)
    generator_version = models.CharField(max_length=40, blank=True)
    generated_at = models.CharField(max_length=40, blank=True)
    source_path = models.CharField(max_length=500, blank=True)
    source_kind = models.CharField(max_length=30, blank=True)
    verification = models.JSONField(null=True, blank=True)
    files_total = models.IntegerField(default=0)
    matched_files = models.IntegerField(default=0)
    known_good_files = models.IntegerField(default=0)
    deleted_files = models.IntegerField(default=0)
    error_files = models.IntegerField(default=0)
    by_category = models.JSONField(default=dict)
    by_kind = models.JSONField(default=dict)
    by_category_and_kind = models.JSONField(default=dict)
    hashsets = models.JSONField(default=list)
    likely_iioc = models.BooleanField(default=False)
    likely_iioc_reason = models.CharField(max_length=500, blank=True)
    most_severe_category = models.CharField(max_length=14, blank=True)
    lab_priority = models.CharField(max_length=20, blank=True)
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    report_policy_version = models.CharField(max_length=40, blank=True)
    policy_version = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "report_sha256"], name="triage_result_once_per_report")
        ]

    def __str__(self) -> str:
        return f"Triage of {self.device_id}: {self.get_verdict_display()}"


class TriageFileMatch(models.Model):
    """A file that matched a known-bad set: where it was and what matched. Never the file itself."""

    result = models.ForeignKey(TriageResult, on_delete=models.CASCADE, related_name="matches")
    path = models.CharField(max_length=1000)
    size = models.BigIntegerField(default=0)
    deleted = models.BooleanField(default=False)
    md5 = models.CharField(max_length=32, blank=True)
    sha1 = models.CharField(max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pdq = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=14)
    kind = models.CharField(max_length=12)  # exact | perceptual (the strongest match)
    distance = models.IntegerField(default=0)
    matches = models.JSONField(default=list)  # every {set, category, kind, distance}

    class Meta:
        ordering = ["result", "id"]
        indexes = [models.Index(fields=["result", "category"], name="triage_match_result_cat")]

    def __str__(self) -> str:
        return f"{self.path} ({self.category}, {self.kind})"


class DecisionKind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned to an examiner"
    RETURNED = "returned", "Returned without full examination"
    EXAMINED = "examined", "Full examination complete"
    OFFENDER_LINK = "offender-link", "Offender manager told of a hit"
    REQUEUED = "requeued", "Back in the lab queue: a later triage found hits"


class DeviceDecision(models.Model):
    """A recorded examiner decision on a device, with its reason, basis and policy version."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=16, choices=DecisionKind.choices)
    reason = models.TextField(blank=True)
    findings = models.JSONField(default=dict, blank=True)
    basis = models.CharField(max_length=300, blank=True)
    policy_version = models.CharField(max_length=40)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["device", "decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.kind}"

    @property
    def findings_text(self) -> str:
        """The findings as a sentence for the device page (they are stored as a JSON object)."""
        f = self.findings if isinstance(self.findings, dict) else {}
        parts: list[str] = []
        counts = [(c, f[f"category_{c.lower()}"]) for c in ("A", "B", "C") if f"category_{c.lower()}" in f]
        if counts:
            parts.append("confirmed: " + ", ".join(f"category {c} {n}" for c, n in counts))
        if "verdict" in f:
            verdict = dict(Verdict.choices).get(str(f["verdict"]), str(f["verdict"]))
            parts.append(f"triage verdict: {verdict}")
        if "offender_id" in f:
            raw = f.get("outcome")
            outcome: dict[str, Any] = raw if isinstance(raw, dict) else {}
            tasks = [
                f"{label} task {outcome[key]}"
                for key, label in (("visit_task", "unannounced-visit"), ("risk_review_task", "risk-review"))
                if outcome.get(key)
            ]
            parts.append(f"RSO nominal {f['offender_id']}" + (f": {', '.join(tasks)}" if tasks else ""))
        known = {"category_a", "category_b", "category_c", "verdict", "offender_id", "outcome"}
        parts.extend(f"{k.replace('_', ' ')}: {v}" for k, v in f.items() if k not in known)
        return "; ".join(parts)
