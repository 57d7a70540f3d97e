import datetime

import pytest
from django.test.html import parse_html
from django.urls import reverse

from config.lib.limits import PAGE_SIZE
from tests.factories import ArticleFactory, PositionFactory
from tests.html import elements, link, text

D = datetime.date.fromisoformat

# One keyset query: no COUNT(*), whatever the page.
ARTICLE_LIST_QUERY_COUNT = 1
ARTICLE_DETAIL_QUERY_COUNT = 2

LIST_URL = reverse("positions:article-list")


def _listed(response) -> list[int]:
    """Ids of the articles listed on a page, in order."""
    [listing] = elements(parse_html(response.text), "ul", "articles")
    prefix = LIST_URL
    return [
        int(dict(a.attributes)["href"].removeprefix(prefix).strip("/"))
        for a in elements(listing, "a")
    ]


@pytest.fixture
def press(korea_case):
    """The Herald article and two more: Yonhap in April (North Korea), and
    the Herald again in May (United States)."""
    yonhap = ArticleFactory(outlet="Yonhap", published_on=D("2019-04-10"))
    PositionFactory(actor=korea_case.dprk, proposal=korea_case.big_deal, article=yonhap)
    may = ArticleFactory(outlet="The Korea Herald", published_on=D("2019-05-02"))
    PositionFactory(actor=korea_case.us, proposal=korea_case.phased, article=may)
    return {"herald": korea_case.herald, "yonhap": yonhap, "may": may}


def test_it_lists_articles_newest_first_with_their_position_counts(press, client):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert _listed(response) == [
        press["may"].pk,
        press["yonhap"].pk,
        press["herald"].pk,
    ]
    assert "The Korea Herald, March 28, 2019 · 4 positions" in response.text
    assert "Yonhap, April 10, 2019 · 1 position<" in response.text


def test_it_filters_by_outlet(press, client):
    response = client.get(LIST_URL, {"outlet": "The Korea Herald"})

    assert _listed(response) == [press["may"].pk, press["herald"].pk]


def test_it_filters_by_several_outlets(press, client):
    response = client.get(LIST_URL, {"outlet": ["Yonhap", "The Korea Herald"]})

    assert len(_listed(response)) == 3


def test_it_filters_by_publication_date(press, client):
    after = client.get(LIST_URL, {"published_after": "2019-04-10"})
    before = client.get(LIST_URL, {"published_before": "2019-04-10"})

    assert _listed(after) == [press["may"].pk, press["yonhap"].pk]
    assert _listed(before) == [press["yonhap"].pk, press["herald"].pk]


def test_it_filters_by_actor(press, client):
    response = client.get(LIST_URL, {"actor": "north-korea"})

    # The Herald article has two North Korean positions: listed once.
    assert _listed(response) == [press["yonhap"].pk, press["herald"].pk]


def test_it_combines_filters(press, client):
    response = client.get(LIST_URL, {"actor": "us", "outlet": "The Korea Herald"})

    assert _listed(response) == [press["may"].pk, press["herald"].pk]


def test_it_shows_an_error_instead_of_every_article_for_an_unknown_parameter(
    press, client
):
    response = client.get(LIST_URL, {"outlett": "Yonhap"})

    assert response.status_code == 200
    assert "Unknown parameter “outlett”" in response.text
    assert _listed(response) == []
    # The filter was refused, not run: nothing says it matched nothing.
    assert "No articles match." not in response.text


def test_it_shows_an_error_for_an_unknown_actor(press, client):
    response = client.get(LIST_URL, {"actor": "atlantis"})

    assert response.status_code == 200
    assert "Actor: No actor is called “atlantis”" in response.text
    assert _listed(response) == []


def test_it_takes_an_actor_by_name_or_short_name(press, client):
    by_slug = _listed(client.get(LIST_URL, {"actor": "north-korea"}))

    assert by_slug
    assert _listed(client.get(LIST_URL, {"actor": "North Korea"})) == by_slug
    assert _listed(client.get(LIST_URL, {"actor": "DPRK"})) == by_slug


def _alerts(response) -> list[str]:
    return [text(p) for p in elements(parse_html(response.text), "p", "error")]


def test_it_shows_an_error_for_a_bad_date(press, client):
    response = client.get(LIST_URL, {"published_after": "2019-13-01"})

    # Named by the label the page shows, not the parameter's name.
    assert _alerts(response) == ["Published from: Enter a valid date."]
    assert _listed(response) == []


def test_it_refuses_a_published_from_after_the_published_to(press, client):
    response = client.get(
        LIST_URL, {"published_after": "2019-05-01", "published_before": "2019-04-01"}
    )

    assert response.status_code == 200
    assert _alerts(response) == [
        "Published from: Choose a date on or before “Published to” (2019-04-01)."
    ]
    # Refused, not answered with an empty list.
    assert _listed(response) == []
    assert "No articles match." not in response.text
    page = parse_html(response.text)
    labels = {
        dict(label.attributes)["for"]: text(label) for label in elements(page, "label")
    }
    assert labels["id_published_after"] == "Published from"
    assert labels["id_published_before"] == "Published to"


