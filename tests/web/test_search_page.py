"""Search works on SQLite (substrings) and PostgreSQL (full-text for articles
and quotes), so the queries here are whole words."""

import datetime

import pytest
from django.db import connection
from django.test.html import parse_html
from django.urls import reverse

from tests.factories import ArticleFactory, PositionFactory
from tests.html import elements, text

URL = reverse("positions:search")
# Actors, negotiations, proposals, articles and statements.
SEARCH_QUERY_COUNT = 5


def _results(response) -> dict[str, list[str]]:
    """The links listed under each heading of the results."""
    assert response.status_code == 200
    [main] = elements(parse_html(response.text), "main")
    results, heading = {}, None
    for child in main.children:
        if isinstance(child, str):
            continue
        if child.name == "h2":
            heading = text(child)
        elif child.name == "ul" and heading:
            results[heading] = [
                dict(a.attributes)["href"] for a in elements(child, "a")
            ]
    return results


@pytest.fixture
def library(korea_case):
    korea_case.dprk.aliases = ["Pyongyang", "DPRK regime"]
    korea_case.dprk.save()
    weather = ArticleFactory(
        title="Spring weather in Seoul", summary="Rain and yellow dust."
    )
    PositionFactory(
        actor=korea_case.rok,
        proposal=korea_case.road_map,
        article=weather,
        quote="a step-by-step road map",
    )
    return korea_case


def _actor(slug):
    return reverse("positions:actor-detail", args=[slug])


def _article(article):
    return reverse("positions:article-detail", args=[article.pk])


def _position(position):
    return reverse("positions:position-detail", args=[position.pk])


def test_it_finds_an_actor_by_alias(library, client):
    response = client.get(URL, {"q": "pyongyang"})

    assert _results(response) == {"Actors": [_actor("north-korea")]}
    # The alias is shown, the word marked as it is written there.
    assert "<mark>Pyongyang</mark>, DPRK regime" in response.text


def test_it_finds_actors_by_name_or_short_name(library, client):
    by_name = _results(client.get(URL, {"q": "Korea"}))
    by_short_name = _results(client.get(URL, {"q": "ROK"}))

    assert set(by_name["Actors"]) == {_actor("north-korea"), _actor("south-korea")}
    assert by_short_name["Actors"] == [_actor("south-korea")]


def test_it_finds_a_proposal_by_title(library, client):
    results = _results(client.get(URL, {"q": "bargain"}))
    assert results == {}

    results = _results(client.get(URL, {"q": "deal"}))

    assert set(results["Proposals"]) == {
        reverse("positions:proposal-detail", args=["big-deal"]),
        reverse("positions:proposal-detail", args=["phased-deal"]),
    }
    response = client.get(URL, {"q": "deal"})
    assert "Denuclearization talks" in response.text
    assert ">Big <mark>deal</mark></a>" in response.text
    assert ">Phased <mark>deal</mark></a>" in response.text


def test_it_finds_an_article_by_a_word_of_its_title(library, client):
    results = _results(client.get(URL, {"q": "envoy"}))

    assert results == {"Articles": [_article(library.herald)]}


def test_it_finds_an_article_by_a_word_of_its_summary(library, client):
    results = _results(client.get(URL, {"q": "rain"}))

    assert list(results) == ["Articles"]
    assert len(results["Articles"]) == 1
    assert results["Articles"] != [_article(library.herald)]


def test_it_finds_a_position_by_a_word_of_its_quote(library, client):
    response = client.get(URL, {"q": "threatened"})

    results = _results(response)
    assert list(results) == ["Quotes and notes"]
    assert _position(library.dprk_big_deal) in results["Quotes and notes"]
    # The word is marked in the quote.
    assert (
        "“<mark>threatened</mark> to pull out of nuclear negotiations”" in response.text
    )
    assert "Source:" in response.text


def test_it_finds_a_position_by_a_word_of_its_note(library, client):
    library.us_big_deal.note = "Washington insists on complete denuclearization"
    library.us_big_deal.save()

    response = client.get(URL, {"q": "insists"})

    results = _results(response)
    assert _position(library.us_big_deal) in results["Quotes and notes"]
    assert _position(library.dprk_big_deal) not in results["Quotes and notes"]
    assert (
        '<p class="note">Washington <mark>insists</mark> on complete '
        "denuclearization</p>" in response.text
    )


def test_it_finds_each_kind_for_one_query(library, client):
    library.us_big_deal.quote = "Pyongyang must give up everything"
    library.us_big_deal.save()

    results = _results(client.get(URL, {"q": "Pyongyang"}))

    assert list(results) == ["Actors", "Quotes and notes"]
    assert results["Actors"] == [_actor("north-korea")]
    positions = [
        link for link in results["Quotes and notes"] if link.startswith("/positions/")
    ]
    assert positions == [_position(library.us_big_deal)]


def test_it_shows_no_results_for_an_empty_query(library, client):
    response = client.get(URL, {"q": ""})

    assert _results(response) == {}
    assert "Nothing matches" not in response.text


def test_it_shows_no_results_for_a_query_of_spaces(library, client):
    assert _results(client.get(URL, {"q": "   "})) == {}


def test_it_shows_no_results_without_a_query(library, client):
    assert _results(client.get(URL)) == {}


def test_it_says_so_when_nothing_matches(library, client):
    response = client.get(URL, {"q": "zeppelin"})

    assert _results(response) == {}
    assert "Nothing matches “zeppelin”." in response.text


