from __future__ import annotations

from django.db import models
from django.utils import timezone


class SeedRun(models.Model):
    """Which synthetic force this database holds, so that seeding is idempotent."""

    part = models.CharField(max_length=40, help_text="Which generator ran, e.g. 'workforce'.")
    scale = models.CharField(max_length=20)
    seed = models.IntegerField()
    finished_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["part"], name="one_seed_per_part")]

    def __str__(self) -> str:
        return f"{self.part} {self.scale} seed={self.seed}"
