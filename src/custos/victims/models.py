"""Victims of crime and the Victims' Code: who the victim is and how to reach them, the needs assessment,
the enhanced-entitlement result per crime (with its reasons and policy version), the 12 rights as tracked
obligations with due dates and their basis, investigation events that start contact clocks, escalations
of overdue clocks, and Victims' Right to Review requests.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class VictimKind(models.TextChoices):
    PERSON = "person", "A person"
    BUSINESS = "business", "A business"


class Representative(models.TextChoices):
    NONE = "", "Nobody: the victim is contacted directly"
    PARENT_GUARDIAN = "parent-guardian", "Parent or guardian (victim under 18)"
    FAMILY_SPOKESPERSON = "family-spokesperson", "Family spokesperson (bereaved family)"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in-person", "In person"
    TEXT = "text", "Text message"


class Victim(models.Model):
    kind = models.CharField(max_length=10, choices=VictimKind.choices, default=VictimKind.PERSON)
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    business_name = models.CharField(max_length=160, blank=True)
    named_contact = models.CharField(
        max_length=160, blank=True, help_text="For a business: the named person the police deal with."
    )
    date_of_birth = models.DateField(null=True, blank=True)

    # Who acts for the victim: a parent or guardian for a victim under 18; a spokesperson for the bereaved.
    representative = models.CharField(max_length=30, choices=Representative.choices, blank=True, default="")
    representative_name = models.CharField(max_length=160, blank=True)
    bereaved_relative = models.BooleanField(
        default=False, help_text="Close relative of a person killed by a criminal offence."
    )

    # Needs assessment facts (the current ones; every assessment is kept in NeedsAssessment).
    mental_disorder = models.BooleanField(default=False)
    impairment = models.BooleanField(
        default=False, help_text="Significant impairment of intelligence and social functioning."
    )
    physical_disability = models.BooleanField(default=False)
    fear_or_distress = models.BooleanField(
        default=False, help_text="Fear or distress about testifying likely to affect their evidence."
    )

    # Contact preferences.
    contact_method = models.CharField(
        max_length=12, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    contact_details = models.CharField(max_length=200, blank=True)
    update_frequency_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Agreed with the victim; blank means the policy default."
    )
    safe_contact_route = models.CharField(
        max_length=300,
        blank=True,
        help_text="Domestic abuse: how to make contact safely (and what to avoid).",
    )
    language = models.CharField(max_length=60, default="English")
    interpreter_needed = models.BooleanField(default=False)

    borough = models.ForeignKey("workforce.Borough", on_delete=models.PROTECT, related_name="victims")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "business_name", "id"]
        indexes = [models.Index(fields=["borough"]), models.Index(fields=["last_name"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="business") | ~models.Q(business_name=""),
                name="business_victim_has_a_name",
            ),
            models.CheckConstraint(
                condition=models.Q(update_frequency_days__isnull=True)
                | models.Q(update_frequency_days__gte=1),
                name="victim_update_frequency_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == VictimKind.BUSINESS:
            return self.business_name
        return f"{self.first_name} {self.last_name}".strip() or f"Victim {self.pk}"


class VictimCrime(models.Model):
    """A victim of one crime: the entitlement for that crime, withdrawal, and the rights checklist."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="links")
    crime = models.ForeignKey("crimes.Crime", on_delete=models.CASCADE, related_name="victim_links")
    age_at_crime = models.PositiveSmallIntegerField(null=True, blank=True)

    # The enhanced-entitlement engine's result (victims.rules.enhanced_entitlement), stored with its policy.
    services = models.BooleanField(default=True)
    enhanced = models.BooleanField(default=False)
    categories = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    policy_version = models.CharField(max_length=40, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # Whether the force has recognised the victim as enhanced (set by a needs assessment in Custos). Records
    # inherited from before Custos may be entitled yet unrecognised: the compliance report surfaces them.
    recognised_enhanced = models.BooleanField(default=False)
    inherited = models.BooleanField(default=False, help_text="Recorded before Custos.")

    support_withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["crime", "victim"]
        constraints = [
            models.UniqueConstraint(fields=["victim", "crime"], name="one_link_per_victim_and_crime"),
            models.CheckConstraint(
                condition=models.Q(support_withdrawn_on__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="withdrawal_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.victim} on {self.crime_id}"


class NeedsAssessment(models.Model):
    """One needs assessment (at reporting, and again whenever the facts change): the facts and the result."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="assessments")
    assessed_by = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)
    facts = models.JSONField(default=dict)
    results = models.JSONField(default=list)  # per crime: reference, enhanced, categories, reasons
    policy_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"Needs assessment of {self.victim_id} ({self.reason})"


class ObligationStatus(models.TextChoices):
    DUE = "due", "Due"
    MET = "met", "Met"
    DECLINED = "declined", "Declined by the victim"
    NOT_APPLICABLE = "not-applicable", "Not applicable"
    OVERDUE = "overdue", "Overdue"


OPEN_STATUSES = (ObligationStatus.DUE, ObligationStatus.OVERDUE)


class Obligation(models.Model):
    """One concrete Victims' Code obligation for a victim of a crime (victims/data/rights.toml)."""

    link = models.ForeignKey(VictimCrime, on_delete=models.CASCADE, related_name="obligations")
    key = models.CharField(max_length=40)
    right = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    trigger = models.CharField(max_length=40)  # the event that started it: report, charge, arrest, update...
    trigger_on = models.DateField()
    event = models.ForeignKey(
        "victims.InvestigationEvent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    due_on = models.DateField(null=True, blank=True, db_index=True)
    due_basis = models.CharField(max_length=500)
    policy_version = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=ObligationStatus.choices, default=ObligationStatus.DUE)
    evidence = models.TextField(blank=True)
    met_by = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    met_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["right", "due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["link", "right"]),
            # The worklist starts from the crimes in need-to-know, through their links, to the open clocks:
            # covering (link, status, due_on) lets it count and pick a page without reading the rows.
            models.Index(fields=["link", "status", "due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "key", "trigger", "trigger_on"], name="one_obligation_per_trigger"
            ),
            models.CheckConstraint(condition=models.Q(right__gte=1, right__lte=12), name="right_1_to_12"),
        ]

    def __str__(self) -> str:
        return f"Right {self.right}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def met_on_time(self) -> bool | None:
        if self.status != ObligationStatus.MET or self.met_on is None:
            return None
        return self.due_on is None or self.met_on <= self.due_on


class InvestigationEvent(models.Model):
    """An investigation event against a crime that the victim must be told of (it starts a contact clock)."""

    crime = models.ForeignKey("crimes.Crime", on_delete=models.CASCADE, related_name="victim_events")
    event = models.CharField(max_length=40)
    occurred_on = models.DateField()
    recorded_by = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["crime", "event", "occurred_on"], name="one_event_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.event} on {self.occurred_on}"


class ClockEscalation(models.Model):
    """An overdue obligation escalated to the officer in the case and their supervisor (nightly sweep)."""

    obligation = models.OneToOneField(Obligation, on_delete=models.CASCADE, related_name="escalation")
    officer = models.ForeignKey(
        "workforce.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="victim_escalations",
    )
    supervisor = models.ForeignKey(
        "workforce.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="victim_escalations_supervised",
    )
    created_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"Escalation of obligation {self.obligation_id}"


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DECIDED = "decided", "Decided"


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld: the decision is overturned and the investigation reopened"
    NOT_UPHELD = "not-upheld", "Not upheld: the original decision stands"
    # A request the scheme does not cover is closed without a review of the decision; the victim is told why.
    NOT_ELIGIBLE = "not-eligible", "Not eligible: closed without a review; the victim is told the reason"


class RightToReview(models.Model):
    """A Victims' Right to Review request about a police decision on one crime."""

    link = models.ForeignKey(VictimCrime, on_delete=models.CASCADE, related_name="reviews")
    notified_on = models.DateField()
    requested_on = models.DateField()
    summary_only = models.BooleanField(default=False)
    incident_on = models.DateField(null=True, blank=True)
    in_time = models.BooleanField()
    window_closes = models.DateField()
    acknowledge_by = models.DateField()
    decide_by = models.DateField()
    basis = models.JSONField(default=list)
    eligible = models.BooleanField()
    eligibility_reasons = models.JSONField(default=list)
    policy_version = models.CharField(max_length=40)
    decision_maker = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED)
    acknowledged_on = models.DateField(null=True, blank=True)
    reviewer = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="vrr_reviews"
    )
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"Right to Review requested {self.requested_on}"


class ReviewClock(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", "Acknowledge the request"
    DECIDE = "decide", "Decide the review"


class ReviewEscalation(models.Model):
    """A Right to Review clock (acknowledge by, decide by) missed, escalated once by the nightly sweep: to the
    reviewer's line supervisor when a reviewer is known, else to the policy-named role in the crime's
    borough. Resolved when the request is acknowledged (that clock) or decided (both)."""

    review = models.ForeignKey(RightToReview, on_delete=models.CASCADE, related_name="escalations")
    clock = models.CharField(max_length=20, choices=ReviewClock.choices)
    due_on = models.DateField()
    supervisor = models.ForeignKey(
        "workforce.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vrr_escalations_supervised",
    )
    role = models.CharField(max_length=60, blank=True)
    basis = models.CharField(max_length=500)
    policy_version = models.CharField(max_length=40)
    created_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "clock"], name="victims_review_escalated_once_per_clock"
            )
        ]

    def __str__(self) -> str:
        return f"Escalation of review {self.review_id} ({self.clock})"


class ComplianceSnapshot(models.Model):
    """The compliance report's counts for the whole force on one day, taken by the nightly sweep.

    A London force holds millions of obligations: counting them takes too long for a page, so the page reads
    the day's snapshot (and says when it was taken). Counts only, never names: each cell is
    ``[right, team_id, borough_id, due, met_on_time]``; ``overdue`` is ``[borough_id, due_on, count]``;
    ``links`` is ``[borough_id, victim_crimes, enhanced_entitled, enhanced_recognised]``.
    """

    as_of = models.DateField(db_index=True)
    taken_at = models.DateTimeField()
    policy_version = models.CharField(max_length=40)
    seconds = models.FloatField()
    cells = models.JSONField(default=list)
    overdue = models.JSONField(default=list)
    links = models.JSONField(default=list)

    class Meta:
        ordering = ["-as_of", "-taken_at"]

    def __str__(self) -> str:
        return f"Victims' Code compliance as at {self.taken_at:%Y-%m-%d %H:%M}"
