"""Allocation decisions as records: each run, each allocation with its full explanation, each override,
the supervisor queue of crimes no eligible investigator could take (with the reason), and the declared
conflicts of interest that exclude an officer from a crime."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class RunMode(models.TextChoices):
    BATCH = "batch", "Batch"
    SINGLE = "single", "Single crime"


class AllocationKind(models.TextChoices):
    ENGINE = "engine", "Allocated by the engine"
    OVERRIDE = "override", "Supervisor override"


class AllocationRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    mode = models.CharField(max_length=10, choices=RunMode.choices)
    borough = models.ForeignKey("workforce.Borough", null=True, blank=True, on_delete=models.PROTECT)
    policy_version = models.CharField(max_length=40)
    engine_version = models.CharField(max_length=40)
    crimes_considered = models.PositiveIntegerField(default=0)
    allocated = models.PositiveIntegerField(default=0)
    unallocated = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(
        default=0, help_text="Lost to a concurrent change at commit time."
    )
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} run {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class Allocation(models.Model):
    run = models.ForeignKey(
        AllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="rows"
    )
    crime = models.ForeignKey("crimes.Crime", on_delete=models.PROTECT, related_name="allocations")
    officer = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="allocations")
    previous_officer = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=AllocationKind.choices)
    current = models.BooleanField(default=True)
    # The engine's explanation: reasons, next-best candidates and why not them, binding constraints.
    explanation = models.JSONField(default=dict)
    supervisor = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="overrides_made"
    )
    rationale = models.TextField(blank=True)
    breaks = models.JSONField(default=list, blank=True, help_text="Hard constraints an override set aside.")
    policy_version = models.CharField(max_length=40)
    engine_version = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["crime", "current"]), models.Index(fields=["kind", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["crime"], condition=models.Q(current=True), name="one_current_allocation_per_crime"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="override")
                | (models.Q(supervisor__isnull=False) & ~models.Q(rationale="")),
                name="override_needs_supervisor_and_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.crime_id} → {self.officer_id} ({self.kind})"

    @property
    def reasons(self) -> list[str]:
        return list(self.explanation.get("reasons", []))


class QueueEntry(models.Model):
    """A crime waiting for a supervisor: the engine found no eligible investigator with capacity."""

    crime = models.OneToOneField("crimes.Crime", on_delete=models.CASCADE, related_name="queue_entry")
    reason = models.TextField()
    failures = models.JSONField(default=dict, blank=True)
    policy_version = models.CharField(max_length=40)
    first_queued_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_queued_at"]

    def __str__(self) -> str:
        return f"{self.crime_id}: {self.reason}"


class ConflictKind(models.TextChoices):
    CRIME = "crime", "A crime"
    PERSON = "person", "A suspect or victim, by name"
    SERIES = "series", "A linked series"


class ConflictOfInterest(models.Model):
    """An officer's declared conflict of interest with a crime, a named suspect or victim, or a series.

    It lives in the allocation app, not in crimes, because it is an allocation hard constraint about an
    officer (workforce) and is read only by allocation: the engine's snapshot, the commit-time re-check
    and the override check. A person-name or series conflict also covers crimes recorded after it was
    declared, so it cannot be a property of one crime record; and crimes stays free of any dependency on
    who may investigate. While ``withdrawn_at`` is empty the conflict is active.
    """

    officer = models.ForeignKey(
        "workforce.Person", on_delete=models.PROTECT, related_name="conflicts_of_interest"
    )
    kind = models.CharField(max_length=10, choices=ConflictKind.choices)
    crime = models.ForeignKey(
        "crimes.Crime",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conflicts_of_interest",
    )
    person_name = models.CharField("suspect or victim name", max_length=160, blank=True)
    # person_name case-folded with single spaces: what suspect and victim names are matched on.
    name_key = models.CharField(max_length=160, blank=True, db_index=True)
    series_id = models.CharField("linked series", max_length=40, blank=True, db_index=True)
    reason = models.TextField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = "conflict of interest"
        verbose_name_plural = "conflicts of interest"
        indexes = [models.Index(fields=["officer", "withdrawn_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="crime") & models.Q(crime__isnull=False))
                | (models.Q(kind="person") & ~models.Q(name_key=""))
                | (models.Q(kind="series") & ~models.Q(series_id="")),
                name="conflict_names_its_target",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="conflict_withdrawal_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id}: {self.target}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def target(self) -> str:
        if self.kind == ConflictKind.CRIME:
            return f"crime {self.crime.reference}" if self.crime else "a crime"
        if self.kind == ConflictKind.SERIES:
            return f"linked series {self.series_id}"
        return self.person_name


class JobKind(models.TextChoices):
    RUN = "run", "Allocation run"
    WHATIF = "whatif", "What-if simulation"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AllocationJob(models.Model):
    """A batch run or what-if asked for from a screen or the API, done by the worker (``custos worker``).

    A borough's batch takes seconds to minutes (decision 0002), too long for a web request: the request
    records the job and enqueues it in the same transaction, the worker claims it once (a conditional update
    from queued to running) and stores the result here, and the page polls until it is done.
    """

    kind = models.CharField(max_length=10, choices=JobKind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    borough = models.ForeignKey("workforce.Borough", null=True, blank=True, on_delete=models.PROTECT)
    dry_run = models.BooleanField(default=False)
    # What-if: the policy keys and values simulated.
    parameters = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    # While running: {"what": ..., "done": n, "total": m}, written by the worker as the run advances.
    progress = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    run = models.ForeignKey(AllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="failed") | ~models.Q(error=""), name="failed_job_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.get_status_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
