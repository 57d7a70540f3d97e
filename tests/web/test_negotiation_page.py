import datetime

import pytest
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from positions.selectors import RESOLUTION_RULE
from positions.services import position_create
from tests.factories import ArticleFactory, PositionFactory
from tests.html import elements, stance_matrix, text

D = datetime.date.fromisoformat

# The negotiation, the matrix's participants and proposals, its as-of SQL,
# the conditions of the cells' positions, the main parties (position counts,
# then the participants), the date the gap is read from and the gap SQL, the changes of the dates shown and the
# negotiation's events (listed and marked on the gap chart).
NEGOTIATION_PAGE_QUERY_COUNT = 11


def _url(**query):
    url = reverse("positions:negotiation-detail", args=["talks"])
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    return url


def _matrix(response) -> dict:
    return stance_matrix(response)


def _links(node) -> list[str]:
    return [dict(a.attributes)["href"] for a in elements(node, "a")]


def test_it_shows_every_participant_on_every_proposal(korea_case, client):
    response = client.get(_url(as_of="2019-03-28"))

    assert response.status_code == 200
    cells = _matrix(response)
    assert set(cells) == {
        (actor, proposal)
        for actor in ("North Korea", "South Korea", "United States")
        for proposal in ("Big deal", "Phased deal", "Road map")
    }
    shown = {key: text(cell) for key, cell in cells.items() if _links(cell)}
    assert shown == {
        ("North Korea", "Big deal"): "rejects outright last stated March 15, 2019",
        ("North Korea", "Phased deal"): (
            "demands / strongly supports last stated March 28, 2019"
        ),
        ("South Korea", "Road map"): (
            "demands / strongly supports last stated March 28, 2019"
        ),
        ("United States", "Big deal"): (
            "demands / strongly supports last stated March 28, 2019"
        ),
    }
    assert all(
        text(cell) == "no position" for key, cell in cells.items() if key not in shown
    )


def test_it_links_each_cell_to_the_position_standing_for_it(korea_case, client):
    cells = _matrix(client.get(_url(as_of="2019-03-28")))

    position_url = reverse(
        "positions:position-detail", args=[korea_case.dprk_big_deal.pk]
    )
    assert _links(cells["North Korea", "Big deal"]) == [position_url]
    assert _links(cells["United States", "Big deal"]) == [
        reverse("positions:position-detail", args=[korea_case.us_big_deal.pk])
    ]


def test_it_shows_the_stances_as_of_the_chosen_date(korea_case, client):
    cells = _matrix(client.get(_url(as_of="2019-03-20")))

    with_stance = {key: text(cell) for key, cell in cells.items() if _links(cell)}
    assert with_stance == {
        ("North Korea", "Big deal"): "rejects outright last stated March 15, 2019"
    }


def test_it_counts_the_as_of_date_itself(korea_case, client):
    cells = _matrix(client.get(_url(as_of="2019-03-15")))

    assert text(cells["North Korea", "Big deal"]).startswith("rejects outright")


def test_it_shows_no_stance_before_the_first_position(korea_case, client):
    response = client.get(_url(as_of="2019-03-14"))

    cells = _matrix(response)
    assert len(cells) == 9
    assert all(text(cell) == "no position" for cell in cells.values())
    assert "Stances as of March 14, 2019" in response.text


def test_it_marks_a_day_whose_sources_disagree_as_disputed(korea_case, client):
    for stance in (1, -1):
        PositionFactory(
            actor=korea_case.us,
            proposal=korea_case.phased,
            article=ArticleFactory(published_on=D("2019-03-20")),
            stance=stance,
            stated_on=D("2019-03-20"),
        )

    disputed = _matrix(client.get(_url(as_of="2019-03-25")))
    before = _matrix(client.get(_url(as_of="2019-03-19")))

    # Same confidence, one each: a tie, won by the most recently recorded (-1);
    # the cell shows the range of the day.
    cell = disputed["United States", "Phased deal"]
    assert text(cell) == (
        "opposes / sceptical disputed -1 to +1 last stated March 20, 2019"
    )
    [badge] = elements(cell, "span", "badge-disputed")
    assert "2 positions" in dict(badge.attributes)["title"]
    assert "resolved by tie" in dict(badge.attributes)["title"]
    assert "disputed" not in text(disputed["North Korea", "Big deal"])
    assert text(before["United States", "Phased deal"]) == "no position"


