"""A negotiation's events on the pages around it: markers on every time
chart, and "just before" / "just after" each event in the date pickers."""

import datetime

import pytest
from django.test.html import parse_html
from django.urls import reverse

from tests.factories import EventFactory, NegotiationFactory
from tests.html import elements, text

D = datetime.date.fromisoformat


@pytest.fixture
def events(korea_case):
    """Talks between the Korea case's positions (03-15 and 03-28), a summit
    long before them, and an event of another negotiation."""
    k = korea_case
    k.envoy_talks = EventFactory(
        negotiation=k.talks,
        title="Envoy talks in Washington",
        slug="envoy-talks",
        kind="talks",
        starts_on=D("2019-03-20"),
        ends_on=D("2019-03-22"),
    )
    k.singapore = EventFactory(
        negotiation=k.talks,
        title="Singapore summit",
        slug="singapore-summit",
        kind="summit",
        starts_on=D("2018-06-12"),
    )
    k.vienna = EventFactory(
        negotiation=NegotiationFactory(title="Iran nuclear talks"),
        title="Vienna round",
        starts_on=D("2019-03-21"),
    )
    return k


def _charts(response):
    return [
        svg
        for svg in elements(parse_html(response.text), "svg", "chart-svg")
        if dict(svg.attributes).get("role") in ("img", "group")
    ]


def _markers(chart) -> list[dict]:
    """Each event marker's link, tooltip and visible label."""
    return [
        {
            "href": [dict(a.attributes)["href"] for a in elements(marker, "a")],
            "title": [text(title) for title in elements(marker, "title")],
            "label": [text(label) for label in elements(marker, "text")],
        }
        for marker in elements(chart, "g", "event-marker")
    ]


ENVOY_TALKS = {
    "href": ["/events/envoy-talks/"],
    "title": ["Envoy talks in Washington (talks, 2019-03-20 – 2019-03-22)"],
    # Placed once for a wide screen, once for a phone's larger text.
    "label": ["Envoy talks in…", "Envoy talks in…"],
}


def test_it_marks_the_negotiations_events_on_the_proposal_chart(events, client):
    response = client.get(reverse("positions:proposal-detail", args=["big-deal"]))

    [chart] = _charts(response)
    # The summit of 2018 is outside the chart's period; Vienna is another
    # negotiation's.
    assert _markers(chart) == [ENVOY_TALKS]
    [description] = elements(chart, "desc")
    assert text(description) == (
        "Events marked: Envoy talks in Washington (talks, 2019-03-20 – 2019-03-22)."
    )
    assert "Dashed lines mark the negotiation's events" in response.text


def test_it_marks_the_events_on_each_small_chart_of_the_actor_page_without_labels(
    events, client
):
    response = client.get(reverse("positions:actor-detail", args=["north-korea"]))

    charts = _charts(response)
    assert len(charts) == 2
    for chart in charts:
        assert _markers(chart) == [ENVOY_TALKS | {"label": []}]


def test_it_marks_the_events_on_the_gap_chart(events, client):
    response = client.get(
        reverse("positions:negotiation-detail", args=["talks"]) + "?a=us&b=north-korea"
    )

    [chart] = _charts(response)
    assert _markers(chart) == [ENVOY_TALKS]


def test_it_draws_no_marker_for_a_negotiation_without_events(korea_case, client):
    response = client.get(reverse("positions:proposal-detail", args=["big-deal"]))

    [chart] = _charts(response)
    assert _markers(chart) == []
    assert not list(elements(chart, "desc"))


def _event_items(response) -> dict[str, list[tuple[str, str]]]:
    """{event title: [(link text, href)]} of the page's list of events."""
    [listing] = elements(parse_html(response.text), "ul", "events")
    return {
        text(next(elements(item, "a"))): [
            (text(a), dict(a.attributes)["href"]) for a in elements(item, "a")
        ][1:]
        for item in elements(listing, "li", "event")
    }


def test_it_lists_the_events_on_the_negotiation_page_with_as_of_links(events, client):
    response = client.get(reverse("positions:negotiation-detail", args=["talks"]))

    # Each keeps the sides of the gap (here the main parties).
    sides = "&a=north-korea&b=south-korea"
    items = _event_items(response)
    assert list(items) == ["Singapore summit", "Envoy talks in Washington"]
    assert items["Envoy talks in Washington"] == [
        ("just before", "?as_of=2019-03-19" + sides),
        ("just after", "?as_of=2019-03-22" + sides),
    ]
    assert items["Singapore summit"] == [
        ("just before", "?as_of=2018-06-11" + sides),
        ("just after", "?as_of=2018-06-12" + sides),
    ]
    page = parse_html(response.text)
    assert "/events/envoy-talks/" in [
        dict(a.attributes)["href"] for a in elements(page, "a")
    ]


def test_it_keeps_the_chosen_gap_sides_in_the_as_of_links(events, client):
    response = client.get(
        reverse("positions:negotiation-detail", args=["talks"]) + "?a=us&b=north-korea"
    )

    assert _event_items(response)["Singapore summit"][0] == (
        "just before",
        "?as_of=2018-06-11&a=us&b=north-korea",
    )


def test_it_shows_the_stances_just_before_an_event_when_asked(events, client):
    url = reverse("positions:negotiation-detail", args=["talks"])
    [before, _] = _event_items(client.get(url))["Envoy talks in Washington"]

    response = client.get(url + before[1])

    heading = next(elements(parse_html(response.text), "h2"))
    assert text(heading) == "Stances as of March 19, 2019"


def test_it_says_so_when_a_negotiation_has_no_events(korea_case, client):
    response = client.get(reverse("positions:negotiation-detail", args=["talks"]))

    assert "No events recorded for this negotiation yet." in response.text


def test_it_offers_dates_around_each_event_on_the_compare_page(events, client):
    url = reverse("positions:negotiation-compare", args=["talks"])

    response = client.get(url + "?from_date=2019-03-01&to_date=2019-04-01")

    items = _event_items(response)
    assert items["Envoy talks in Washington"] == [
        ("just before → just after", "?from_date=2019-03-19&to_date=2019-03-22"),
        ("just before", "?from_date=2019-03-19&to_date=2019-04-01"),
        ("just after", "?from_date=2019-03-01&to_date=2019-03-22"),
    ]
    around = client.get(url + items["Envoy talks in Washington"][0][1])
    assert around.status_code == 200
    assert "between March 19, 2019 and March 22, 2019" in around.text


def test_it_offers_the_events_before_any_date_is_chosen(events, client):
    url = reverse("positions:negotiation-compare", args=["talks"])

    response = client.get(url)

    [picker] = elements(parse_html(response.text), "details", "event-picker")
    assert "open" in dict(picker.attributes)
    # Only the pair: "from just before" needs a "to" date already chosen.
    assert _event_items(response)["Singapore summit"] == [
        ("just before → just after", "?from_date=2018-06-11&to_date=2018-06-12")
    ]
