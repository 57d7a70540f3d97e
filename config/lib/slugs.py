"""Renamed slugs keep working: an old slug, found in a row's history,
resolves to the row that had it and exists now under another slug.

A slug in use now always wins over an old one; of several rows that once
had a slug, the one that had it last takes it.
"""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

# The change reason of a row deleted by merging it into another, followed by
# the id of the row kept (written by the merge service).
MERGED_INTO = "merged into "


def renamed(model, slugs) -> dict[str, int]:
    """{old slug: id of the row that had it last}, for rows that exist now."""
    slugs = [slug for slug in slugs if "\x00" not in slug]
    history = getattr(model, "history", None)
    if not slugs or history is None:
        return {}
    found: dict[str, int] = {}
    for slug, row_id, reason in (
        history.filter(slug__in=slugs)
        .order_by("data_version", "history_id")
        .values_list("slug", "id", "history_change_reason")
    ):
        # A row merged into another was deleted saying which: its slug leads
        # to the row kept.
        if (
            reason
            and reason.startswith(MERGED_INTO)
            and reason[len(MERGED_INTO) :].isdigit()
        ):
            row_id = int(reason[len(MERGED_INTO) :])
        found[slug] = row_id
    existing = set(
        model._default_manager.filter(pk__in=found.values()).values_list(
            "pk", flat=True
        )
    )
    return {slug: row_id for slug, row_id in found.items() if row_id in existing}


def get_by_slug_or_404(model, slug: str):
    """The row with ``slug`` now, else the one that had it last; else 404."""
    row = (
        model._default_manager.filter(slug=slug).first() if "\x00" not in slug else None
    )
    if row is None:
        row_id = renamed(model, [slug]).get(slug)
        row = model._default_manager.filter(pk=row_id).first() if row_id else None
    if row is None:
        raise Http404(f"No {model._meta.verbose_name} “{slug}”.")
    return row


class RenamedSlugMixin:
    """For a viewset looked up by slug: an old slug answers as the row's
    current one does."""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            slug = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            if self.lookup_field != "slug" or not isinstance(slug, str):
                raise
            row_id = renamed(self.get_queryset().model, [slug]).get(slug)
            if row_id is None:
                raise
            self.kwargs[self.lookup_url_kwarg or self.lookup_field] = (
                self.get_queryset().model._default_manager.get(pk=row_id).slug
            )
            return super().get_object()


def follows_renamed_slug(model):
    """A page looked up by ``slug``: an old slug is a 301 to the page under the
    current one, the query string kept."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, slug, **kwargs):
            try:
                return view(request, *args, slug=slug, **kwargs)
            except Http404:
                row_id = renamed(model, [slug]).get(slug)
                if row_id is None:
                    raise
                current = model._default_manager.get(pk=row_id).slug
                if current == slug:
                    # Not there as the page reads it (a past version that
                    # did not hold it yet): the same address would be a loop.
                    raise
                url = reverse(
                    request.resolver_match.view_name,
                    args=args,
                    kwargs={**kwargs, "slug": current},
                )
                query = request.META.get("QUERY_STRING")
                return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

        return wrapper

    return decorator
