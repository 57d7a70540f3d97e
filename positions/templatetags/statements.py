"""How a statement is shown: its attribution in a few words, its condition
as an "if …" clause, and a value looked up by key."""

import re

from django import template

from positions.models import Attribution

register = template.Library()

# Short enough to stand beside a speaker's name.
ATTRIBUTION_SHORT = {
    Attribution.STATED: "stated",
    Attribution.REPORTED: "reported by the outlet",
    Attribution.OTHER_SIDE: "described by the other side",
    Attribution.ALLY: "an ally's account",
    Attribution.ANALYST: "an analyst's reading",
}

_LEADING_IF = re.compile(r"^\s*(only\s+)?if\b[\s,:]*", re.IGNORECASE)


@register.filter
def attribution_short(code: str) -> str:
    """``stated`` → "stated", ``reported`` → "reported by the outlet", …"""
    return ATTRIBUTION_SHORT.get(code, code)


@register.filter
def condition_clause(condition: str) -> str:
    """The condition without a leading "if" or "only if", which the page
    writes itself: "if the US takes corresponding measures" → "the US takes
    corresponding measures"."""
    return _LEADING_IF.sub("", condition or "", count=1).strip()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None."""
    return mapping.get(key) if mapping else None
