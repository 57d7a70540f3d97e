import datetime

import pytest

from positions.models import Event
from positions.services import position_update
from tests.factories import ArticleFactory, EventFactory, NegotiationFactory

D = datetime.date

# Two queries a page: the events with their negotiation, their articles' ids.
# The data version the response answers from is one of them.
EVENTS_LIST_QUERIES = 3


@pytest.fixture
def events(korea_case):
    iran = NegotiationFactory(title="Iran nuclear talks", slug="iran-talks")
    singapore = EventFactory(
        negotiation=korea_case.talks,
        title="Singapore summit",
        slug="singapore-summit",
        kind="summit",
        starts_on=D(2018, 6, 12),
        place="Sentosa, Singapore",
    )
    hanoi = EventFactory(
        negotiation=korea_case.talks,
        title="Hanoi summit",
        slug="hanoi-summit",
        kind="summit",
        starts_on=D(2019, 2, 27),
        ends_on=D(2019, 2, 28),
        place="Hanoi",
        description="Ended early without an agreement.",
        articles=[korea_case.herald],
    )
    test = EventFactory(
        negotiation=korea_case.talks,
        title="Short-range missile test",
        slug="missile-test",
        kind="test",
        starts_on=D(2019, 5, 4),
    )
    vienna = EventFactory(
        negotiation=iran,
        title="Vienna round",
        slug="vienna-round",
        kind="talks",
        starts_on=D(2019, 3, 1),
        place="Vienna",
    )
    return {"singapore": singapore, "hanoi": hanoi, "test": test, "vienna": vienna}


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def table():
    return list(Event.objects.order_by("id").values())


def _cite(position, event):
    position_update(
        position_id=position.pk,
        expected_version=position.version,
        changes={"event": event},
    )


def test_it_lists_events_in_time_order(api_client, events):
    response = api_client.get("/api/v1/events/")

    assert slugs(response) == [
        "singapore-summit",
        "hanoi-summit",
        "vienna-round",
        "missile-test",
    ]


def test_it_shows_an_event_with_its_negotiation_and_articles(
    api_client, korea_case, events
):
    response = api_client.get("/api/v1/events/hanoi-summit/")

    assert response.status_code == 200
    assert response.json() == {
        "id": events["hanoi"].pk,
        "slug": "hanoi-summit",
        "title": "Hanoi summit",
        "kind": "summit",
        "starts_on": "2019-02-27",
        "ends_on": "2019-02-28",
        "place": "Hanoi",
        "description": "Ended early without an agreement.",
        "negotiation": "talks",
        "articles": [korea_case.herald.pk],
        "url": "http://testserver/api/v1/events/hanoi-summit/",
    }
    assert response["ETag"]


def test_it_answers_404_for_an_unknown_slug(api_client, events):
    assert api_client.get("/api/v1/events/yalta/").status_code == 404


def test_it_filters_by_negotiation(api_client, events):
    korea = api_client.get("/api/v1/events/?negotiation=talks")
    iran = api_client.get("/api/v1/events/?negotiation=iran-talks")

    assert slugs(korea) == ["singapore-summit", "hanoi-summit", "missile-test"]
    assert slugs(iran) == ["vienna-round"]


def test_it_filters_by_kind_repeated_as_or(api_client, events):
    summits = api_client.get("/api/v1/events/?kind=summit")
    either = api_client.get("/api/v1/events/?kind=test&kind=talks")

    assert slugs(summits) == ["singapore-summit", "hanoi-summit"]
    assert slugs(either) == ["vienna-round", "missile-test"]


def test_it_refuses_starts_after_later_than_starts_before(api_client, events):
    response = api_client.get(
        "/api/v1/events/?starts_after=2019-03-01&starts_before=2019-02-27"
    )

    assert response.status_code == 400
    assert response.json() == {
        "starts_after": ["Choose a date on or before “Starts to” (2019-02-27)."]
    }


def test_it_filters_by_start_with_inclusive_bounds(api_client, events):
    response = api_client.get(
        "/api/v1/events/?starts_after=2019-02-27&starts_before=2019-05-04"
    )

    assert slugs(response) == ["hanoi-summit", "vienna-round", "missile-test"]


def test_it_searches_title_place_and_description(api_client, events):
    place = api_client.get("/api/v1/events/?search=sentosa")
    description = api_client.get("/api/v1/events/?search=WITHOUT AN AGREEMENT")

    assert slugs(place) == ["singapore-summit"]
    assert slugs(description) == ["hanoi-summit"]


