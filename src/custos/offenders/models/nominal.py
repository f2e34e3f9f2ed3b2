"""The nominal record (ViSOR-grade): identity, addresses, notifiable details, convictions, time away."""

from __future__ import annotations

from datetime import date

from django.core.files.storage import FileSystemStorage
from django.db import models
from simple_history.models import HistoricalRecords

from custos.offenders.rules import AwayKind as RuleAwayKind
from custos.offenders.rules import Disposal as RuleDisposal
from custos.offenders.rules import ManagementMode as RuleMode
from custos.offenders.rules import RiskLevel


def _choices(enum: type, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    labels = labels or {}
    return [(m.value, labels.get(m.value, m.value.replace("-", " ").capitalize())) for m in enum]  # type: ignore[attr-defined]


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Not known"


RoshLevel = RiskLevel
ManagementMode = RuleMode
Disposal = RuleDisposal
AwayKind = RuleAwayKind
ROSH_CHOICES = _choices(RiskLevel)
MODE_CHOICES = _choices(RuleMode)


class MappaCategory(models.IntegerChoices):
    CAT1 = 1, "Category 1: registered sexual offender"
    CAT2 = 2, "Category 2: violent and other sexual offenders"
    CAT3 = 3, "Category 3: other dangerous offenders"
    CAT4 = 4, "Category 4: terrorist and terrorist-risk offenders"


class MappaLevel(models.IntegerChoices):
    L1 = 1, "Level 1: ordinary agency management"
    L2 = 2, "Level 2: active multi-agency management"
    L3 = 3, "Level 3: multi-agency, senior commitment"


# Photos are personal data: kept outside the static/media URL space and served only by an access-checked view.
private_storage = FileSystemStorage(base_url="/not-served/")


class Offender(models.Model):
    """A managed offender (nominal). Denormalised ladder fields are written only by the ladder service."""

    reference = models.CharField("nominal reference", max_length=20, unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.MALE)
    pnc_id = models.CharField("PNC ID", max_length=20, blank=True)
    description = models.TextField("physical description", blank=True)
    marks = models.TextField("scars, marks and tattoos", blank=True)
    borough = models.ForeignKey("workforce.Borough", on_delete=models.PROTECT, related_name="offenders")
    team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="offenders"
    )
    mappa_category = models.PositiveSmallIntegerField(choices=MappaCategory.choices, default=1)
    mappa_level = models.PositiveSmallIntegerField(choices=MappaLevel.choices, default=1)
    management_mode = models.CharField(max_length=10, choices=MODE_CHOICES, default="active")
    rosh_level = models.CharField("RoSH level", max_length=10, choices=ROSH_CHOICES, default="medium")
    rosh_reason = models.TextField("RoSH reason", blank=True)
    lead_manager = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="lead_offenders"
    )
    deputy_manager = models.ForeignKey(
        "workforce.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="deputy_offenders"
    )
    managed_since = models.DateField(help_text="Start of management: the visit clock if never visited.")
    first_notification_on = models.DateField(null=True, blank=True)
    no_fixed_abode = models.BooleanField(default=False)
    whereabouts_verified = models.BooleanField(default=True)
    whereabouts_unverified_since = models.DateField(null=True, blank=True)
    preventive_order = models.CharField(
        max_length=20, blank=True, help_text="SHPO, interim SHPO, SOPO or interim SOPO (blocks s.91A review)."
    )
    active = models.BooleanField(default=True)
    # Written by the ladder service (sweep and every relevant write) so worklists sort in SQL.
    last_successful_visit_on = models.DateField(null=True, blank=True)
    next_visit_due = models.DateField(null=True, blank=True)
    next_notification_due = models.DateField(null=True, blank=True)
    ladder_rank = models.PositiveSmallIntegerField(default=9, help_text="0 = breach case … 9 = nothing due.")
    ladder_steps = models.CharField(max_length=120, blank=True)
    ladder_evaluated_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["ladder_rank", "ladder_steps", "ladder_evaluated_on"])

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["borough", "ladder_rank", "next_visit_due"]),
            models.Index(fields=["lead_manager", "ladder_rank"]),
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        years = day.year - self.date_of_birth.year
        return years - ((day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day))