def test_it_prints_the_resolution_rule(korea_case, client):
    response = client.get(_url())

    assert "How this was computed." in response.text
    assert RESOLUTION_RULE in response.text


def test_it_draws_the_gap_between_the_main_parties_as_a_chart_and_a_table(
    korea_case, client
):
    # South Korea now has two positions like North Korea: they are the main parties.
    PositionFactory(
        actor=korea_case.rok,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=1,
        stated_on=D("2019-03-20"),
    )

    response = client.get(_url())

    assert "Gap between North Korea and South Korea" in response.text
    page = parse_html(response.text)
    [chart] = [svg for svg in elements(page, "svg") if dict(svg.attributes).get("role")]
    attributes = dict(chart.attributes)
    assert attributes["role"] == "group"
    assert attributes["aria-label"].startswith("Gap between the two sides")
    # No shared proposal on 03-15 breaks the line; 03-20 and 03-28 are points.
    assert len(list(elements(chart, "circle"))) == 2
    [table] = elements(page, "table", "compact")
    rows = [[text(td) for td in elements(tr, "td")] for tr in elements(table, "tr")]
    rows = [row for row in rows if row]
    assert [row[:3] for row in rows] == [
        ["March 15, 2019", "none shared", "0"],
        ["March 20, 2019", "3.00", "1"],
        ["March 28, 2019", "3.00", "1"],
    ]
    # What contributed, in words, and who moved, each move linked to its position.
    assert [row[3] for row in rows] == [
        "No proposal on which both have a stance.",
        "First shared level: 1 shared proposal(s).",
        "DPRK's moves contributed +0.00; ROK's moves contributed +0.00.",
    ]
    assert rows[1][4].replace(" :", ":") == (
        "ROK on Big deal: first stance, supports / open to"
    )
    [_, first_shared, _] = [tr for tr in elements(table, "tr") if text(tr)][1:]
    assert any("/positions/" in link for link in _links(first_shared))
    assert any(
        "/compare/?from_date=2019-03-15&to_date=2019-03-20" in link
        for link in _links(first_shared)
    )


def test_it_draws_the_gap_between_two_chosen_participants(korea_case, client):
    response = client.get(_url(a="us", b="north-korea"))

    assert "Gap between United States and North Korea" in response.text
    assert "4.00" in response.text  # +2 against -2 on the big deal


def test_it_explains_each_gap_point_in_a_tooltip(korea_case, client):
    response = client.get(_url(a="us", b="north-korea"))

    [chart] = [
        svg
        for svg in elements(parse_html(response.text), "svg")
        if dict(svg.attributes).get("role")
    ]
    titles = [text(title) for title in elements(chart, "circle")]
    assert titles
    assert all("shared proposal" in title for title in titles)


def test_it_shows_an_error_for_a_bad_as_of_date_instead_of_failing(korea_case, client):
    response = client.get(_url(as_of="2019-02-30"))

    assert response.status_code == 200
    assert "As of: Enter a valid date." in response.text
    # The matrix falls back to today, where every seed stance is known.
    assert len([c for c in _matrix(response).values() if _links(c)]) == 4


def test_it_shows_an_error_for_an_actor_outside_the_negotiation(korea_case, client):
    response = client.get(_url(a="nobody"))

    assert response.status_code == 200
    assert "First side of the gap: Select a valid choice." in response.text


def test_it_answers_404_for_an_unknown_negotiation(db, client):
    response = client.get(reverse("positions:negotiation-detail", args=["nope"]))

    assert response.status_code == 404


