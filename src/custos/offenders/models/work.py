"""The escalation work: tasks with owners and due dates, s.96B warrants, breach cases, calendar tokens."""

from __future__ import annotations

import hashlib

from django.db import models
from simple_history.models import HistoricalRecords

from .nominal import Offender


class TaskKind(models.TextChoices):
    VISIT_DUE = "visit-due", "Visit due"
    OVERDUE_ALERT = "overdue-alert", "Visit overdue"
    DI_PLAN_REQUIRED = "di-plan-required", "Overdue by more than an interval: DI plan required"
    S96B_CONSIDERATION = "s96b-consideration", "Consider a s.96B warrant"
    BREACH_CASE = "breach-case", "Breach or missing case"
    RISK_REVIEW = "risk-review", "Risk review"
    NOTIFICATION_DUE = "notification-due", "Notification due"
    TRANSFER_HANDOVER = "transfer-handover", "Transfer handover"
    TRIAGE_HIT_VISIT = "triage-hit-visit", "Triage hit: visit and review"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class OffenderTask(models.Model):
    """One step of the ladder (or other work) with an owner, a due date, a basis and a closing reason.

    ``episode`` is the day the step began: the sweep opens at most one task per (offender, kind, episode),
    so a closed decision is never re-opened by the next night's run, while a new episode opens a new task.
    """

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=30, choices=TaskKind.choices)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    owner = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="offender_tasks"
    )
    watcher = models.ForeignKey(
        "workforce.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watched_offender_tasks",
        help_text="Also alerted (the DS for an overdue visit, the DI for a breach case).",
    )
    episode = models.DateField()
    due = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    basis = models.TextField()
    policy_version = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT)
    decision = models.CharField(max_length=120, blank=True)
    rationale = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due"]),
            models.Index(fields=["watcher", "status"]),
            models.Index(fields=["status", "kind"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["offender", "kind"],
                condition=models.Q(status="open"),
                name="one_open_task_per_offender_kind",
            ),
            models.UniqueConstraint(fields=["offender", "kind", "episode"], name="one_task_per_episode"),
            models.CheckConstraint(
                condition=models.Q(status="open") | (~models.Q(decision="") & ~models.Q(rationale="")),
                name="closed_task_has_decision_and_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.offender_id})"


class S96BWarrant(models.Model):
    """Application, grant and execution of a s.96B warrant (execution within 3 months: PACE s.15-16)."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="s96b_warrants")
    task = models.ForeignKey(OffenderTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(max_length=200)
    applied_on = models.DateField()
    applied_by = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="+")
    granted_on = models.DateField(null=True, blank=True)
    refused_on = models.DateField(null=True, blank=True)
    court = models.CharField("justice of the peace / court", max_length=120, blank=True)
    execute_by = models.DateField(null=True, blank=True)
    executed_on = models.DateField(null=True, blank=True)
    execution_outcome = models.TextField(blank=True)
    basis = models.TextField(blank=True)
    policy_version = models.CharField(max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-applied_on"]

    def __str__(self) -> str:
        return f"s.96B warrant applied {self.applied_on}"


class BreachDecision(models.TextChoices):
    ARREST = "arrest", "Arrest (s.91)"
    WANTED = "wanted", "PNC wanted circulation"
    RECALL = "recall", "Licence recall"
    NO_FURTHER_ACTION = "no-action", "No enforcement action (reason recorded)"


class BreachCase(models.Model):
    """A breach or missing case (reference R3): PNC and ViSOR in 24 h, DI decisions, 7-day reviews."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="breach_cases")
    task = models.ForeignKey(OffenderTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opened_on = models.DateField()
    reason = models.CharField(max_length=300)
    basis = models.TextField()
    policy_version = models.CharField(max_length=40)
    record_by = models.DateField(help_text="PNC and ViSOR entries due")
    decide_by = models.DateField()
    pnc_recorded_at = models.DateTimeField(null=True, blank=True)
    visor_recorded_at = models.DateTimeField(null=True, blank=True)
    mapp_meeting_decision = models.CharField("urgent MAPP meeting decision", max_length=10, blank=True)
    mapp_decided_by = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enforcement_decision = models.CharField(max_length=20, choices=BreachDecision.choices, blank=True)
    enforcement_rationale = models.TextField(blank=True)
    enforcement_decided_by = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_review = models.DateField()
    status = models.CharField(max_length=10, choices=[("open", "Open"), ("closed", "Closed")], default="open")
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["offender"], condition=models.Q(status="open"), name="one_open_breach_case"
            )
        ]

    def __str__(self) -> str:
        return f"Breach case {self.opened_on} ({self.status})"


class BreachReview(models.Model):
    case = models.ForeignKey(BreachCase, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="+")
    note = models.TextField()

    class Meta:
        ordering = ["-reviewed_on"]

    def __str__(self) -> str:
        return f"Review {self.reviewed_on}"


class CalendarFeedToken(models.Model):
    """A per-officer secret for the iCalendar feed URL. Only the hash is stored."""

    person = models.OneToOneField("workforce.Person", on_delete=models.CASCADE, related_name="visit_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Visit feed of {self.person_id}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
