from django.db import models
from django.utils.text import slugify


def unique_slug(text: str, model: type[models.Model], *, instance=None) -> str:
    """A slug of ``text`` not yet used by another row of ``model`` (``-2``, ``-3``… added)."""
    max_length = model._meta.get_field("slug").max_length
    base = (slugify(text) or "item")[: max_length - 6]
    if base.isdigit():
        # All digits would read as an id in the API: "2026" → "release-2026".
        base = f"{model._meta.model_name}-{base}"[: max_length - 6]
    taken = model._default_manager.filter(slug__startswith=base)
    if instance is not None and instance.pk:
        taken = taken.exclude(pk=instance.pk)
    taken_slugs = set(taken.values_list("slug", flat=True))
    candidate, number = base, 2
    while candidate in taken_slugs:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


class SlugFromNameMixin:
    """A model whose empty slug is filled, on save, from ``slug_source``."""

    slug_source = "name"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                getattr(self, self.slug_source), type(self), instance=self
            )
        super().save(*args, **kwargs)
