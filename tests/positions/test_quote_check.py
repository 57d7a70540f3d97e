"""Checking a quote against its article's stored text: the rule
(positions.quote_check), the passage shown around a match, and the check as
stored, recomputed, kept in history and filtered through the API."""

import random
import re

import pytest

from positions.models import Position, QuoteCheck
from positions.quote_check import (
    _EQUIVALENTS,
    CLOSE_THRESHOLD,
    Normalised,
    check_quote,
    passage,
)

BODY = (
    "SEOUL, March 28 (Herald) -- South Korea's top nuclear envoy said on Thursday "
    "that the North would “take corresponding measures” — step by step — once "
    "Washington\neased    sanctions.\n\n"
    "The leader said the talks would continue despite the collapse of the Hanoi "
    "summit. Officials in Washington declined to comment on the report."
)


def found(quote: str, body: str = BODY) -> str:
    result = check_quote(quote, body)
    return body[result.start : result.end]


# The rule


def test_curly_and_straight_quote_marks_are_the_same_mark():
    result = check_quote('the North would "take corresponding measures"', BODY)

    assert result.outcome == QuoteCheck.VERBATIM
    assert result.score == 100.0
    assert found('the North would "take corresponding measures"') == (
        "the North would “take corresponding measures”"
    )


def test_a_curly_quote_is_found_in_a_body_with_straight_marks():
    body = "He said: 'we are ready' and left."

    assert check_quote("we are ready’ and", body).outcome == QuoteCheck.VERBATIM


def test_a_hyphen_matches_an_em_dash():
    result = check_quote("measures” - step by step - once", BODY)

    assert result.outcome == QuoteCheck.VERBATIM
    assert BODY[result.start : result.end] == "measures” — step by step — once"


def test_runs_of_spaces_and_newlines_are_one_space():
    quote = "once Washington eased sanctions."

    result = check_quote(quote, BODY)

    assert result.outcome == QuoteCheck.VERBATIM
    assert BODY[result.start : result.end] == "once Washington\neased    sanctions."


def test_a_quote_with_a_line_break_matches_a_body_without_one():
    assert (
        check_quote("the talks would\n  continue", BODY).outcome == QuoteCheck.VERBATIM
    )


def test_offsets_are_characters_of_the_body_as_stored():
    # Collapsed spaces before the passage must not shift it.
    body = "A  \n\n  b   c \t d. " + "Kim said “no deal”  today."

    result = check_quote('Kim said "no deal" today', body)

    assert result.outcome == QuoteCheck.VERBATIM
    assert (result.start, result.end) == (body.index("Kim"), body.index("y.") + 1)
    assert body[result.start : result.end] == "Kim said “no deal”  today"


def test_the_first_occurrence_is_the_one_found():
    body = "We will not. Then: we will not. And again we will not."

    result = check_quote("we will not", body)

    assert (result.start, result.end) == (19, 30)


def test_a_bracketed_insertion_is_a_close_match_with_its_passage():
    quote = (
        "The leader [Kim] said the talks would continue despite the collapse of "
        "the Hanoi summit."
    )

    result = check_quote(quote, BODY)

    assert result.outcome == QuoteCheck.CLOSE
    assert CLOSE_THRESHOLD <= result.score < 100
    passage_found = BODY[result.start : result.end]
    assert "said the talks would continue despite the collapse of the Hanoi" in (
        passage_found
    )
    assert passage_found in BODY


def test_one_changed_word_is_a_close_match_with_its_passage():
    quote = "The leader said the talks would resume despite the collapse of the Hanoi summit."

    result = check_quote(quote, BODY)

    assert result.outcome == QuoteCheck.CLOSE
    assert CLOSE_THRESHOLD <= result.score < 100
    assert (
        "the talks would continue despite the collapse of the Hanoi summi"
        in (BODY[result.start : result.end])
    )


