"""How a statement is shown: its attribution in a few words, its condition
as an "if …" clause, and a value looked up by key."""

from django import template

from positions.models import Attribution, condition_clause

register = template.Library()

# Short enough to stand beside a speaker's name.
ATTRIBUTION_SHORT = {
    Attribution.STATED: "stated",
    Attribution.REPORTED: "reported by the outlet",
    Attribution.OTHER_SIDE: "described by the other side",
    Attribution.ALLY: "an ally's account",
    Attribution.ANALYST: "an analyst's reading",
}


@register.filter
def attribution_short(code: str) -> str:
    """``stated`` → "stated", ``reported`` → "reported by the outlet", …"""
    return ATTRIBUTION_SHORT.get(code, code)


# The condition without the "if" it may begin with: the page writes its own.
register.filter("condition_clause", condition_clause)


LINEAGE_PHRASES = {
    "variant_of": "A variant of",
    "derived_from": "Derived from",
    "superseded_by": "Superseded by",
    "variant": "Has a variant:",
    "source_of": "The source of",
    "supersedes": "Supersedes",
}


@register.filter
def lineage_phrase(kind: str) -> str:
    """A proposal link's kind, as read from the proposal the page is about."""
    return LINEAGE_PHRASES.get(kind, kind)


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None."""
    return mapping.get(key) if mapping else None
