import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Confidence, Position
from positions.services import position_create
from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PersonFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date

# One list request: the page itself plus one lookup per slug filter given.
# Raising it needs a reason (an N+1 is not one).
# The data version the response answers from is one of them.
POSITIONS_LIST_QUERIES = 2
POSITIONS_LIST_QUERIES_PER_SLUG_FILTER = 1


@pytest.fixture
def world(korea_case):
    """The Korea case plus Hanoi coverage by another outlet, Pompeo speaking,
    and a second negotiation, so that every filter has something to leave out."""
    k = korea_case
    yonhap = ArticleFactory(
        title="Hanoi summit ends without a deal",
        outlet="Yonhap",
        published_on=D(2019, 2, 28),
    )
    reuters = ArticleFactory(outlet="Reuters", published_on=D(2015, 7, 14))
    iran = StateFactory(name="Iran", slug="iran")
    iran_talks = NegotiationFactory(title="Iran talks", slug="iran-talks")
    jcpoa = ProposalFactory(negotiation=iran_talks, title="JCPOA", slug="jcpoa")
    pompeo_big_deal = position_create(
        speaker=k.pompeo,
        proposal=k.big_deal,
        article=k.herald,
        stance=1,
        stated_on=D(2019, 3, 29),
        confidence=Confidence.HIGH,
        note="Pompeo keeps the door open",
    )
    dprk_phased_hanoi = position_create(
        actor=k.dprk,
        proposal=k.phased,
        article=yonhap,
        stance=1,
        stated_on=D(2019, 3, 1),
        confidence=Confidence.LOW,
        quote="partial sanctions relief",
    )
    us_phased_hanoi = position_create(
        actor=k.us,
        proposal=k.phased,
        article=yonhap,
        stance=-1,
        stated_on=D(2019, 2, 28),
        quote="no partial relief",
    )
    iran_jcpoa = position_create(
        actor=iran, proposal=jcpoa, article=reuters, stance=0, stated_on=D(2015, 7, 14)
    )
    return SimpleNamespace(**vars(k), **locals())


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def pks(*positions):
    return [position.pk for position in positions]


def in_default_order(world):
    w = world
    return pks(
        w.iran_jcpoa,
        w.us_phased_hanoi,
        w.dprk_phased_hanoi,
        w.dprk_big_deal,
        w.us_big_deal,
        w.dprk_phased,
        w.rok_road_map,
        w.pompeo_big_deal,
    )


def collect(client, path):
    """Every id reached by following ``next`` from ``path``, in order."""
    collected, url, pages = [], path, 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.content
        collected += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
        pages += 1
        assert pages < 100, "next never became null"
    return collected


def add_positions(korea_case, count):
    """``count`` more US positions on the big deal, one per earlier day."""
    return [
        PositionFactory(
            actor=korea_case.us,
            proposal=korea_case.big_deal,
            article=korea_case.herald,
            stated_on=D(2019, 3, 27) - datetime.timedelta(days=day),
            stance=day % 5 - 2,
        )
        for day in range(count)
    ]


def test_it_lists_positions_in_stated_on_then_id_order(api_client, world):
    response = api_client.get("/api/v1/positions/")

    assert ids(response) == in_default_order(world)


