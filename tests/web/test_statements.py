"""What the pages show of a statement beyond its stance: the check of its
quote (with the passage found), its condition, its attribution and its
quote in the original language; and the search through original quotes."""

import datetime

import pytest
from django.test.html import parse_html
from django.urls import reverse

from positions.models import Attribution, Event, Position
from tests.html import elements, text

BODY = (
    "SEOUL, March 28 -- <script>alert('body')</script> South Korea's envoy said "
    "the North would “take corresponding measures” once Washington eased "
    "sanctions. " + "Officials declined to comment. " * 30
)


def _page(client, name, *args):
    response = client.get(reverse(f"positions:{name}", args=args))
    assert response.status_code == 200
    return response, parse_html(response.text)


def _badge(node) -> str:
    [badge] = elements(node, "span", "quote-check")
    return text(badge)


@pytest.fixture
def world(korea_case):
    herald = korea_case.herald
    herald.body = BODY
    herald.save()
    hanoi = Event.objects.create(
        negotiation=korea_case.talks,
        title="Hanoi summit",
        starts_on=datetime.date(2019, 2, 27),
    )
    position = Position.objects.get(pk=korea_case.dprk_phased.pk)
    position.quote = 'the North would "take corresponding measures"'
    position.condition = "if the US takes corresponding measures"
    position.condition_proposal = korea_case.road_map
    position.condition_event = hanoi
    position.quote_original = "상응 조치를 취할 것"
    position.quote_language = "ko"
    position.attribution = Attribution.OTHER_SIDE
    position.save()
    korea_case.hanoi = hanoi
    korea_case.conditional = position
    return korea_case


# The position page


def test_the_position_page_shows_the_check_and_the_passage_found(world, client):
    response, page = _page(client, "position-detail", world.conditional.pk)

    [section] = elements(page, "section", "quote-verification")
    assert _badge(section) == "Quote check: verbatim"
    [passage] = elements(section, "blockquote", "passage")
    [mark] = elements(passage, "mark")
    assert text(mark) == "the North would “take corresponding measures”"
    shown = text(passage)
    assert shown.startswith("SEOUL, March 28")
    assert shown.endswith("…")  # the body goes on beyond the window
    assert len(shown) < 700
    # The body is untrusted text: shown, never run.
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;" in response.text


def test_a_close_match_shows_its_score_and_passage(world, client):
    position = world.conditional
    position.quote = (
        "the North would take corresponding steps once Washington eased sanctions"
    )
    position.save()
    assert position.quote_check == "close"

    _, page = _page(client, "position-detail", position.pk)

    [section] = elements(page, "section", "quote-verification")
    assert _badge(section) == f"Quote check: close ({position.quote_check_score:.1f})"
    [mark] = elements(section, "mark")
    assert "corresponding measures” once Washington eased sanctions" in text(mark)


def test_a_quote_not_found_has_no_passage(world, client):
    _, page = _page(client, "position-detail", world.dprk_big_deal.pk)

    [section] = elements(page, "section", "quote-verification")
    assert _badge(section) == "Quote check: not found"
    assert list(elements(section, "mark")) == []
    assert "Neither the quote nor a passage close to it" in text(section)


def test_a_position_without_a_quote_has_nothing_to_check(world, client):
    _, page = _page(client, "position-detail", world.us_big_deal.pk)

    [section] = elements(page, "section", "quote-verification")
    assert _badge(section) == "Quote check: no text to check"
    assert "There is no quote to check." in text(section)


def test_the_position_page_shows_condition_attribution_and_original(world, client):
    response, page = _page(client, "position-detail", world.conditional.pk)

    [condition] = elements(page, "p", "condition")
    # text() puts a space after each element; the page has none before ",".
    assert (
        text(condition)
        .replace(" ,", ",")
        .startswith(
            "if the US takes corresponding measures (depends on Road map and Hanoi summit, "
        )
    )
    [when] = elements(condition, "time")
    assert dict(when.attributes)["datetime"] == "2019-02-27"
    hrefs = [dict(a.attributes)["href"] for a in elements(condition, "a")]
    assert reverse("positions:proposal-detail", args=["road-map"]) in hrefs
    assert reverse("positions:event-detail", args=["hanoi-summit"]) in hrefs
    [attribution] = elements(page, "span", "attribution")
    assert text(attribution) == "described by the other side"
    [original] = elements(page, "figure", "quote-original")
    [quote] = elements(original, "blockquote")
    assert dict(quote.attributes)["lang"] == "ko"
    assert text(quote) == "“상응 조치를 취할 것”"
    assert text(original).startswith("In the original ( ko )")


