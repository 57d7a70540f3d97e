"""How a statement is shown: its attribution in a few words, its condition
as an "if …" clause, and a value looked up by key."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def day_stance(day) -> str:
    """A resolved stance of a day (``day``, a ResolvedStance): its stance, and
    when its sources disagree, the range they span and how the day was
    resolved. A tag, not an include: a proposal page shows 120 of them."""
    disputed = ""
    if day.disputed:
        low, high = day.day_range_labels
        disputed = format_html(
            ' <span class="badge badge-disputed" title="Sources of that day disagree: '
            '{} positions from “{}” to “{}”; resolved by {}">disputed {} to {} · {} '
            "positions · {}</span>",
            day.day_positions,
            low,
            high,
            day.resolution,
            f"{day.day_stance_min:+d}",
            f"{day.day_stance_max:+d}",
            day.day_positions,
            day.resolution,
        )
    return format_html(
        '<span class="stance" data-stance="{}">{}</span>{}',
        day.stance,
        day.stance_label,
        disputed,
    )


@register.simple_tag
def matrix_cell(cell, conditions: dict):
    """One cell of a stance matrix (``cell``: a ResolvedStance or None), as
    the negotiation page shows it. Rendered here rather than in a template:
    a matrix has thousands of cells, and each template variable and include
    cost more than the whole cell does in Python."""
    if cell is None:
        return mark_safe(
            '<td class="cell empty"><span class="muted">no position</span></td>'
        )  # noqa: S308
    condition = conditions.get(cell.position_id)
    clause = condition_clause(condition) if condition else ""
    badge = (
        format_html(
            ' <span class="badge badge-conditional" title="Holds only if {}">'
            'conditional<span class="visually-hidden">: holds only if {}</span></span>',
            clause,
            clause,
        )
        if condition
        else ""
    )
    disputed = (
        format_html(
            ' <span class="badge badge-disputed" title="Sources of that day disagree: '
            '{} positions from “{}” to “{}”; resolved by {}">disputed {} to {}</span>',
            cell.day_positions,
            *cell.day_range_labels,
            cell.resolution,
            f"{cell.day_stance_min:+d}",
            f"{cell.day_stance_max:+d}",
        )
        if cell.disputed
        else ""
    )
    holds_only_if = f"; holds only if {clause}" if condition else ""
    return format_html(
        '<td class="cell" data-stance="{}"><a href="{}" title="Last stated on {}; the '
        'position standing for that day ({}){}">{}</a>{}{}<br><small>last stated {}'
        "</small></td>",
        cell.stance,
        cell.href,
        cell.stated_on_label,
        cell.resolution,
        holds_only_if,
        cell.stance_label,
        badge,
        disputed,
        cell.stated_on_label,
    )
