"""A page's chosen options as a query string, for the downloads and the
permalink that show what the page shows."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag
def chosen_query(form, *names: str) -> str:
    """``form``'s valid choices among ``names`` (each of several) as
    ``name=value&…``; a bad or empty one is left out, as the page falls back
    to its default for it."""
    data = getattr(form, "cleaned_data", {})
    pairs = []
    for name in names:
        value = data.get(name) or []
        pairs += [
            (name, item) for item in (value if isinstance(value, list) else [value])
        ]
    return urlencode(pairs)
