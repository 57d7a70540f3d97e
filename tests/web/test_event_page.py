import datetime

import pytest
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from positions.services import position_create
from tests.factories import ArticleFactory, EventFactory, StateFactory
from tests.html import elements, text

D = datetime.date.fromisoformat

# The event with its negotiation, its positions with their sides, proposals,
# speakers and articles, and the articles reporting it.
EVENT_PAGE_QUERY_COUNT = 3


def _url(slug="hanoi-summit"):
    return reverse("positions:event-detail", args=[slug])


def _links(node) -> list[str]:
    return [dict(a.attributes)["href"] for a in elements(node, "a")]


@pytest.fixture
def hanoi(korea_case):
    """The Hanoi summit, reported by the Herald and by Yonhap, where Pompeo
    (for the US) and North Korea stated positions."""
    k = korea_case
    k.yonhap = ArticleFactory(
        title="Hanoi summit ends without a deal",
        outlet="Yonhap",
        published_on=D("2019-02-28"),
    )
    k.hanoi = EventFactory(
        negotiation=k.talks,
        title="Hanoi summit",
        slug="hanoi-summit",
        kind="summit",
        starts_on=D("2019-02-27"),
        ends_on=D("2019-02-28"),
        place="Hanoi, Vietnam",
        description="The second summit ended early, without an agreement.",
        articles=[k.herald, k.yonhap],
    )
    k.pompeo_said = position_create(
        actor=k.us,
        speaker=k.pompeo,
        proposal=k.big_deal,
        article=k.yonhap,
        stance=2,
        stated_on=D("2019-02-28"),
        quote="we asked them to do more",
        event=k.hanoi,
    )
    k.dprk_said = position_create(
        actor=k.dprk,
        proposal=k.phased,
        article=k.yonhap,
        stance=1,
        stated_on=D("2019-02-28"),
        quote="partial sanctions relief for Yongbyon",
        event=k.hanoi,
    )
    k.dprk_said_too = position_create(
        actor=k.dprk,
        proposal=k.big_deal,
        article=k.yonhap,
        stance=-1,
        stated_on=D("2019-02-28"),
        event=k.hanoi,
    )
    return k


def test_it_shows_what_where_and_when(hanoi, client):
    response = client.get(_url())

    assert response.status_code == 200
    page = parse_html(response.text)
    [title] = elements(page, "h1")
    assert text(title) == "Hanoi summit"
    assert "summit" in response.text
    assert "Feb. 27, 2019 – Feb. 28, 2019" in text(page)
    assert "Hanoi, Vietnam" in text(page)
    assert "The second summit ended early, without an agreement." in text(page)
    assert reverse("positions:negotiation-detail", args=["talks"]) in _links(page)


def test_it_lists_the_sourcing_articles_with_links(hanoi, client):
    response = client.get(_url())

    [sources] = elements(parse_html(response.text), "ul", "sources")
    assert [text(li) for li in elements(sources, "li")] == [
        "South Korean nuclear envoy to propose ‘phased denuke approach’ "
        "The Korea Herald, March 28, 2019",
        "Hanoi summit ends without a deal Yonhap, Feb. 28, 2019",
    ]
    assert _links(sources) == [
        reverse("positions:article-detail", args=[hanoi.herald.pk]),
        reverse("positions:article-detail", args=[hanoi.yonhap.pk]),
    ]


def test_it_groups_what_each_side_said_there_by_side(hanoi, client):
    response = client.get(_url())

    sides = list(elements(parse_html(response.text), "section", "event-side"))
    assert [text(next(elements(side, "h3"))) for side in sides] == [
        "North Korea (2 positions)",
        "United States (1 position)",
    ]
    dprk, us = sides
    assert [text(li)[:40] for li in elements(dprk, "li", "position")] == [
        "Feb. 28, 2019 on Phased deal supports / ",
        "Feb. 28, 2019 on Big deal opposes / scep",
    ]
    [pompeo] = elements(us, "li", "position")
    assert "demands / strongly supports" in text(pompeo)
    assert "Mike Pompeo" in text(pompeo)
    assert "“we asked them to do more”" in text(pompeo)
    assert reverse("positions:position-detail", args=[hanoi.pompeo_said.pk]) in (
        _links(pompeo)
    )
    assert reverse("positions:proposal-detail", args=["big-deal"]) in _links(pompeo)


def test_it_links_to_the_comparison_of_just_before_and_just_after(hanoi, client):
    response = client.get(_url())

    [compare] = elements(parse_html(response.text), "a", "compare-around")
    assert dict(compare.attributes)["href"] == (
        "/negotiations/talks/compare/?from_date=2019-02-26&to_date=2019-02-28"
    )
    followed = client.get(dict(compare.attributes)["href"])
    assert followed.status_code == 200
    assert "between Feb. 26, 2019 and Feb. 28, 2019" in followed.text


def test_it_compares_a_one_day_event_from_the_day_before_to_that_day(
    korea_case, client
):
    EventFactory(negotiation=korea_case.talks, slug="test", starts_on=D("2019-05-04"))

    response = client.get(_url("test"))

    assert "?from_date=2019-05-03&amp;to_date=2019-05-04" in response.text


def test_it_says_so_when_nobody_is_recorded_as_speaking_there(korea_case, client):
    EventFactory(negotiation=korea_case.talks, slug="quiet-talks")

    response = client.get(_url("quiet-talks"))

    assert response.status_code == 200
    assert "No position is recorded as stated at this event yet." in response.text
    assert "No article is linked to this event yet." in response.text


def test_it_answers_404_for_an_unknown_event(db, client):
    assert client.get(_url("yalta")).status_code == 404


def test_it_runs_as_few_queries_with_many_sides_as_with_two(
    hanoi, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(EVENT_PAGE_QUERY_COUNT):
        client.get(_url())
    for index in range(6):
        side = StateFactory()
        position_create(
            actor=side,
            proposal=hanoi.road_map,
            article=ArticleFactory(),
            stance=index % 5 - 2,
            stated_on=D("2019-02-27"),
            event=hanoi.hanoi,
        )
    hanoi.hanoi.articles.add(*[ArticleFactory() for _ in range(3)])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url())

    assert len(queries) <= EVENT_PAGE_QUERY_COUNT
    assert len(list(elements(parse_html(response.text), "section", "event-side"))) == 8
