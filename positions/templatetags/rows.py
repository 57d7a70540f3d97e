"""The rows of the pages' lists of positions and of changes, written in Python.

Pages list 20 to 50 positions, each with a head, its quotes, its condition,
its quote check and its source: as template includes that cost about 0.2 ms
a row (the largest part of a proposal page's 26 ms of CPU), here about a
tenth of it; a change's row cost 0.17 ms. Every value is escaped with the
standard library's ``escape``; the markup is that of ``positions/_quotes.html``,
``_quote_check.html`` and ``_condition.html``, which the
position page still includes.
"""

from functools import lru_cache, partial
from html import escape

from django import template
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from positions.models import QuoteCheck, condition_clause
from positions.templatetags.snippets import marked, words_pattern
from positions.templatetags.statements import attribution_short

register = template.Library()


@lru_cache(maxsize=8192)
def _url(prefix: str, name: str, argument) -> str:
    # The script prefix is part of the key: the same row under another mount
    # point links elsewhere.
    return escape(reverse(name, args=[argument]))


def url(name: str, argument) -> str:
    return _url(get_script_prefix(), name, argument)


def _day(value) -> str:
    return _localized_day(get_language(), value)


@lru_cache(maxsize=4096)
def _localized_day(language: str | None, value) -> str:
    # Django's date formatting looks up the format and writes each part anew
    # (a proposal page's 120 dates took 2 ms); a page repeats few days.
    return escape(formats.localize(value))


def quote_check_badge(position) -> str:
    check = position.quote_check
    score = floatformat(position.quote_check_score, 1)
    if check == QuoteCheck.VERBATIM:
        title = (
            "Found word for word in the article's stored text (spaces, quote "
            "marks and dashes aside)"
        )
        text = "verbatim"
    elif check == QuoteCheck.CLOSE:
        title = (
            f"The closest passage of the article's stored text matches {score}% "
            "(a close match starts at 90%)"
        )
        text = f"close ({score})"
    elif check == QuoteCheck.NOT_FOUND:
        title = "Neither the quote nor a close passage is in the article's stored text"
        text = "not found"
    else:
        title = (
            "The article's text is not stored, so the quote cannot be checked"
            if position.quote
            else "There is no quote to check"
        )
        text = "no text to check"
    return (
        f'<span class="badge quote-check quote-check-{escape(check)}" '
        f'title="{escape(title)}"><span class="visually-hidden">Quote check: </span>'
        f"{escape(text)}</span>"
    )


def condition_paragraph(position) -> str:
    if not position.condition:
        return ""
    depends = []
    if position.condition_proposal_id:
        proposal = position.condition_proposal
        depends.append(
            f'<a href="{url("positions:proposal-detail", proposal.slug)}">'
            f"{escape(proposal.title)}</a>"
        )
    if position.condition_event_id:
        event = position.condition_event
        depends.append(
            f'<a href="{url("positions:event-detail", event.slug)}">'
            f"{escape(event.title)}</a>, "
            f'<time datetime="{event.starts_on:%Y-%m-%d}">{_day(event.starts_on)}</time>'
        )
    on = (
        f' <span class="muted">(depends on {" and ".join(depends)})</span>'
        if depends
        else ""
    )
    return (
        '<p class="condition"><span class="condition-if">if</span> '
        f"{escape(condition_clause(position.condition))}{on}</p>"
    )


def quotes_block(position, shown=escape) -> str:
    """The quotes of ``position``, each written by ``shown`` (escaping, and
    marking a search's words)."""
    if not (position.quote or position.quote_original):
        return ""
    parts = []
    if position.quote:
        parts.append(f"<blockquote>“{shown(position.quote)}”</blockquote>")
    if position.quote_original:
        language = escape(position.quote_language)
        parts.append(
            '<figure class="quote-original"><figcaption class="muted">In the '
            f'original (<span class="language">{language}</span>)</figcaption>'
            f'<blockquote lang="{language}">“{shown(position.quote_original)}”'
            "</blockquote></figure>"
        )
    with_original = " with-original" if position.quote_original else ""
    return f'<div class="quotes{with_original}">\n  ' + "\n  ".join(parts) + "\n</div>"


