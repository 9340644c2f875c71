from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vmeste.core import clock


class Export(models.Model):
    class Kind(models.TextChoices):
        APPEALS = "appeals", _("Appeals")
        IDEAS = "ideas", _("Ideas")
        VOTES = "votes", _("Votes per idea and day")
        COUNTERS = "counters", _("Counters of appeals per day")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    fmt = models.CharField(max_length=4, choices=[("csv", "CSV"), ("json", "JSON")])
    date_from = models.DateField()
    date_to = models.DateField()
    file = models.FileField(upload_to="opendata/")
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-date_to", "kind", "fmt"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "fmt", "date_from", "date_to"], name="export_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date_from}–{self.date_to}.{self.fmt}"


class ExportPeriod(models.Model):
    """A period whose exports the sweep has queued: the sweep queues each period once, the worker's
    task writes the files (minutes for a month) and marks it done."""

    date_from = models.DateField()
    date_to = models.DateField()
    queued_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date_from", "date_to"], name="export_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.date_from}–{self.date_to}"
