"""Search snippets: the part of a text where the query's words are, with
each word marked."""

import re
from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Characters shown around the first word found.
SNIPPET = 200


@register.simple_tag
def snippet(words, *texts) -> str:
    """From the first of ``texts`` holding one of ``words`` (whole or as a
    part, case-insensitive), about ``SNIPPET`` characters around it, escaped,
    each word marked; empty when none holds one."""
    words = [word for word in words if word]
    if not words:
        return ""
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
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
        part = text[start:end]
        marked, last = [], 0
        for match in pattern.finditer(part):
            marked.append(escape(part[last : match.start()]))
            marked.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
        marked.append(escape(part[last:]))
        before = "… " if start > 0 else ""
        after = " …" if end < len(text) else ""
        # Every piece of the text is escaped; only the marks are markup.
        return mark_safe(f"{before}{''.join(marked)}{after}")  # noqa: S308
    return ""