def test_it_pages_with_a_next_link(api_client, events):
    first = api_client.get("/api/v1/events/?page_size=3")
    second = api_client.get(first.json()["next"])

    assert slugs(first) == ["singapore-summit", "hanoi-summit", "vienna-round"]
    assert slugs(second) == ["missile-test"]
    assert second.json()["next"] is None


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("negotiation=brexit", "negotiation"),
        ("kind=party", "kind"),
        ("starts_after=2019-02-30", "starts_after"),
        ("starts_before=soon", "starts_before"),
        ("starts_on=2019-02-27", "starts_on"),
    ],
)
def test_it_rejects_a_bad_parameter_naming_it(api_client, events, query, parameter):
    response = api_client.get(f"/api/v1/events/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_lets_an_analyst_record_an_event_with_a_derived_slug(
    analyst_api, korea_case
):
    response = analyst_api.post(
        "/api/v1/events/",
        {
            "title": "Stockholm talks",
            "kind": "talks",
            "negotiation": "talks",
            "starts_on": "2019-10-05",
            "place": "Stockholm",
            "articles": [korea_case.herald.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "stockholm-talks"
    saved = Event.objects.get(slug="stockholm-talks")
    assert (saved.negotiation, saved.kind, saved.starts_on, saved.place) == (
        korea_case.talks,
        "talks",
        D(2019, 10, 5),
        "Stockholm",
    )
    assert list(saved.articles.all()) == [korea_case.herald]
    assert {record.history_user.username for record in saved.history.all()} == {
        "analyst"
    }


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"negotiation": "brexit"}, "negotiation"),
        ({"negotiation": None}, "negotiation"),
        ({"kind": "party"}, "kind"),
        ({"starts_on": None}, "starts_on"),
        ({"title": ""}, "title"),
        ({"articles": [99999]}, "articles"),
        ({"ends_on": "2019-10-04"}, "non_field_errors"),
    ],
)
def test_it_refuses_a_bad_body_naming_the_field(
    analyst_api, korea_case, changes, field
):
    before = table()

    response = analyst_api.post(
        "/api/v1/events/",
        {
            "title": "Stockholm talks",
            "negotiation": "talks",
            "starts_on": "2019-10-05",
            **changes,
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert table() == before


def test_it_refuses_the_same_event_twice_in_a_negotiation(analyst_api, events):
    before = table()

    response = analyst_api.post(
        "/api/v1/events/",
        {"title": "Hanoi summit", "negotiation": "talks", "starts_on": "2019-02-27"},
        format="json",
    )

    assert response.status_code == 400
    assert table() == before


def test_it_lets_an_analyst_change_an_event(analyst_api, korea_case, events):
    other = ArticleFactory()

    response = analyst_api.patch(
        "/api/v1/events/hanoi-summit/",
        {"place": "Metropole hotel, Hanoi", "articles": [other.pk]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["articles"] == [other.pk]
    events["hanoi"].refresh_from_db()
    assert events["hanoi"].place == "Metropole hotel, Hanoi"
    assert list(events["hanoi"].articles.all()) == [other]
    assert events["hanoi"].title == "Hanoi summit"


def test_it_replaces_an_event_with_put(curator_api, events):
    response = curator_api.put(
        "/api/v1/events/missile-test/",
        {
            "title": "Missile launch",
            "slug": "missile-test",
            "kind": "test",
            "negotiation": "talks",
            "starts_on": "2019-05-04",
            "ends_on": "2019-05-09",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    events["test"].refresh_from_db()
    assert (events["test"].title, events["test"].last_day) == (
        "Missile launch",
        D(2019, 5, 9),
    )


def test_it_refuses_a_stale_if_match(analyst_api, events):
    before = table()

    response = analyst_api.patch(
        "/api/v1/events/hanoi-summit/",
        {"place": "Elsewhere"},
        format="json",
        HTTP_IF_MATCH='"stale"',
    )

    assert response.status_code == 412
    assert table() == before


def test_it_refuses_to_delete_an_event_that_positions_cite(
    curator_api, korea_case, events
):
    _cite(korea_case.us_big_deal, events["hanoi"])
    _cite(korea_case.dprk_phased, events["hanoi"])
    before = table()

    response = curator_api.delete("/api/v1/events/hanoi-summit/")

    assert response.status_code == 409
    assert "2 positions" in response.json()["detail"]
    assert "event" in response.json()["detail"]
    assert table() == before


def test_it_lets_a_curator_delete_an_event_nobody_cites(curator_api, events):
    response = curator_api.delete("/api/v1/events/missile-test/")

    assert response.status_code == 204
    assert not Event.objects.filter(slug="missile-test").exists()
    assert Event.objects.count() == 3


def test_it_refuses_deletion_to_an_analyst(analyst_api, events):
    before = table()

    response = analyst_api.delete("/api/v1/events/missile-test/")

    assert response.status_code == 403
    assert table() == before


def test_it_refuses_writes_to_anonymous_callers_and_readers(
    api_client, reader_api, events
):
    before = table()
    body = {"title": "Yalta", "negotiation": "talks", "starts_on": "2019-10-05"}

    answers = [
        api_client.post("/api/v1/events/", body, format="json").status_code,
        api_client.patch("/api/v1/events/hanoi-summit/", {"place": "x"}).status_code,
        api_client.delete("/api/v1/events/missile-test/").status_code,
        reader_api.post("/api/v1/events/", body, format="json").status_code,
        reader_api.patch("/api/v1/events/hanoi-summit/", {"place": "x"}).status_code,
        reader_api.delete("/api/v1/events/missile-test/").status_code,
    ]

    assert answers == [401, 401, 401, 403, 403, 403]
    assert table() == before


def test_it_stays_within_its_query_budget_whatever_the_page_size(
    api_client, korea_case, events, django_assert_max_num_queries
):
    articles = [ArticleFactory() for _ in range(3)]
    for day in range(1, 13):
        EventFactory(
            negotiation=korea_case.talks,
            starts_on=D(2020, 1, day),
            articles=articles,
        )

    with django_assert_max_num_queries(EVENTS_LIST_QUERIES):
        small = api_client.get("/api/v1/events/?page_size=2")
    with django_assert_max_num_queries(EVENTS_LIST_QUERIES):
        large = api_client.get("/api/v1/events/?page_size=100")

    assert len(small.json()["results"]) == 2
    assert len(large.json()["results"]) == 16
    assert large.json()["results"][-1]["articles"] == [a.pk for a in articles]
