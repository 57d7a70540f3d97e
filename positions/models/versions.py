"""The data version's counter and its log (see ``config.lib.versions``)."""

from django.db import models


class DataVersionCounter(models.Model):
    """One row (id 1): the latest data version. Every writing transaction
    UPDATEs it, so that the row's lock orders versions by commit."""

    version = models.BigIntegerField(default=0)
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="positions_dataversioncounter_one_row"
            )
        ]

    def __str__(self) -> str:
        return f"data version {self.version}"


class DataVersion(models.Model):
    """Each data version with the time its transaction took it: an instant
    resolves to the last version taken at or before it."""

    version = models.BigIntegerField(primary_key=True)
    taken_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return f"data version {self.version} ({self.taken_at:%Y-%m-%d %H:%M:%S})"
