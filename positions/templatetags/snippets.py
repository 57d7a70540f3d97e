"""Search results with the query's words marked: in a snippet of a long text
(the part where the words are), or in a whole short one (a name, a title)."""

import functools
import re
from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Characters shown around the first word found.
SNIPPET = 200


@functools.lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern | None:
    # Longest first: of "threat" and "threatened", the whole form is marked.
    words = sorted({word for word in words if word}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def words_pattern(words) -> re.Pattern | None:
    """A pattern finding any of ``words`` (whole or as a part, whatever the
    case); None when there is none."""
    return _pattern(tuple(words))


def marked(pattern: re.Pattern | None, text: str) -> str:
    """``text`` escaped, each match of ``pattern`` in ``<mark>``."""
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return "".join(pieces)


@register.simple_tag
def mark(words, text) -> str:
    """The whole of ``text`` (a name, a title; a list, such as aliases, is
    joined by commas), escaped, each of ``words`` marked."""
    pattern = words_pattern(words)
    if isinstance(text, list | tuple):
        shown = ", ".join(marked(pattern, str(item)) for item in text)
    else:
        shown = marked(pattern, str(text or ""))
    # Every piece of the text is escaped; only the marks are markup.
    return mark_safe(shown)  # noqa: S308


@register.simple_tag
def snippet(words, *texts) -> str:
    """From the first of ``texts`` holding one of ``words`` (whole or as a
    part, case-insensitive), about ``SNIPPET`` characters around it, escaped,
    each word marked; empty when none holds one."""
    pattern = words_pattern(words)
    if pattern is None:
        return ""
    for text in texts:
        found = pattern.search(text or "")
        if found is None:
            continue
        start = max(0, found.start() - SNIPPET // 3)
        end = min(len(text), start + SNIPPET)
        # Cut at spaces, not inside words.
        if start > 0:
            start = text.find(" ", start) + 1 or start
        if end < len(text):
            end = text.rfind(" ", start, end) if " " in text[start:end] else end
        before = "… " if start > 0 else ""
        after = " …" if end < len(text) else ""
        # Every piece of the text is escaped; only the marks are markup.
        return mark_safe(  # noqa: S308
            f"{before}{marked(pattern, text[start:end])}{after}"
        )
    return ""