def test_an_unrelated_sentence_is_not_found():
    result = check_quote(
        "Pyongyang launched two short-range missiles into the sea on Saturday.", BODY
    )

    assert (result.outcome, result.start, result.end, result.score) == (
        QuoteCheck.NOT_FOUND,
        None,
        None,
        None,
    )


def test_a_sentence_on_the_same_subject_in_other_words_is_not_found():
    result = check_quote(
        "The negotiations will go on after Hanoi, the leader said.", BODY
    )

    assert result.outcome == QuoteCheck.NOT_FOUND


@pytest.mark.parametrize(
    ("quote", "body"),
    [("", BODY), ("   \n ", BODY), ("we are ready", ""), ("we are ready", " \n\t ")],
    ids=["empty quote", "blank quote", "empty body", "blank body"],
)
def test_no_quote_or_no_body_is_nothing_to_check(quote, body):
    result = check_quote(quote, body)

    assert (result.outcome, result.start, result.end, result.score) == (
        QuoteCheck.NO_TEXT,
        None,
        None,
        None,
    )


# The passage shown around a match


def test_the_passage_is_the_match_with_context_either_side():
    body = " ".join(f"word{n}" for n in range(400))
    start = body.index("word200")
    end = start + len("word200 word201")

    shown = passage(body, start, end, context=50)

    assert shown.match == "word200 word201"
    assert shown.before.endswith("word199 ") and shown.after.startswith(" word202")
    assert 40 <= len(shown.before) <= 60 and 40 <= len(shown.after) <= 60
    assert shown.cut_before and shown.cut_after
    # Whole words only, at both ends.
    assert shown.before.lstrip().startswith("word") and shown.after.endswith(
        tuple("0123456789")
    )
    assert body.find(shown.before + shown.match + shown.after) >= 0


def test_a_passage_near_the_edges_is_not_cut():
    shown = passage("Kim said no. The end.", 4, 11, context=300)

    assert (shown.before, shown.match, shown.after) == ("Kim ", "said no", ". The end.")
    assert not shown.cut_before and not shown.cut_after


@pytest.mark.parametrize(
    ("start", "end"), [(None, None), (5, 5), (0, 99), (-1, 3)], ids=str
)
def test_there_is_no_passage_without_a_span_the_body_has(start, end):
    assert passage("Kim said no.", start, end) is None


# The check as stored


@pytest.fixture
def with_body(korea_case):
    korea_case.herald.body = BODY
    korea_case.herald.save()
    return korea_case


def test_a_position_is_checked_when_saved(with_body, analyst_api):
    response = analyst_api.post(
        "/api/v1/positions/",
        {
            "actor": "south-korea",
            "proposal": "big-deal",
            "stance": 1,
            "stated_on": "2019-03-28",
            "article": with_body.herald.pk,
            "quote": 'the North would "take corresponding measures" - step by step',
        },
    )

    assert response.status_code == 201, response.content
    data = response.json()
    start, end = data["quote_check_span"]
    assert data["quote_check"] == "verbatim"
    assert (
        BODY[start:end]
        == "the North would “take corresponding measures” — step by step"
    )


def test_the_check_is_recomputed_when_the_quote_changes(with_body, analyst_api):
    position = with_body.dprk_big_deal
    assert Position.objects.get(pk=position.pk).quote_check == QuoteCheck.NOT_FOUND

    response = analyst_api.patch(
        f"/api/v1/positions/{position.pk}/",
        {"quote": "once Washington eased sanctions"},
    )

    assert response.status_code == 200, response.content
    stored = Position.objects.get(pk=position.pk)
    assert stored.quote_check == QuoteCheck.VERBATIM
    assert BODY[stored.quote_check_start : stored.quote_check_end] == (
        "once Washington\neased    sanctions"
    )
    assert response.json()["quote_check_span"] == stored.quote_check_span


