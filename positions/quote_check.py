"""Checking a quote against the text of its article.

A quote is ``verbatim`` when it appears in the body once spaces, quote marks
and dashes are written one way in both; ``close`` when the best fuzzy match
of it in the body (rapidfuzz's partial ratio, 0–100) reaches
``CLOSE_THRESHOLD``; ``not_found`` otherwise; ``no_text`` when there is no
quote or no body to check. The span is in characters of the body as stored,
so ``body[start:end]`` is the passage found.
"""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from positions.models.choices import QuoteCheck

# A partial ratio of 90 lets a translation quirk, a bracketed insertion or a
# dropped word through, and not a different sentence on the same subject.
CLOSE_THRESHOLD = 90.0

_EQUIVALENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class QuoteCheckResult:
    outcome: str
    start: int | None = None
    end: int | None = None
    score: float | None = None


def normalised(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of spaces as one space and quote marks and
    dashes written one way, and for each of its characters the offset of the
    character of ``text`` it came from."""
    translated = text.translate(_EQUIVALENTS)
    characters: list[str] = []
    offsets: list[int] = []
    for match in re.finditer(r"\s+|\S+", translated):
        if match.group().isspace():
            characters.append(" ")
            offsets.append(match.start())
        else:
            characters.extend(match.group())
            offsets.extend(range(match.start(), match.end()))
    return "".join(characters), offsets


def check_quote(quote: str, body: str) -> QuoteCheckResult:
    needle = _SPACE.sub(" ", quote.translate(_EQUIVALENTS)).strip()
    if not needle or not body.strip():
        return QuoteCheckResult(QuoteCheck.NO_TEXT)
    haystack, offsets = normalised(body)
    found = haystack.find(needle)
    if found >= 0:
        return QuoteCheckResult(
            QuoteCheck.VERBATIM,
            start=offsets[found],
            end=offsets[found + len(needle) - 1] + 1,
            score=100.0,
        )
    alignment = fuzz.partial_ratio_alignment(
        needle, haystack, score_cutoff=CLOSE_THRESHOLD
    )
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return QuoteCheckResult(QuoteCheck.NOT_FOUND)
    return QuoteCheckResult(
        QuoteCheck.CLOSE,
        start=offsets[alignment.dest_start],
        end=offsets[alignment.dest_end - 1] + 1,
        score=round(alignment.score, 1),
    )


# How much of the body is shown either side of a matched passage.
PASSAGE_CONTEXT = 300


@dataclass(frozen=True)
class Passage:
    """The part of an article's body around a matched quote: ``before``,
    ``match`` (``body[start:end]``) and ``after``, as plain text; ``cut_before``
    and ``cut_after`` say whether the body goes on beyond them."""

    before: str
    match: str
    after: str
    cut_before: bool
    cut_after: bool


def passage(
    body: str, start: int | None, end: int | None, *, context: int = PASSAGE_CONTEXT
) -> Passage | None:
    """``body[start:end]`` with about ``context`` characters either side,
    widened or narrowed to whole words; None without a span, or with one the
    body no longer has (a span checked against an earlier text)."""
    if start is None or end is None or not 0 <= start < end <= len(body or ""):
        return None
    window_start = _word_boundary(body, max(0, start - context), toward=start)
    window_end = _word_boundary(body, min(len(body), end + context), toward=end)
    return Passage(
        before=body[window_start:start],
        match=body[start:end],
        after=body[end:window_end],
        cut_before=window_start > 0,
        cut_after=window_end < len(body),
    )


def _word_boundary(body: str, at: int, *, toward: int) -> int:
    """``at`` moved toward ``toward`` to the nearest space, so that a window
    does not begin or end in the middle of a word (unless none is near)."""
    if at in (0, len(body)) or body[at - 1].isspace() or body[at].isspace():
        return at
    step = 1 if toward > at else -1
    position = at
    while position != toward and not body[position].isspace():
        position += step
    return at if position == toward else position
