"""Releases: named, immutable data versions that researchers cite."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from actors.slugs import SlugFromNameMixin
from config.lib import limits


class Release(SlugFromNameMixin, models.Model):
    """A curator's name for the data as it stood at ``known_at`` (its data
    version), with the files of that state, written once."""

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="How the release is cited, e.g. “2026-12”.",
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Its address: /releases/<slug>/ and ?release=<slug>.",
    )
    notes = models.TextField(
        blank=True,
        help_text="What changed since the last release, what to know when using it.",
        **limits.text_limit(limits.DESCRIPTION),
    )
    known_at = models.DateTimeField(
        editable=False, help_text="The instant whose data the release holds."
    )
    data_version = models.BigIntegerField(
        editable=False, help_text="The last data version taken at or before known_at."
    )
    rules_version = models.CharField(max_length=40, editable=False)
    files = models.JSONField(
        default=list,
        editable=False,
        help_text="[{name, bytes, sha256}] of the dumps, written once.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-known_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("positions:release-detail", kwargs={"slug": self.slug})