def test_it_shows_the_query_escaped(library, client):
    response = client.get(URL, {"q": "<script>x</script>"})

    assert response.status_code == 200
    assert "<script>x" not in response.text
    assert 'value="&lt;script&gt;x&lt;/script&gt;"' in response.text


def test_it_searches_in_a_fixed_number_of_queries(
    library, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(SEARCH_QUERY_COUNT):
        client.get(URL, {"q": "Korea"})


def test_it_matches_words_not_a_phrase(library, client):
    hanoi = ArticleFactory(
        title="Trump and Kim cut short their second meeting",
        summary="The summit in Hanoi ended without a deal.",
    )

    response = client.get(URL, {"q": "hanoi summit"})

    assert _results(response) == {"Articles": [_article(hanoi)]}
    # The words are marked where they were found.
    assert "The <mark>summit</mark> in <mark>Hanoi</mark> ended" in response.text


def test_it_finds_a_negotiation_by_its_description(library, client):
    library.talks.description = "Talks on the Korean peninsula's nuclear programme."
    library.talks.save()

    results = _results(client.get(URL, {"q": "peninsula programme"}))

    assert results == {
        "Negotiations": [reverse("positions:negotiation-detail", args=["talks"])]
    }


def test_it_finds_the_statements_of_a_speaker_by_name(library, client):
    said = PositionFactory(
        actor=library.us,
        speaker=library.pompeo,
        proposal=library.big_deal,
        article=library.herald,
        quote="we want to see a brighter future",
    )

    results = _results(client.get(URL, {"q": "Pompeo"}))

    assert _position(said) in results["Quotes and notes"]
    assert results["Actors"] == [_actor("mike-pompeo")]


def test_it_narrows_statements_to_an_actor_typed_by_name_and_to_dates(library, client):
    for actor, day in ((library.rok, "2019-04-01"), (library.us, "2019-05-01")):
        PositionFactory(
            actor=actor,
            proposal=library.road_map,
            article=library.herald,
            quote="a road map for talks",
            stated_on=datetime.date.fromisoformat(day),
        )
    everything = _results(client.get(URL, {"q": "road map"}))["Quotes and notes"]

    by_name = _results(client.get(URL, {"q": "road map", "actor": "United States"}))
    after = _results(client.get(URL, {"q": "road map", "since": "2019-04-15"}))

    assert len([link for link in everything if link.startswith("/positions/")]) == 3
    [us] = [
        link for link in by_name["Quotes and notes"] if link.startswith("/positions/")
    ]
    [late] = [
        link for link in after["Quotes and notes"] if link.startswith("/positions/")
    ]
    assert us == late


def test_it_names_an_unknown_actor_filter(library, client):
    response = client.get(URL, {"q": "road", "actor": "Atlantis"})

    assert response.status_code == 400
    assert "Said by: No actor is called “Atlantis”" in response.text


def _marks(response) -> list[str]:
    """The text of each ``<mark>`` of the results, in order."""
    return [text(mark) for mark in elements(parse_html(response.text), "mark")]


def test_it_marks_the_words_in_every_kind_of_result(library, client):
    library.talks.description = "Talks on the peninsula."
    library.talks.save()
    library.road_map.summary = "A road map for the peninsula, step by step."
    library.road_map.save()
    library.herald.summary = "An envoy for the peninsula."
    library.herald.save()
    PositionFactory(
        actor=library.us,
        speaker=library.pompeo,
        proposal=library.road_map,
        article=library.herald,
        quote="Peace on the peninsula",
        note="Said of the Peninsula twice",
    )

    response = client.get(URL, {"q": "peninsula"})

    assert list(_results(response)) == [
        "Negotiations",
        "Proposals",
        "Articles",
        "Quotes and notes",
    ]
    # The description, the proposal's summary, the article's summary, the
    # quote and the note: each shows the word, marked as written.
    assert _marks(response) == ["peninsula"] * 4 + ["Peninsula"]
    assert "A road map for the <mark>peninsula</mark>, step by step." in (response.text)


def test_it_marks_the_words_in_titles_names_and_outlets(library, client):
    response = client.get(URL, {"q": "korea"})

    assert ">South <mark>Korea</mark>n nuclear envoy" in response.text
    assert "The <mark>Korea</mark> Herald" in response.text
    assert ">North <mark>Korea</mark></a>" in response.text


def test_it_marks_the_speaker_whose_statements_were_found(library, client):
    PositionFactory(
        actor=library.us,
        speaker=library.pompeo,
        proposal=library.big_deal,
        article=library.herald,
        quote="we want to see a brighter future",
    )

    response = client.get(URL, {"q": "pompeo"})

    assert "— Mike <mark>Pompeo</mark> ·" in response.text


def test_it_marks_only_words_in_escaped_text(library, client):
    library.us_big_deal.quote = "<b>deal</b> & no deal"
    library.us_big_deal.save()
    library.dprk.aliases = ["<i>deal</i> maker", "R&D"]
    library.dprk.save()

    response = client.get(URL, {"q": "deal"})

    assert (
        "“&lt;b&gt;<mark>deal</mark>&lt;/b&gt; &amp; no <mark>deal</mark>”"
        in response.text
    )
    assert "&lt;i&gt;<mark>deal</mark>&lt;/i&gt; maker, R&amp;D" in response.text


def test_it_marks_the_forms_postgresql_matched_by_their_stem(library, client):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite matches words as substrings, without stems.")

    response = client.get(URL, {"q": "threatens negotiation"})

    assert _position(library.dprk_big_deal) in _results(response)["Quotes and notes"]
    assert (
        "“<mark>threatened</mark> to pull out of nuclear <mark>negotiations</mark>”"
        in response.text
    )
