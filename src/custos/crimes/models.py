"""Crime records and their suspects.

A crime holds what was recorded at intake (offence from the catalogue, dates, place, THRIVE grading,
flags, solvability factors), what Custos decided about it on intake (tier, required PIP level and
specialism, each with its basis and the policy version), who holds it (the allocated investigator, set
only by the allocation service through a conditional UPDATE) and how it ended (the Home Office outcome).
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class CrimeStatus(models.TextChoices):
    OPEN = "open", "Open"
    FINALISED = "finalised", "Finalised"


class SuspectStatus(models.TextChoices):
    # The three states the outcome rules read (investigations.rules.outcomes.check_outcome).
    NOT_IDENTIFIED = "not-identified", "Not identified"
    IDENTIFIED = "identified", "Identified"
    NAMED = "named", "Named"


class SolvabilityModel(models.TextChoices):
    NONE = "", "Not screened"
    EBIT = "ebit", "Kent EBIT"
    BURGLARY = "burglary", "Burglary (Paine and Ariel)"


class Crime(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    # police.uk street CSV "Crime ID" (64 hex) when the crime came in that way; blank otherwise.
    police_uk_id = models.CharField("police.uk crime ID", max_length=64, blank=True, db_index=True)

    # The offence, from the catalogue (custos.crimes.offences); the Home Office facts are copied so that
    # lists and exports never need the catalogue and a later catalogue change does not rewrite history.
    offence_key = models.CharField(max_length=60, db_index=True)
    ho_code = models.CharField("Home Office code", max_length=10)
    ho_description = models.CharField("Home Office description", max_length=200)
    police_uk_category = models.CharField("police.uk category", max_length=60)

    recorded_on = models.DateField(db_index=True)
    occurred_on = models.DateField(null=True, blank=True)
    reported_on = models.DateField(null=True, blank=True)

    borough = models.ForeignKey("workforce.Borough", on_delete=models.PROTECT, related_name="crimes")
    team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="crimes"
    )
    location = models.CharField(max_length=200, blank=True)
    lsoa_code = models.CharField("LSOA code", max_length=9, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    summary = models.TextField(blank=True)

    # THRIVE grading at first contact (crimes.rules.thrive).
    thrive_threat = models.CharField(max_length=200, blank=True)
    thrive_harm = models.CharField(max_length=200, blank=True)
    thrive_risk = models.CharField(max_length=200, blank=True)
    thrive_investigation = models.CharField(max_length=200, blank=True)
    thrive_vulnerability = models.CharField(max_length=200, blank=True)
    thrive_engagement = models.CharField(max_length=200, blank=True)
    response_grade = models.CharField(max_length=30, blank=True)
    thrive_assessed_by = models.CharField(max_length=120, blank=True)
    repeat_victim = models.BooleanField(default=False)

    # Flags recorded at intake.
    vulnerable_victim = models.BooleanField(default=False)
    domestic_abuse = models.BooleanField(default=False)
    hate = models.BooleanField(default=False)
    child_victim = models.BooleanField(default=False)
    # Flags that follow from the offence itself (catalogue flags), stored so that queries can use them.
    sexual = models.BooleanField(default=False)
    trafficking = models.BooleanField(default=False)
    stalking = models.BooleanField(default=False)
    harassment = models.BooleanField(default=False)

    # Facts that feed the tiering modifiers (crimes.rules.tiering.tiering_modifiers).
    weapon = models.BooleanField(default=False)
    serious_injury = models.BooleanField(default=False)
    commercial_victim = models.BooleanField(default=False)
    high_risk = models.BooleanField(default=False)
    threat_to_life = models.BooleanField(default=False)
    critical_incident = models.BooleanField(default=False)
    expected_lines_of_enquiry = models.PositiveSmallIntegerField(default=0)

    # Solvability screening (crimes.rules.solvability): factor keys present, and the result.
    solvability_model = models.CharField(max_length=10, blank=True, choices=SolvabilityModel.choices)
    solvability_factors = models.JSONField(default=list, blank=True)
    solvability_count = models.PositiveSmallIntegerField(null=True, blank=True)
    screened_in = models.BooleanField(null=True, blank=True)

    harm_days = models.FloatField("harm (CCHI days)", null=True, blank=True)
    series_id = models.CharField("linked series", max_length=40, blank=True, db_index=True)

    status = models.CharField(max_length=10, choices=CrimeStatus.choices, default=CrimeStatus.OPEN)

    # Tiering decided on intake, with its basis and the policy version that produced it.
    tier = models.CharField(max_length=2, blank=True)
    required_pip = models.PositiveSmallIntegerField(null=True, blank=True)
    specialism = models.CharField(max_length=30, blank=True)
    tier_modifiers = models.JSONField(default=list, blank=True)
    tier_basis = models.JSONField(default=list, blank=True)
    policy_version = models.CharField(max_length=40, blank=True)

    # The investigator holding the crime. Written only by the allocation service (conditional UPDATE).
    officer = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="crimes"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)

    outcome = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    police_uk_outcome = models.CharField(max_length=80, blank=True)
    finalised_on = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "reference"]
        indexes = [
            models.Index(fields=["borough", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["status", "outcome"]),
            # NFA rates count a million finalised crimes per (group, outcome) within the reader's
            # need-to-know (own crimes or borough) and an optional finalised-since date. Each index below
            # holds every column such a count reads, so the database scans an index, never the table
            # (2.8 s -> 0.15 s at London scale). The officer one also serves what (status, officer) did.
            models.Index(
                fields=["status", "offence_key", "outcome", "borough", "officer", "finalised_on"],
                name="crime_rates_by_offence",
            ),
            models.Index(
                fields=["status", "officer", "outcome", "borough", "finalised_on"],
                name="crime_rates_by_officer",
            ),
            models.Index(
                fields=["status", "team", "outcome", "borough", "officer", "finalised_on"],
                name="crime_rates_by_team",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__isnull=True) | models.Q(outcome__lte=22),
                name="crime_outcome_0_to_22",
            ),
            models.CheckConstraint(
                condition=models.Q(required_pip__isnull=True) | models.Q(required_pip__lte=4),
                name="crime_required_pip_0_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.ho_description}"

    @property
    def flags(self) -> list[str]:
        """The Victims' Code and outcome-check flag names that apply (offence catalogue vocabulary)."""
        named = {
            "vulnerability": self.vulnerable_victim,
            "domestic-abuse": self.domestic_abuse,
            "hate": self.hate,
            "child": self.child_victim,
            "sexual": self.sexual,
            "trafficking": self.trafficking,
            "stalking": self.stalking,
            "harassment": self.harassment,
        }
        return [name for name, on in named.items() if on]


class Suspect(models.Model):
    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="suspects")
    status = models.CharField(
        max_length=20, choices=SuspectStatus.choices, default=SuspectStatus.NOT_IDENTIFIED
    )
    name = models.CharField(max_length=160, blank=True)
    description = models.CharField(max_length=300, blank=True)
    # Offender register reference (the offenders app), held as a string so neither app imports the other.
    offender_reference = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["crime", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="named") | ~models.Q(name=""), name="named_suspect_has_name"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.get_status_display()