class Alias(models.Model):
    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80)
    used_from = models.DateField(null=True, blank=True)
    used_to = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["last_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _photo_path(instance: OffenderPhoto, filename: str) -> str:
    return f"offenders/photos/{instance.offender_id}/{filename}"


class OffenderPhoto(models.Model):
    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=_photo_path, storage=private_storage)
    content_type = models.CharField(max_length=50, default="image/jpeg")
    taken_on = models.DateField()
    caption = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-taken_on"]

    def __str__(self) -> str:
        return f"Photo {self.taken_on}"


class AddressKind(models.TextChoices):
    HOME = "home", "Home address (sole or main residence)"
    REGULAR = "regular", "Other address regularly stayed at"
    SHORT_STAY = "short-stay", "Short stay (counts to the 7-day qualifying period)"
    HOUSEHOLD_CHILD = "household-child", "Household with a child under 18"


class Address(models.Model):
    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=20, choices=AddressKind.choices)
    line1 = models.CharField(max_length=120)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    area = models.CharField(max_length=40, blank=True, help_text="Ward or beat, used to group visits.")
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    notified = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-from_date"]

    def __str__(self) -> str:
        return f"{self.line1}, {self.town} {self.postcode}".strip(", ")


class NotifiableKind(models.TextChoices):
    VEHICLE = "vehicle", "Vehicle (VRM)"
    PHONE = "phone", "Phone"
    INTERNET_ID = "internet-id", "Internet identifier"
    DEVICE = "device", "Device"
    EMPLOYMENT = "employment", "Employment"
    BANK = "bank", "Bank or building-society account"
    CARD = "card", "Credit or debit card"
    PASSPORT = "passport", "Passport or identity document"


class NotifiableDetail(models.Model):
    """The other notifiable details (SOA 2003 s.83(5); SI 2012/1876 for bank, card and passport)."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="details")
    kind = models.CharField(max_length=20, choices=NotifiableKind.choices)
    value = models.CharField(max_length=200)
    normalised = models.CharField(
        max_length=200, db_index=True, help_text="Upper-case, no spaces (VRM search)."
    )
    notes = models.CharField(max_length=200, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "value"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class Conviction(models.Model):
    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="convictions")
    offence = models.CharField(max_length=200)
    schedule3 = models.BooleanField("Schedule 3 offence", default=True)
    conviction_date = models.DateField(help_text="The relevant date (s.82(6)): conviction, not sentence.")
    sentence_date = models.DateField(null=True, blank=True)
    disposal = models.CharField(max_length=30, choices=_choices(RuleDisposal))
    term_months = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    discharge_months = models.PositiveSmallIntegerField(null=True, blank=True)
    court = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-conviction_date"]

    def __str__(self) -> str:
        return f"{self.offence} ({self.conviction_date})"


class AwayPeriod(models.Model):
    """Custody, hospital or abroad: disregarded for notification deadlines, suspends visits and s.96B."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="away_periods")
    kind = models.CharField(max_length=10, choices=_choices(RuleAwayKind))
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Day of release or return; empty while away.")
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.kind} from {self.start}"


class OffenderLink(models.Model):
    """A link to a crime, an investigation (which is per crime) or a triage device.

    ``crime`` or ``device`` is set when the reference resolved to a record; otherwise the link stays as the
    free-text ``reference`` it was entered with (another force's crime, a device not yet booked in). The
    foreign keys live on this side so neither the crimes nor the triage app depends on offenders.
    """

    KINDS = [("crime", "Crime"), ("investigation", "Investigation"), ("device", "Device")]
    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=20, choices=KINDS)
    reference = models.CharField(max_length=60)
    crime = models.ForeignKey(
        "crimes.Crime", null=True, blank=True, on_delete=models.SET_NULL, related_name="offender_links"
    )
    device = models.ForeignKey(
        "triage.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="offender_links"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offender", "kind", "reference"], name="unique_offender_link")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
