"""Officers and staff, their teams and boroughs (BCUs), accreditations, training and availability."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from custos.workforce import ranks


class Borough(models.Model):
    """A borough or basic command unit (BCU). London has 32 boroughs."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamType(models.TextChoices):
    OFFENDER_MANAGEMENT = "offender-management", "Offender management (MOSOVO)"
    RESPONSE = "response", "Response"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
    CID = "cid", "CID"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    OCSAE = "ocsae", "Online child sexual abuse and exploitation (OCSAE)"
    DIGITAL_FORENSICS_LAB = "digital-forensics-lab", "Digital forensics lab"
    VICTIM_CARE = "victim-care", "Victim care"


class Team(models.Model):
    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    team_type = models.CharField(max_length=30, choices=TeamType.choices)
    supervisor = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="supervised_teams"
    )

    class Meta:
        ordering = ["borough__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["borough", "name"], name="unique_team_name_per_borough")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.borough.code})"


class Specialism(models.TextChoices):
    RASSO = "rasso", "Rape and serious sexual offences (RASSO)"
    CHILD_ABUSE = "child-abuse", "Child abuse investigation"
    OCSAE = "ocsae", "Online child sexual abuse and exploitation"
    DIGITAL_FORENSICS = "digital-forensics", "Digital forensics"
    DOMESTIC_ABUSE = "domestic-abuse", "Domestic abuse"
    SIO = "sio", "Senior investigating officer"
    FAMILY_LIAISON = "family-liaison", "Family liaison"
    MOSOVO = "mosovo", "Management of sexual or violent offenders"


class Person(models.Model):
    """An officer or member of police staff."""

    staff_number = models.CharField("warrant or staff number", max_length=20, unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    rank = models.CharField(max_length=40, choices=ranks.RANK_CHOICES)
    job_role = models.CharField(max_length=100, blank=True, help_text="For example 'Offender manager'.")
    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, related_name="people")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    line_supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supervisees"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    start_date = models.DateField(help_text="Date joined the force.")
    probationer = models.BooleanField(default=False, help_text="Student officer in the probationary period.")
    pip_level = models.PositiveSmallIntegerField(
        "PIP level", default=0, choices=[(i, f"PIP{i}" if i else "None") for i in range(5)]
    )
    pip_accredited_on = models.DateField("PIP accreditation date", null=True, blank=True)
    visor_authorised = models.BooleanField("ViSOR authorised user", default=False)
    visor_trained_on = models.DateField("ViSOR training date", null=True, blank=True)
    visor_training_expires = models.DateField("ViSOR training expiry", null=True, blank=True)
    workload_training_on = models.DateField("workload-management training date", null=True, blank=True)
    workload_training_expires = models.DateField("workload-management training expiry", null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, default=40)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency for the API and forms
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "staff_number"]
        indexes = [models.Index(fields=["borough", "team"]), models.Index(fields=["pip_level"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(pip_level__lte=4), name="pip_level_0_to_4"),
            models.CheckConstraint(
                condition=models.Q(pip_level__lt=2) | models.Q(pip_accredited_on__isnull=False),
                name="pip2_plus_needs_accreditation_date",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gt=0) & models.Q(hours_per_week__lte=60),
                name="hours_per_week_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{ranks.abbreviation(self.rank)} {self.first_name} {self.last_name} ({self.staff_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def fte(self) -> float:
        return float(self.hours_per_week) / 40.0

    def visor_training_current(self, on: date) -> bool:
        return bool(
            self.visor_authorised
            and self.visor_training_expires is not None
            and self.visor_training_expires >= on
        )


class Accreditation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="accreditations")
    specialism = models.CharField(max_length=30, choices=Specialism.choices)
    accredited_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["specialism"]
        constraints = [
            models.UniqueConstraint(fields=["person", "specialism"], name="unique_specialism_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.get_specialism_display()} ({self.accredited_on})"

    def current(self, on: date) -> bool:
        return self.accredited_on <= on and (self.expires_on is None or self.expires_on >= on)


class AbsenceKind(models.TextChoices):
    ANNUAL_LEAVE = "annual-leave", "Annual leave"
    SICKNESS = "sickness", "Sickness"
    TRAINING = "training", "Training course"
    ABSTRACTION = "abstraction", "Abstraction (aid, event policing)"
    PARENTAL = "parental", "Parental leave"
    RESTRICTED = "restricted", "Restricted or recuperative duties"
    OTHER = "other", "Other"


class Absence(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=20, choices=AbsenceKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["person", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"