@register.simple_tag
def position_row(
    position, show_actor=False, show_proposal=False, show_source=False, marks=()
):
    """One ``<li class="position">`` of a page's list of positions; on the
    search page, the words ``marks`` are marked where it was searched (its
    quotes, its note, its speaker's name)."""
    pattern = words_pattern(marks)
    shown = escape if pattern is None else partial(marked, pattern)
    head = [
        f'<a href="{url("positions:position-detail", position.pk)}">'
        f'<time datetime="{position.stated_on:%Y-%m-%d}">{_day(position.stated_on)}'
        "</time></a>"
    ]
    if show_actor:
        head.append(
            f'<a href="{url("positions:actor-detail", position.actor.slug)}">'
            f"{escape(position.actor.name)}</a>"
        )
    if show_proposal:
        head.append(
            f'on <a href="{url("positions:proposal-detail", position.proposal.slug)}">'
            f"{escape(position.proposal.title)}</a>"
        )
    head.append(
        f'<span class="stance" data-stance="{position.stance:d}">'
        f"{escape(position.stance_label)}</span>"
    )
    speaker = f"— {shown(position.speaker.name)} · " if position.speaker_id else ""
    event = (
        f' · at <a href="{url("positions:event-detail", position.event.slug)}">'
        f"{escape(position.event.title)}</a>"
        if position.event_id
        else ""
    )
    head.append(
        f'<span class="muted">{speaker}<span class="attribution">'
        f"{escape(attribution_short(position.attribution))}</span>{event}</span>"
    )
    if position.quote:
        head.append(quote_check_badge(position))
    body = [condition_paragraph(position), quotes_block(position, shown)]
    if position.note:
        body.append(f'<p class="note">{shown(position.note)}</p>')
    if show_source:
        article = position.article
        body.append(
            '<p class="source muted">Source: '
            f'<a href="{url("positions:article-detail", position.article_id)}">'
            f"{escape(article.outlet)}, {_day(article.published_on)}</a> · "
            f"confidence {escape(position.confidence_key)}</p>"
        )
    return mark_safe(  # noqa: S308 (every value above is escaped or a number)
        '<li class="position">\n  <div class="position-head">\n    '
        + "\n    ".join(head)
        + "\n  </div>\n  "
        + "\n  ".join(part for part in body if part)
        + "\n</li>"
    )


def stance_span(value: int, label: str, disputed: bool = False) -> str:
    badge = (
        ' <span class="badge badge-disputed" title="Sources of that day disagree">'
        "disputed</span>"
        if disputed
        else ""
    )
    return f'<span class="stance" data-stance="{value:d}">{escape(label)}</span>{badge}'


@register.simple_tag
def stance(value: int, label: str, disputed: bool = False):
    """A stance with its words, and a badge when its day is disputed (the
    actor page shows two for each of up to hundreds of proposals)."""
    return mark_safe(stance_span(value, label, disputed))  # noqa: S308 (escaped)


@register.simple_tag
def change_row(change):
    """One ``<tr>`` of a table of stance changes (a Change of the selectors)."""
    contested = ""
    if change.contested:
        earlier = (
            f"by {escape(change.from_resolution)} on the earlier date, "
            if change.from_resolution
            else ""
        )
        contested = (
            ' <span class="badge badge-contested" title="The highest-confidence '
            f"sources disagreed (resolved {earlier}by {escape(change.to_resolution)} "
            "on the day of the change): this may be an artefact of coding rather "
            'than a move">contested</span>'
        )
    before = ""
    if change.from_stance is not None:
        before = (
            f'<a href="{url("positions:position-detail", change.from_position_id)}" '
            'title="The position standing for the earlier date">'
            f"{stance_span(change.from_stance, change.from_label)}</a> → "
        )
    after = (
        f'<a href="{url("positions:position-detail", change.to_position_id)}" '
        'title="The position standing for the day of the change">'
        f"{stance_span(change.to_stance, change.to_label, change.disputed)}</a>"
    )
    return mark_safe(  # noqa: S308 (every value above is escaped or a number)
        f"<tr{' class="contested"' if change.contested else ''}>\n"
        f'  <td><time datetime="{change.changed_on:%Y-%m-%d}">'
        f"{_day(change.changed_on)}</time></td>\n"
        f'  <td><a href="{url("positions:actor-detail", change.actor_slug)}">'
        f"{escape(change.actor_name)}</a></td>\n"
        f'  <td><a href="{url("positions:proposal-detail", change.proposal_slug)}">'
        f"{escape(change.proposal_title)}</a></td>\n"
        f'  <td><span class="kind kind-{escape(change.kind)}">{escape(change.kind)}'
        f"</span>{contested}</td>\n"
        f"  <td>{before}{after}</td>\n</tr>"
    )
