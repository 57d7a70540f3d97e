"""How a statement is shown: its attribution in a few words, its condition
as an "if …" clause, and a value looked up by key."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from positions.models import Attribution, condition_clause

register = template.Library()

EMPTY_CELL = '<td class="cell empty"><span class="muted">no position</span></td>'

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


@register.simple_tag
def day_stance(day) -> str:
    """A resolved stance of a day (``day``, a ResolvedStance): its stance, and
    when its sources disagree, the range they span and how the day was
    resolved. A tag, not an include: a proposal page shows 120 of them."""
    disputed = ""
    if day.disputed:
        low, high = (escape(label) for label in day.day_range_labels)
        resolution = escape(day.resolution)
        disputed = (
            ' <span class="badge badge-disputed" title="Sources of that day '
            f"disagree: {day.day_positions:d} positions from “{low}” to “{high}”; "
            f'resolved by {resolution}">disputed {day.day_stance_min:+d} to '
            f"{day.day_stance_max:+d} · {day.day_positions:d} positions · "
            f"{resolution}</span>"
        )
    return mark_safe(  # noqa: S308 (every value is escaped or a number)
        f'<span class="stance" data-stance="{day.stance:d}">'
        f"{escape(day.stance_label)}</span>{disputed}"
    )


def staleness(stated_on, on) -> str:
    """How long before ``on`` a stance was last stated, in the largest unit
    that fits, or "" within a month: an old stance may no longer hold."""
    days = (on - stated_on).days
    if days < 31:
        return ""
    if days < 730:
        months = days // 30
        return f"{months} month{'s' if months != 1 else ''} before"
    return f"{days // 365} years before"


@register.simple_tag
def matrix_cell(cell, conditions: dict, on=None):
    """One cell of a stance matrix (``cell``: a ResolvedStance or None), as
    the negotiation page shows it. Rendered here rather than in a template,
    with the standard library's escape rather than format_html: a matrix has
    thousands of cells, and each template variable, include and lazy escape
    cost more than the whole cell does in plain Python."""
    if cell is None:
        return mark_safe(EMPTY_CELL)  # noqa: S308
    condition = conditions.get(cell.position_id)
    clause = escape(condition_clause(condition)) if condition else ""
    badge = (
        f' <span class="badge badge-conditional" title="Holds only if {clause}">'
        f'conditional<span class="visually-hidden">: holds only if {clause}</span>'
        "</span>"
        if condition
        else ""
    )
    disputed = ""
    if cell.disputed:
        low, high = (escape(label) for label in cell.day_range_labels)
        disputed = (
            ' <span class="badge badge-disputed" title="Sources of that day '
            f"disagree: {cell.day_positions:d} positions from “{low}” to “{high}”; "
            f'resolved by {escape(cell.resolution)}">disputed '
            f"{cell.day_stance_min:+d} to {cell.day_stance_max:+d}</span>"
        )
    holds_only_if = f"; holds only if {clause}" if condition else ""
    stated_on = escape(cell.stated_on_label)
    age = staleness(cell.stated_on, on) if on else ""
    stale = f", {age} this date" if age else ""
    return mark_safe(  # noqa: S308 (every value above is escaped or a number)
        f'<td class="cell" data-stance="{cell.stance:d}"><a href="{escape(cell.href)}" '
        f'title="Last stated on {stated_on}; the position standing for that day '
        f'({escape(cell.resolution)}){holds_only_if}">{escape(cell.stance_label)}</a>'
        f"{badge}{disputed}<br><small>last stated {stated_on}{stale}</small></td>"
    )


@register.simple_tag
def matrix_cells(cells, conditions: dict, on=None):
    """A matrix row's cells (see ``matrix_cell``): one tag per row rather than
    a template loop per cell, whose iterations cost more than the cells."""
    return mark_safe("".join(matrix_cell(cell, conditions, on) for cell in cells))  # noqa: S308