def test_it_takes_a_period_of_one_day(press, client):
    response = client.get(
        LIST_URL, {"published_after": "2019-04-10", "published_before": "2019-04-10"}
    )

    assert _alerts(response) == []
    assert _listed(response) == [press["yonhap"].pk]


def test_it_pages_through_every_article_exactly_once(korea_case, client):
    # Several articles share a day, so the id breaks the ties.
    for index in range(2 * PAGE_SIZE + 10):
        ArticleFactory(published_on=D("2019-01-01") + datetime.timedelta(index // 3))

    seen, pages, url = [], 0, LIST_URL
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen.extend(_listed(response))
        pages += 1
        url = link(response, "next")

    assert pages == 3
    assert sorted(seen) == sorted(set(seen))
    assert len(seen) == 2 * PAGE_SIZE + 11
    assert "Older →" in client.get(LIST_URL).text


def test_it_pages_back_to_the_newer_articles(korea_case, client):
    for index in range(PAGE_SIZE + 5):
        ArticleFactory(published_on=D("2019-01-01") + datetime.timedelta(index))
    first = client.get(LIST_URL)

    second = client.get(link(first, "next"))
    back = client.get(link(second, "prev"))

    assert link(first, "prev") is None
    assert link(second, "next") is None
    assert len(_listed(second)) == 6
    assert _listed(back) == _listed(first)


def test_it_keeps_the_filters_on_the_next_page(korea_case, client):
    for index in range(PAGE_SIZE + 5):
        ArticleFactory(
            outlet="Yonhap", published_on=D("2019-01-01") + datetime.timedelta(index)
        )
    ArticleFactory(outlet="NK News")

    first = client.get(LIST_URL, {"outlet": "Yonhap"})
    second = client.get(link(first, "next"))

    assert "outlet=Yonhap" in link(first, "next")
    assert len(_listed(first) + _listed(second)) == PAGE_SIZE + 5


def test_it_shows_the_first_page_for_a_broken_page_link(press, client):
    response = client.get(LIST_URL, {"cursor": "not-a-cursor"})

    assert response.status_code == 200
    assert "That page link is broken; showing the first page." in response.text
    assert len(_listed(response)) == 3


def test_it_lists_in_a_fixed_number_of_queries(
    korea_case, client, django_assert_max_num_queries
):
    for index in range(2 * PAGE_SIZE):
        ArticleFactory(published_on=D("2019-01-01") + datetime.timedelta(index))

    with django_assert_max_num_queries(ARTICLE_LIST_QUERY_COUNT):
        first = client.get(LIST_URL)
    with django_assert_max_num_queries(ARTICLE_LIST_QUERY_COUNT):
        client.get(link(first, "next"))


def test_it_shows_every_position_of_an_article(press, client):
    herald = press["herald"]

    response = client.get(reverse("positions:article-detail", args=[herald.pk]))

    assert response.status_code == 200
    [listing] = elements(parse_html(response.text), "ul", "positions")
    links = {dict(a.attributes)["href"] for a in elements(listing, "a")}
    positions = list(herald.positions.all())
    assert len(positions) == 4
    assert {
        reverse("positions:position-detail", args=[p.pk]) for p in positions
    } <= links
    assert len(list(elements(listing, "li", "position"))) == 4
    # Not the positions of other articles.
    for other in press["yonhap"].positions.all():
        assert reverse("positions:position-detail", args=[other.pk]) not in links
    assert "“threatened to pull out of nuclear negotiations”" in response.text
    assert herald.url in response.text


def test_it_shows_an_article_in_a_fixed_number_of_queries(
    press, client, django_assert_max_num_queries
):
    herald = press["herald"]
    for index in range(20):
        PositionFactory(
            actor=press["herald"].positions.first().actor,
            proposal=press["herald"].positions.first().proposal,
            article=herald,
            stated_on=D("2019-02-01") + datetime.timedelta(index),
        )

    with django_assert_max_num_queries(ARTICLE_DETAIL_QUERY_COUNT):
        response = client.get(reverse("positions:article-detail", args=[herald.pk]))

    assert response.text.count('class="position"') == 24


def test_it_says_so_when_an_article_has_no_positions(db, client):
    article = ArticleFactory()

    response = client.get(reverse("positions:article-detail", args=[article.pk]))

    assert "No positions recorded from this article yet." in response.text


def test_it_answers_404_for_an_unknown_article(db, client):
    assert client.get(reverse("positions:article-detail", args=[999])).status_code == (
        404
    )
