"""Reads of releases."""

from positions.models import Release


def releases_listed():
    """Every release, the latest known_at first."""
    return Release.objects.select_related("created_by").order_by("-known_at", "-id")


def release_by_slug(slug: str) -> Release | None:
    return Release.objects.select_related("created_by").filter(slug=slug).first()
