"""Investigation quality: the plan and its lines of enquiry, tasks, supervisory reviews and their
escalation, and outcomes with the supervisor's sign-off for NFA-type outcomes."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class LineStatus(models.TextChoices):
    OPEN = "", "Open"
    PURSUED = "pursued", "Pursued"
    NOT_APPLICABLE = "not-applicable", "Not applicable"
    NOT_AVAILABLE = "not-available", "Not available"


class InvestigationPlan(models.Model):
    crime = models.OneToOneField("crimes.Crime", on_delete=models.CASCADE, related_name="plan")
    template_basis = models.CharField(max_length=300)
    policy_version = models.CharField(max_length=40)
    allocated_on = models.DateField()
    next_review_due = models.DateField(db_index=True)
    next_review_basis = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Plan for {self.crime_id}"


class LineOfEnquiry(models.Model):
    plan = models.ForeignKey(InvestigationPlan, on_delete=models.CASCADE, related_name="lines")
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=LineStatus.choices, blank=True, default="")
    reason = models.TextField(blank=True)
    owner = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="lines_of_enquiry"
    )
    decided_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="one_line_per_key_per_plan")]
        indexes = [
            models.Index(fields=["owner", "status"]),
            # Open lines per plan are counted for every held crime by the workload views' weighted load
            # (allocation/held.py): with the status in the index the count never reads the table
            # (a force-wide aggregate of 60,192 open crimes: 0.57 -> 0.23 s on SQLite).
            models.Index(fields=["plan", "status"], name="open_lines_per_plan"),
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    crime = models.ForeignKey("crimes.Crime", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="tasks")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_on", "due_on"])]

    def __str__(self) -> str:
        return self.title


class SupervisoryReview(models.Model):
    crime = models.ForeignKey("crimes.Crime", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="reviews_given")
    reviewed_on = models.DateField()
    direction = models.TextField()
    actions = models.TextField(blank=True)
    next_review_on = models.DateField()
    next_review_basis = models.CharField(max_length=300)
    policy_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.crime_id} on {self.reviewed_on}"


class ReviewEscalation(models.Model):
    """An overdue supervisory review, escalated to the next rank by the nightly sweep."""

    plan = models.ForeignKey(InvestigationPlan, on_delete=models.CASCADE, related_name="escalations")
    due_on = models.DateField()
    supervisor = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalate_to_rank = models.CharField(max_length=40, blank=True)
    escalate_to = models.ForeignKey(
        "workforce.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_escalations",
    )
    basis = models.CharField(max_length=300)
    created_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_on"], name="one_escalation_per_due_review")
        ]

    def __str__(self) -> str:
        return f"Review due {self.due_on} escalated to {self.escalate_to_rank}"


class OutcomeStatus(models.TextChoices):
    AWAITING_SIGNOFF = "awaiting-signoff", "Awaiting supervisor sign-off"
    FINALISED = "finalised", "Finalised"
    WITHDRAWN = "withdrawn", "Withdrawn"


class OutcomeDecision(models.Model):
    crime = models.ForeignKey("crimes.Crime", on_delete=models.CASCADE, related_name="outcome_decisions")
    outcome = models.PositiveSmallIntegerField()
    proposed_by = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(blank=True)
    victim_informed = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=OutcomeStatus.choices)
    signed_off_by = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="nfa_signoffs"
    )
    signoff_rationale = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    basis = models.JSONField(default=list)
    warnings = models.JSONField(default=list, blank=True)
    policy_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["crime"],
                condition=models.Q(status="awaiting-signoff"),
                name="one_pending_outcome_per_crime",
            )
        ]

    def __str__(self) -> str:
        return f"Outcome {self.outcome} for {self.crime_id}"