# Where positions are listed


def test_each_row_of_the_article_page_shows_check_condition_and_original(world, client):
    _, page = _page(client, "article-detail", world.herald.pk)

    rows = {
        dict(next(elements(row, "a")).attributes)["href"]: row
        for row in elements(page, "li", "position")
    }
    row = rows[reverse("positions:position-detail", args=[world.conditional.pk])]
    assert _badge(row) == "Quote check: verbatim"
    [condition] = elements(row, "p", "condition")
    assert text(condition).startswith("if the US takes corresponding measures")
    quotes = list(elements(row, "blockquote"))
    assert [dict(q.attributes).get("lang") for q in quotes] == [None, "ko"]
    assert "described by the other side" in text(row)

    not_found = rows[
        reverse("positions:position-detail", args=[world.dprk_big_deal.pk])
    ]
    assert _badge(not_found) == "Quote check: not found"
    assert list(elements(not_found, "p", "condition")) == []
    # No quote, no badge.
    no_quote = rows[reverse("positions:position-detail", args=[world.us_big_deal.pk])]
    assert list(elements(no_quote, "span", "quote-check")) == []
    assert "reported by the outlet" in text(no_quote)


def test_the_proposal_page_rows_show_the_condition(world, client):
    _, page = _page(client, "proposal-detail", "phased-deal")

    [condition] = elements(page, "p", "condition")
    assert "if the US takes corresponding measures" in text(condition)


def test_a_condition_written_without_if_is_shown_with_one(world, client):
    position = world.conditional
    position.condition = "Washington lifts sanctions first"
    position.condition_proposal = position.condition_event = None
    position.save()

    _, page = _page(client, "position-detail", position.pk)

    [condition] = elements(page, "p", "condition")
    assert text(condition) == "if Washington lifts sanctions first"


def test_a_chart_point_of_a_conditional_stance_says_so(world, client):
    response = client.get(reverse("positions:proposal-detail", args=["phased-deal"]))

    assert "(only if the US takes corresponding measures)" in response.text


def test_a_conditional_cell_of_the_matrix_says_so(world, client):
    response = client.get(
        reverse("positions:negotiation-detail", args=["talks"]),
        {"as_of": "2019-03-28"},
    )

    [table] = elements(parse_html(response.text), "table", "matrix")
    badges = list(elements(table, "span", "badge-conditional"))
    assert [text(badge) for badge in badges] == [
        "conditional : holds only if the US takes corresponding measures"
    ]
    link = next(
        a
        for a in elements(table, "a")
        if dict(a.attributes)["href"]
        == reverse("positions:position-detail", args=[world.conditional.pk])
    )
    assert dict(link.attributes)["title"].endswith(
        "; holds only if the US takes corresponding measures"
    )


def test_the_comparison_of_two_dates_marks_a_conditional_stance(world, client):
    response = client.get(
        reverse("positions:negotiation-compare", args=["talks"]),
        {"from_date": "2019-03-01", "to_date": "2019-03-28"},
    )

    assert response.status_code == 200
    page = parse_html(response.text)
    [table] = elements(page, "table", "matrix")
    assert [text(badge) for badge in elements(table, "span", "badge-conditional")] == [
        "conditional : holds only if the US takes corresponding measures"
    ]
    # What moved is listed with its rows, the condition among them.
    assert any(
        "if the US takes corresponding measures" in text(condition)
        for condition in elements(page, "p", "condition")
    )


# Search through quotes in their original language


def test_the_search_page_finds_a_quote_by_its_original(world, client):
    response = client.get(reverse("positions:search"), {"q": "상응 조치"})

    assert response.status_code == 200
    rows = list(elements(parse_html(response.text), "li", "position"))
    assert len(rows) == 1
    # The words are marked where they are in the original.
    assert "“<mark>상응</mark> <mark>조치</mark>를 취할 것”" in response.text


def test_the_api_search_finds_a_quote_by_its_original(world, reader_api):
    response = reader_api.get("/api/v1/positions/", {"search": "상응 조치"})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world.conditional.pk]
    assert response.json()["results"][0]["quote_original"] == "상응 조치를 취할 것"
