"""Checking a quote against the text of its article.

A quote is ``verbatim`` when it appears in the body once spaces, quote marks
and dashes are written one way in both; ``close`` when the best fuzzy match
of it in the body (rapidfuzz's partial ratio, 0–100) reaches
``CLOSE_THRESHOLD``; ``not_found`` otherwise; ``no_text`` when there is no
quote or no body to check. The span is in characters of the body as stored,
so ``body[start:end]`` is the passage found.
"""

import bisect
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
_LONG_SPACE = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class QuoteCheckResult:
    outcome: str
    start: int | None = None
    end: int | None = None
    score: float | None = None


class Normalised:
    """``text`` with each run of spaces as one space and quote marks and
    dashes written one way (``str(self)``), and where each of its characters
    came from in ``text`` (``offset``).

    Only a run of two or more spaces changes the length, so the offsets are
    kept for those runs alone: a 200,000-character body is normalised in a
    few milliseconds, not a per-character list in tens."""

    def __init__(self, text: str):
        translated = text.translate(_EQUIVALENTS)
        self.text = _SPACE.sub(" ", translated)
        # For each run of two or more spaces: where its one space is in the
        # normalised text, where the run starts in ``text``, and how many
        # characters fewer the normalised text has once past it.
        self._at: list[int] = []
        self._starts: list[int] = []
        self._shifts: list[int] = []
        shift = 0
        for run in _LONG_SPACE.finditer(translated):
            self._at.append(run.start() - shift)
            self._starts.append(run.start())
            shift += run.end() - run.start() - 1
            self._shifts.append(shift)

    def __str__(self) -> str:
        return self.text

    def offset(self, index: int) -> int:
        """The offset in ``text`` of the character at ``index`` of the
        normalised text (of a run of spaces: where the run starts)."""
        run = bisect.bisect_right(self._at, index) - 1
        if run < 0:
            return index
        if self._at[run] == index:
            return self._starts[run]
        return index + self._shifts[run]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` of the normalised text as a span of ``text``."""
        return self.offset(start), self.offset(end - 1) + 1


def check_quote(quote: str, body: str) -> QuoteCheckResult:
    needle = _SPACE.sub(" ", quote.translate(_EQUIVALENTS)).strip()
    if not needle or not body.strip():
        return QuoteCheckResult(QuoteCheck.NO_TEXT)
    haystack = Normalised(body)
    found = haystack.text.find(needle)
    if found >= 0:
        start, end = haystack.span(found, found + len(needle))
        return QuoteCheckResult(QuoteCheck.VERBATIM, start=start, end=end, score=100.0)
    alignment = fuzz.partial_ratio_alignment(
        needle, haystack.text, score_cutoff=CLOSE_THRESHOLD
    )
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return QuoteCheckResult(QuoteCheck.NOT_FOUND)
    start, end = haystack.span(
        *_whole_words(needle, haystack.text, alignment.dest_start, alignment.dest_end)
    )
    return QuoteCheckResult(
        QuoteCheck.CLOSE, start=start, end=end, score=round(alignment.score, 1)
    )


# How far a close match's passage may move to take in whole words: the
# partial ratio compares the quote with a window of its own length, which
# cuts words when the passage is longer or shorter than the quote.
_WORD_SLACK = 40


def _whole_words(needle: str, haystack: str, start: int, end: int) -> tuple[int, int]:
    """The passage from a word's start to a word's end, near ``[start,
    end)``, most like the quote (``fuzz.ratio``); ``[start, end)`` itself
    when none is."""
    slack = min(_WORD_SLACK, max(4, len(needle) // 4))
    starts = [
        i
        for i in range(max(0, start - slack), min(end, start + slack) + 1)
        if i == 0 or haystack[i - 1] == " "
    ]
    ends = [
        i
        for i in range(max(start + 1, end - slack), min(len(haystack), end + slack) + 1)
        if i == len(haystack) or haystack[i] == " "
    ]
    best, best_score = (start, end), -1.0
    for word_start in starts:
        for word_end in ends:
            if word_end <= word_start or haystack[word_start] == " ":
                continue
            score = fuzz.ratio(needle, haystack[word_start:word_end])
            if score > best_score:
                best, best_score = (word_start, word_end), score
    return best


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