def test_the_check_is_recomputed_when_the_article_body_changes(
    korea_case, analyst_api, analyst
):
    position = korea_case.dprk_big_deal
    assert Position.objects.get(pk=position.pk).quote_check == QuoteCheck.NO_TEXT

    body = "Pyongyang threatened to pull out of nuclear negotiations, Choe said."
    response = analyst_api.patch(
        f"/api/v1/articles/{korea_case.herald.pk}/", {"body": body}
    )

    assert response.status_code == 200, response.content
    stored = Position.objects.get(pk=position.pk)
    assert (stored.quote_check, stored.quote_check_span) == (
        QuoteCheck.VERBATIM,
        [10, 56],
    )
    assert body[10:56] == "threatened to pull out of nuclear negotiations"
    # Positions without a quote have nothing to check, body or not.
    assert set(
        Position.objects.exclude(pk=position.pk).values_list("quote_check", flat=True)
    ) == {QuoteCheck.NO_TEXT}

    # History keeps each check, and who caused the new one.
    history = list(
        Position.history.filter(id=position.pk)
        .order_by("history_date", "history_id")
        .values_list("quote_check", "quote_check_start", "history_user")
    )
    assert history[0][:2] == (QuoteCheck.NO_TEXT, None)
    assert history[-1] == (QuoteCheck.VERBATIM, 10, analyst.pk)


def test_the_api_history_shows_the_check_of_each_version(
    with_body, analyst_api, reader_api
):
    position = with_body.dprk_big_deal
    analyst_api.patch(
        f"/api/v1/positions/{position.pk}/", {"quote": "the talks would continue"}
    )

    response = reader_api.get(f"/api/v1/positions/{position.pk}/history/")

    assert response.status_code == 200
    # Created before the article had a body, checked again when it got one,
    # then its quote changed.
    assert [row["fields"]["quote_check"] for row in response.json()] == [
        "no_text",
        "not_found",
        "verbatim",
    ]


def test_positions_are_filtered_by_their_check(with_body, analyst_api, reader_api):
    analyst_api.patch(
        f"/api/v1/positions/{with_body.us_big_deal.pk}/",
        {
            "quote": "The leader said the talks would resume despite the collapse "
            "of the Hanoi summit."
        },
    )

    def ids(check):
        response = reader_api.get("/api/v1/positions/", {"quote_check": check})
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("close") == {with_body.us_big_deal.pk}
    assert ids("not_found") == {with_body.dprk_big_deal.pk}
    assert ids("verbatim") == set()
    assert ids("no_text") == {with_body.dprk_phased.pk, with_body.rok_road_map.pk}
    assert reader_api.get(
        "/api/v1/positions/", {"quote_check": "maybe"}
    ).status_code == (400)


# The normalised body's offsets


def _reference_offsets(text: str) -> tuple[str, list[int]]:
    """The normalisation one character at a time: the rule Normalised
    implements with its runs of spaces only."""
    translated = text.translate(_EQUIVALENTS)
    characters, offsets = [], []
    for match in re.finditer(r"\s+|\S+", translated):
        if match.group().isspace():
            characters.append(" ")
            offsets.append(match.start())
        else:
            characters.extend(match.group())
            offsets.extend(range(match.start(), match.end()))
    return "".join(characters), offsets


@pytest.mark.parametrize("seed", range(20))
def test_each_normalised_character_maps_back_to_where_it_came_from(seed):
    generator = random.Random(seed)  # noqa: S311 (test data, not secrets)
    alphabet = ["a", "b", " ", "  ", "\n", "\r\n", "\t \n ", "“", "—", "'", "\u00a0"]
    text = "".join(generator.choice(alphabet) for _ in range(300))

    normalised = Normalised(text)
    expected_text, expected_offsets = _reference_offsets(text)

    assert normalised.text == expected_text
    assert [normalised.offset(i) for i in range(len(expected_text))] == (
        expected_offsets
    )


def test_a_close_passage_is_whole_words():
    quote = "The leader said the talks would resume despite the collapse of the Hanoi summit."

    result = check_quote(quote, BODY)

    assert BODY[result.start : result.end] == (
        "The leader said the talks would continue despite the collapse of the Hanoi "
        "summit."
    )
