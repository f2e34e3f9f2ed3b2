"""What happened: notifications, risk assessments (kept as history), visits and transfers."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from custos.offenders.rules import NotificationKind as RuleNotificationKind
from custos.offenders.rules import VisitOutcome as RuleVisitOutcome

from .nominal import ROSH_CHOICES, Offender, _choices

NotificationKind = RuleNotificationKind
VisitOutcome = RuleVisitOutcome


NOTIFICATION_KIND_LABELS = {
    "initial": "Initial (s.83)",
    "change": "Change (s.84)",
    "non-occurrence": "Expected change did not happen (s.84(4)(b))",
    "annual": "Annual (s.85)",
    "weekly": "Weekly: no fixed abode (2012 Regulations)",
    "household": "Staying in a household with a child (2012 Regulations, reg 10)",
    "info-2012": "Bank, card or passport details only (2012 Regulations)",
    "foreign-travel": "Foreign travel (s.86)",
    "travel-change": "Change to notified travel details",
    "return": "Return to the UK (not notified before departure)",
}


class NotificationEvent(models.Model):
    """A notification given in person at a prescribed police station (Prescribed Police Stations Regs)."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=_choices(RuleNotificationKind, NOTIFICATION_KIND_LABELS))
    on = models.DateField()
    station = models.CharField("prescribed police station", max_length=120)
    in_person = models.BooleanField(default=True)
    details = models.TextField(blank=True)
    expected_on = models.DateField(
        "expected date of the change",
        null=True,
        blank=True,
        help_text="Advance notice (SOA 2003 s.84(2)): the date on which he expects the change to happen.",
    )
    recorded_by = models.ForeignKey("workforce.Person", null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["offender", "on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notification {self.on}"


class RiskTool(models.TextChoices):
    RM2000_S = "rm2000-s", "RM2000/S"
    RM2000_V = "rm2000-v", "RM2000/V"
    RM2000_C = "rm2000-c", "RM2000/C"
    ARMS = "arms", "ARMS"
    ROSH = "rosh", "Risk of serious harm (RoSH)"


class RiskAssessment(models.Model):
    """One assessment, never overwritten: the history of every RM2000, ARMS and RoSH decision."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="risk_assessments")
    tool = models.CharField(max_length=10, choices=RiskTool.choices)
    assessed_on = models.DateField()
    inputs = models.JSONField(default=dict, blank=True)
    result = models.CharField(max_length=20, choices=ROSH_CHOICES, blank=True)
    result_detail = models.JSONField(default=dict, blank=True)
    risk_factors = models.JSONField(default=list, blank=True)
    protective_factors = models.JSONField(default=list, blank=True)
    judgement = models.TextField("professional judgement", blank=True)
    reason = models.TextField(blank=True)
    next_review = models.DateField(null=True, blank=True)
    basis = models.TextField(blank=True)
    policy_version = models.CharField(max_length=40, blank=True)
    assessor = models.ForeignKey("workforce.Person", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["offender", "tool", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.get_tool_display()} {self.assessed_on}: {self.result or 'recorded'}"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RECORDED = "recorded", "Attempted and recorded"
    CANCELLED = "cancelled", "Cancelled"


VISIT_OUTCOME_LABELS = {
    "seen-and-entered": "Seen and entered",
    "entry-refused": "Seen, entry refused",
    "no-answer": "No answer",
    "no-longer-resident": "No longer resident",
    "other": "Other",
}


class Visit(models.Model):
    """A planned or attempted home visit. Only seen-and-entered resets the clock (reference R1)."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="visits")
    status = models.CharField(max_length=10, choices=VisitStatus.choices, default=VisitStatus.RECORDED)
    planned_for = models.DateTimeField(null=True, blank=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    officer = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="visits_led"
    )
    second_officer = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="visits_paired"
    )
    announced = models.BooleanField(default=False)
    announce_reason = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(
        max_length=20, choices=_choices(RuleVisitOutcome, VISIT_OUTCOME_LABELS), blank=True
    )
    for_risk_assessment = models.BooleanField(default=True)
    observations = models.TextField(blank=True)
    devices_seen = models.TextField(blank=True)
    risk_indicators = models.TextField(blank=True)
    policy_version = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-attempted_at", "-planned_for", "-pk"]
        indexes = [
            models.Index(fields=["offender", "status", "attempted_at"]),
            models.Index(fields=["officer", "status", "planned_for"]),
        ]

    def __str__(self) -> str:
        when = self.attempted_at or self.planned_for
        return f"Visit {when:%Y-%m-%d %H:%M} {self.outcome or self.status}" if when else "Visit"

    @property
    def announce_reason_label(self) -> str:
        """The reason code as the visit form offers it ("offender-requested-appointment" -> words)."""
        return self.announce_reason.replace("-", " ").capitalize()


class Transfer(models.Model):
    """A move of management to another borough or force, with handover tasks for both sides."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="transfers")
    from_borough = models.ForeignKey("workforce.Borough", on_delete=models.PROTECT, related_name="+")
    to_borough = models.ForeignKey(
        "workforce.Borough", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_force = models.CharField(max_length=80, blank=True, help_text="Another force, when leaving this one.")
    reason = models.TextField()
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Transfer of {self.offender_id} to {self.to_borough_id or self.to_force}"