def test_it_shows_every_field_of_a_position(api_client, world):
    response = api_client.get(f"/api/v1/positions/?article={world.herald.pk}")

    row = next(
        r for r in response.json()["results"] if r["id"] == world.pompeo_big_deal.pk
    )
    assert row == {
        "id": world.pompeo_big_deal.pk,
        "actor": "us",
        "proposal": "big-deal",
        "negotiation": "talks",
        "stance": 1,
        "stance_label": "supports / open to",
        "stated_on": "2019-03-29",
        "article": world.herald.pk,
        "speaker": "mike-pompeo",
        "quote": "",
        "note": "Pompeo keeps the door open",
        "confidence": "high",
        "event": None,
        # Pompeo was Secretary of State that day.
        "attribution": "stated",
        "condition": "",
        "condition_proposal": None,
        "condition_event": None,
        "quote_original": "",
        "quote_language": "",
        # No quote to check.
        "quote_check": "no_text",
        "quote_check_span": None,
        "version": 1,
        "url": f"http://testserver/api/v1/positions/{world.pompeo_big_deal.pk}/",
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    created = datetime.datetime.fromisoformat(row["created_at"])
    assert created == world.pompeo_big_deal.created_at


def test_it_filters_by_actor(api_client, world):
    response = api_client.get("/api/v1/positions/?actor=us")

    assert ids(response) == pks(
        world.us_phased_hanoi, world.us_big_deal, world.pompeo_big_deal
    )


def test_it_treats_a_repeated_actor_as_or(api_client, world):
    response = api_client.get("/api/v1/positions/?actor=us&actor=iran")

    assert ids(response) == pks(
        world.iran_jcpoa,
        world.us_phased_hanoi,
        world.us_big_deal,
        world.pompeo_big_deal,
    )


def test_it_filters_by_proposal(api_client, world):
    response = api_client.get("/api/v1/positions/?proposal=phased-deal")

    assert ids(response) == pks(
        world.us_phased_hanoi, world.dprk_phased_hanoi, world.dprk_phased
    )


def test_it_treats_a_repeated_proposal_as_or(api_client, world):
    response = api_client.get("/api/v1/positions/?proposal=road-map&proposal=jcpoa")

    assert ids(response) == pks(world.iran_jcpoa, world.rok_road_map)


def test_it_filters_by_negotiation_of_the_proposal(api_client, world):
    talks = api_client.get("/api/v1/positions/?negotiation=talks")
    iran = api_client.get("/api/v1/positions/?negotiation=iran-talks")
    both = api_client.get("/api/v1/positions/?negotiation=talks&negotiation=iran-talks")

    assert ids(talks) == in_default_order(world)[1:]
    assert ids(iran) == pks(world.iran_jcpoa)
    assert ids(both) == in_default_order(world)


def test_it_filters_by_speaker(api_client, world):
    bolton_said = position_create(
        speaker=world.bolton,
        proposal=world.road_map,
        article=world.herald,
        stance=-1,
        stated_on=D(2019, 3, 28),
    )

    pompeo = api_client.get("/api/v1/positions/?speaker=mike-pompeo")
    both = api_client.get("/api/v1/positions/?speaker=mike-pompeo&speaker=john-bolton")

    assert ids(pompeo) == pks(world.pompeo_big_deal)
    assert ids(both) == pks(bolton_said, world.pompeo_big_deal)


def test_it_filters_by_article_id(api_client, world):
    one = api_client.get(f"/api/v1/positions/?article={world.yonhap.pk}")
    two = api_client.get(
        f"/api/v1/positions/?article={world.yonhap.pk}&article={world.reuters.pk}"
    )

    assert ids(one) == pks(world.us_phased_hanoi, world.dprk_phased_hanoi)
    assert ids(two) == pks(
        world.iran_jcpoa, world.us_phased_hanoi, world.dprk_phased_hanoi
    )


def test_it_filters_by_outlet_of_the_article(api_client, world):
    one = api_client.get("/api/v1/positions/?outlet=Yonhap")
    two = api_client.get("/api/v1/positions/?outlet=Yonhap&outlet=Reuters")

    assert ids(one) == pks(world.us_phased_hanoi, world.dprk_phased_hanoi)
    assert ids(two) == pks(
        world.iran_jcpoa, world.us_phased_hanoi, world.dprk_phased_hanoi
    )


def test_it_filters_by_stance(api_client, world):
    one = api_client.get("/api/v1/positions/?stance=-2")
    two = api_client.get("/api/v1/positions/?stance=-2&stance=-1")

    assert ids(one) == pks(world.dprk_big_deal)
    assert ids(two) == pks(world.us_phased_hanoi, world.dprk_big_deal)


def test_it_filters_by_stance_min_and_max_inclusively(api_client, world):
    at_least_one = api_client.get("/api/v1/positions/?stance_min=1")
    at_most_minus_one = api_client.get("/api/v1/positions/?stance_max=-1")
    between = api_client.get("/api/v1/positions/?stance_min=0&stance_max=1")

    assert ids(at_least_one) == pks(
        world.dprk_phased_hanoi,
        world.us_big_deal,
        world.dprk_phased,
        world.rok_road_map,
        world.pompeo_big_deal,
    )
    assert ids(at_most_minus_one) == pks(world.us_phased_hanoi, world.dprk_big_deal)
    assert ids(between) == pks(
        world.iran_jcpoa, world.dprk_phased_hanoi, world.pompeo_big_deal
    )


def test_it_filters_by_stated_after_inclusively(api_client, world):
    response = api_client.get("/api/v1/positions/?stated_after=2019-03-28")

    assert ids(response) == pks(
        world.us_big_deal, world.dprk_phased, world.rok_road_map, world.pompeo_big_deal
    )


def test_it_refuses_stated_after_later_than_stated_before(api_client, world):
    response = api_client.get(
        "/api/v1/positions/?stated_after=2019-03-02&stated_before=2019-03-01"
    )

    assert response.status_code == 400
    assert response.json() == {
        "stated_after": ["Choose a date on or before “Stated to” (2019-03-01)."]
    }


def test_one_day_is_a_period(api_client, world):
    response = api_client.get(
        "/api/v1/positions/?stated_after=2019-03-28&stated_before=2019-03-28"
    )

    assert response.status_code == 200


def test_it_filters_by_stated_before_inclusively(api_client, world):
    response = api_client.get("/api/v1/positions/?stated_before=2019-03-01")

    assert ids(response) == pks(
        world.iran_jcpoa, world.us_phased_hanoi, world.dprk_phased_hanoi
    )


def test_it_keeps_a_single_day_when_after_and_before_are_equal(api_client, world):
    response = api_client.get(
        "/api/v1/positions/?stated_after=2019-03-28&stated_before=2019-03-28"
    )

    assert ids(response) == pks(
        world.us_big_deal, world.dprk_phased, world.rok_road_map
    )


def test_it_filters_by_confidence(api_client, world):
    high = api_client.get("/api/v1/positions/?confidence=high")
    high_or_low = api_client.get("/api/v1/positions/?confidence=high&confidence=low")
    medium = api_client.get("/api/v1/positions/?confidence=medium")

    assert ids(high) == pks(world.pompeo_big_deal)
    assert ids(high_or_low) == pks(world.dprk_phased_hanoi, world.pompeo_big_deal)
    assert ids(medium) == [
        pk
        for pk in in_default_order(world)
        if pk not in pks(world.dprk_phased_hanoi, world.pompeo_big_deal)
    ]


def test_it_searches_quote_and_note_ignoring_case(api_client, world):
    in_quotes = api_client.get("/api/v1/positions/?search=PARTIAL")
    in_note = api_client.get("/api/v1/positions/?search=door")

    assert ids(in_quotes) == pks(world.us_phased_hanoi, world.dprk_phased_hanoi)
    assert ids(in_note) == pks(world.pompeo_big_deal)


def test_it_combines_different_filters_with_and(api_client, world):
    response = api_client.get(
        "/api/v1/positions/?actor=us&proposal=phased-deal&actor=north-korea"
        "&stated_before=2019-02-28"
    )

    assert ids(response) == pks(world.us_phased_hanoi)


def test_it_orders_by_stated_on_descending_then_id_descending(api_client, world):
    descending = api_client.get("/api/v1/positions/?ordering=-stated_on")
    ascending = api_client.get("/api/v1/positions/?ordering=stated_on")

    assert ids(descending) == in_default_order(world)[::-1]
    assert ids(ascending) == in_default_order(world)


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("actr=us", "actr"),
        ("actor=us&stance_mni=1", "stance_mni"),
        ("page=2", "page"),
    ],
)
def test_it_rejects_an_unknown_parameter_naming_it(api_client, world, query, parameter):
    response = api_client.get(f"/api/v1/positions/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert parameter in response.json()[parameter][0]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("actor=atlantis", "actor"),
        ("actor=us&actor=atlantis", "actor"),
        ("proposal=small-deal", "proposal"),
        ("negotiation=brexit", "negotiation"),
        ("speaker=nobody", "speaker"),
        ("article=999999", "article"),
        ("article=herald", "article"),
        ("stance=3", "stance"),
        ("stance=strongly", "stance"),
        ("stance_min=high", "stance_min"),
        ("stance_min=-3", "stance_min"),
        ("stance_max=1.5", "stance_max"),
        ("stated_after=2019-13-01", "stated_after"),
        ("stated_before=yesterday", "stated_before"),
        ("confidence=certain", "confidence"),
        ("ordering=stance", "ordering"),
    ],
)
def test_it_rejects_a_bad_value_with_400_naming_the_parameter(
    api_client, world, query, parameter
):
    response = api_client.get(f"/api/v1/positions/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [parameter]
    assert response.json()[parameter][0]


def test_it_pages_by_50_by_default(api_client, korea_case):
    add_positions(korea_case, 60)

    response = api_client.get("/api/v1/positions/")

    assert len(ids(response)) == 50
    assert response.json()["next"] is not None
    assert response.json()["previous"] is None


def test_it_allows_page_size_up_to_500(api_client, korea_case):
    add_positions(korea_case, 510)

    response = api_client.get("/api/v1/positions/?page_size=500")

    assert len(ids(response)) == 500
    assert response.json()["next"] is not None


@pytest.mark.parametrize("size", ["0", "501", "-1", "ten", ""])
def test_it_rejects_a_page_size_out_of_range_with_400(api_client, korea_case, size):
    response = api_client.get(f"/api/v1/positions/?page_size={size}")

    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_it_rejects_a_tampered_cursor_with_400(api_client, korea_case):
    response = api_client.get("/api/v1/positions/?cursor=not-a-cursor")

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_it_returns_every_row_exactly_once_following_next(api_client, world):
    add_positions(world, 9)
    expected = list(
        Position.objects.order_by("stated_on", "id").values_list("id", flat=True)
    )

    collected = collect(api_client, "/api/v1/positions/?page_size=4")

    assert len(expected) == 17
    assert collected == expected


def test_it_returns_every_row_exactly_once_in_descending_order(api_client, world):
    add_positions(world, 9)
    expected = list(
        Position.objects.order_by("-stated_on", "-id").values_list("id", flat=True)
    )

    collected = collect(
        api_client, "/api/v1/positions/?ordering=-stated_on&page_size=3"
    )

    assert collected == expected


def test_it_pages_through_many_rows_on_one_day_by_id(api_client, korea_case):
    # Ten positions share a date, so the page boundaries fall inside the day.
    same_day = [
        PositionFactory(
            actor=StateFactory(),
            proposal=korea_case.big_deal,
            article=korea_case.herald,
            stated_on=D(2019, 3, 28),
        )
        for _ in range(10)
    ]
    expected = list(
        Position.objects.filter(stated_on=D(2019, 3, 28))
        .order_by("id")
        .values_list("id", flat=True)
    )

    collected = collect(
        api_client, "/api/v1/positions/?stated_after=2019-03-28&page_size=4"
    )

    assert collected == expected
    assert set(pks(*same_day)) <= set(collected)


def test_it_keeps_the_filters_in_the_next_link(api_client, world):
    add_positions(world, 5)

    collected = collect(api_client, "/api/v1/positions/?actor=us&page_size=2")

    assert collected == list(
        Position.objects.filter(actor=world.us)
        .order_by("stated_on", "id")
        .values_list("id", flat=True)
    )


def test_it_returns_every_row_once_while_rows_are_added(api_client, world):
    add_positions(world, 6)
    before = list(
        Position.objects.order_by("stated_on", "id").values_list("id", flat=True)
    )

    first = api_client.get("/api/v1/positions/?page_size=5")
    # Added between page fetches: one sorting before the rows already sent,
    # one after the rest.
    earliest = PositionFactory(
        actor=world.rok,
        proposal=world.big_deal,
        article=world.herald,
        stated_on=D(2000, 1, 1),
    )
    latest = PositionFactory(
        actor=world.rok,
        proposal=world.big_deal,
        article=world.herald,
        stated_on=D(2019, 3, 29),
    )
    collected = ids(first) + collect(api_client, first.json()["next"])

    assert len(collected) == len(set(collected))
    assert [pk for pk in collected if pk in before] == before
    assert latest.pk in collected
    assert earliest.pk not in collected


def test_it_links_back_to_the_previous_page(api_client, world):
    first = api_client.get("/api/v1/positions/?page_size=3")
    second = api_client.get(first.json()["next"])
    third = api_client.get(second.json()["next"])

    back_to_second = api_client.get(third.json()["previous"])
    back_to_first = api_client.get(back_to_second.json()["previous"])

    assert ids(back_to_second) == ids(second)
    assert ids(back_to_first) == ids(first) == in_default_order(world)[:3]
    assert ids(third) == in_default_order(world)[6:]
    assert third.json()["next"] is None


def test_it_links_back_in_descending_order_too(api_client, world):
    first = api_client.get("/api/v1/positions/?ordering=-stated_on&page_size=3")
    second = api_client.get(first.json()["next"])

    back = api_client.get(second.json()["previous"])

    assert ids(back) == ids(first) == in_default_order(world)[::-1][:3]


def test_it_answers_an_empty_filtered_list_with_no_links(api_client, world):
    response = api_client.get("/api/v1/positions/?actor=south-korea&stance=-2")

    assert response.json() == {"next": None, "previous": None, "results": []}


def test_it_stays_within_its_query_budget(
    api_client, world, django_assert_max_num_queries
):
    add_positions(world, 20)

    with django_assert_max_num_queries(POSITIONS_LIST_QUERIES):
        response = api_client.get("/api/v1/positions/?page_size=100")

    assert len(ids(response)) == 28


def test_it_stays_within_its_query_budget_with_every_filter(
    api_client, world, django_assert_max_num_queries
):
    slug_filters = 5  # actor, proposal, negotiation, speaker, article
    budget = POSITIONS_LIST_QUERIES + slug_filters * (
        POSITIONS_LIST_QUERIES_PER_SLUG_FILTER
    )

    with django_assert_max_num_queries(budget):
        response = api_client.get(
            "/api/v1/positions/?actor=us&proposal=big-deal&negotiation=talks"
            f"&speaker=mike-pompeo&article={world.herald.pk}&outlet=The+Korea+Herald"
            "&stance=1&stance_min=0&stance_max=2&stated_after=2019-01-01"
            "&stated_before=2019-12-31&confidence=high&search=door&ordering=-stated_on"
        )

    assert ids(response) == pks(world.pompeo_big_deal)


def test_it_runs_as_many_queries_for_100_rows_as_for_5(api_client, world):
    for position in add_positions(world, 30):
        # Speakers and several articles, so that a missing select_related shows.
        position.speaker = PersonFactory()
        position.article = ArticleFactory(published_on=D(2019, 4, 1))
        position.save()

    with CaptureQueriesContext(connection) as small:
        small_page = api_client.get("/api/v1/positions/?page_size=5")
    with CaptureQueriesContext(connection) as large:
        large_page = api_client.get("/api/v1/positions/?page_size=100")

    assert len(ids(small_page)) == 5
    assert len(ids(large_page)) == 38
    assert len(large.captured_queries) == len(small.captured_queries)


def test_it_names_an_unknown_parameter_even_with_a_percent_sign(api_client, db):
    response = api_client.get("/api/v1/positions/?a%25b=1")

    assert response.status_code == 400
    assert list(response.json()) == ["a%b"]