def _add_positions(case, count):
    article = ArticleFactory(published_on=D("2019-06-30"))
    pairs = [
        (actor, proposal)
        for actor in (case.us, case.dprk, case.rok)
        for proposal in (case.big_deal, case.phased, case.road_map)
    ]
    for index in range(count):
        actor, proposal = pairs[index % len(pairs)]
        PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=index % 5 - 2,
            stated_on=D("2019-04-01") + datetime.timedelta(days=index // len(pairs)),
        )


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_runs_a_fixed_number_of_queries(
    korea_case, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(NEGOTIATION_PAGE_QUERY_COUNT):
        client.get(_url())


def test_it_runs_as_many_queries_with_40_positions_as_with_4(korea_case, client):
    with_four = _query_count(client, _url())
    _add_positions(korea_case, 36)

    with_forty = _query_count(client, _url())

    assert with_forty == with_four
    assert len([c for c in _matrix(client.get(_url())).values() if _links(c)]) == 9


def test_it_says_what_contributed_to_each_change_of_the_gap(korea_case, client):
    # The US takes a stance on the phased deal, then North Korea softens.
    for actor, proposal, stance, day in [
        (korea_case.us, korea_case.phased, -2, "2019-04-01"),
        (korea_case.dprk, korea_case.big_deal, 0, "2019-04-10"),
    ]:
        PositionFactory(
            actor=actor,
            proposal=proposal,
            article=ArticleFactory(published_on=D(day)),
            stance=stance,
            stated_on=D(day),
        )

    response = client.get(_url(a="us", b="north-korea"))

    [table] = elements(parse_html(response.text), "table", "compact")
    words = [
        [text(td) for td in elements(tr, "td")][3]
        for tr in elements(table, "tr")
        if list(elements(tr, "td"))
    ]
    # 4 → (4 + 4) / 2 = 4 as the phased deal enters; then (2 + 4) / 2 = 3.
    assert words[-2:] == [
        "US's moves contributed +0.00; 1 newly shared proposal(s) contributed +0.00.",
        "DPRK's moves contributed -1.00.",
    ]


def test_it_links_to_the_comparison_of_two_dates(korea_case, client):
    response = client.get(_url())

    assert reverse("positions:negotiation-compare", args=["talks"]) in response.text


def test_it_fills_the_matrix_from_the_chosen_attributions_only(korea_case, client):
    pompeo = position_create(
        speaker=korea_case.pompeo,
        proposal=korea_case.road_map,
        article=korea_case.herald,
        stance=-1,
        stated_on=datetime.date(2019, 3, 28),
    )

    every = _matrix(client.get(_url(as_of="2019-03-28")))
    stated = _matrix(client.get(_url(as_of="2019-03-28", attribution="stated")))

    assert len([cell for cell in every.values() if _links(cell)]) == 5
    assert {key for key, cell in stated.items() if _links(cell)} == {
        ("United States", "Road map")
    }
    assert _links(stated["United States", "Road map"]) == [
        reverse("positions:position-detail", args=[pompeo.pk])
    ]


def test_it_refuses_an_unknown_attribution_with_a_message(korea_case, client):
    response = client.get(_url(attribution="rumour"))

    assert response.status_code == 200
    assert "attribution" in response.text
    assert "rumour is not one of the available choices" in response.text


def test_it_shows_the_latest_points_of_a_long_gap_and_says_so(
    korea_case, client, monkeypatch
):
    # A page showing two points reads the gap from a recent date on (six
    # dates back); it must show the series' last two all the same.
    monkeypatch.setattr("positions.selectors.gap_page.GAP_POINTS", 2)
    for index in range(8):
        day = D("2019-04-01") + datetime.timedelta(days=index)
        PositionFactory(
            actor=korea_case.dprk,
            proposal=korea_case.big_deal,
            article=ArticleFactory(published_on=day),
            stance=[0, -1, 1][index % 3],
            stated_on=day,
        )

    page = parse_html(client.get(_url(a="us", b="north-korea")).text)
    api = client.get(
        reverse("gap"), {"a": "us", "b": "north-korea", "negotiation": "talks"}
    ).json()

    [table] = elements(page, "table", "compact")
    shown = [
        [text(td) for td in elements(tr, "td")][1:4]
        for tr in elements(table, "tr")
        if list(elements(tr, "td"))
    ]
    points = api["points"]
    assert len(points) > 2
    # Gap, shared proposals and what contributed, as the whole series has them.
    assert [row[:2] for row in shown] == [
        [f"{point['gap']:.2f}", str(point["proposals"])] for point in points[-2:]
    ]
    assert shown[-1][2] == f"DPRK's moves contributed {points[-1]['moved_b']:+.2f}."
    assert "The latest 2 dates" in text(page)


@pytest.mark.parametrize(
    ("as_of", "said"),
    [
        ("2019-04-10", "last stated March 28, 2019"),
        ("2019-06-01", "last stated March 28, 2019, 2 months before this date"),
        ("2022-04-01", "last stated March 28, 2019, 3 years before this date"),
    ],
)
def test_each_cell_says_how_old_its_stance_is(korea_case, client, as_of, said):
    cells = _matrix(client.get(_url(as_of=as_of)))

    [small] = elements(cells["United States", "Big deal"], "small")
    assert text(small) == said
