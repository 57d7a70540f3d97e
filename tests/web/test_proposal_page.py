import datetime

from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from positions.models import ProposalLink
from positions.selectors import RESOLUTION_RULE
from positions.services import position_create
from tests.factories import ArticleFactory, PositionFactory, ProposalFactory
from tests.html import elements, text


def html(response):
    return parse_html(response.content.decode())


D = datetime.date.fromisoformat

# The proposal and its links (outgoing, incoming), the start of the period
# charted, its resolved days, their positions for the tooltips, the
# negotiation's events, the positions' count and page, the changes (the start
# of their own period, then the changes).
PROPOSAL_PAGE_QUERY_COUNT = 10


def _url(slug="big-deal"):
    return reverse("positions:proposal-detail", args=[slug])


def _position_url(position):
    return reverse("positions:position-detail", args=[position.pk])


def _chart(response):
    [chart] = elements(parse_html(response.text), "svg", "chart-svg")
    return chart


def _points(chart) -> list[tuple[str, str]]:
    """(link, tooltip) of every point of the chart."""
    return [
        (dict(link.attributes)["href"], text(title))
        for link in elements(chart, "a")
        for circle in elements(link, "circle")
        for title in elements(circle, "title")
    ]


def _reversal(case):
    """North Korea turns to supporting the big deal on 2019-04-10."""
    return PositionFactory(
        actor=case.dprk,
        proposal=case.big_deal,
        article=ArticleFactory(outlet="Yonhap", published_on=D("2019-04-10")),
        stance=1,
        stated_on=D("2019-04-10"),
        quote="open to a big deal",
    )


def test_it_draws_one_step_line_per_actor(korea_case, client):
    _reversal(korea_case)

    response = client.get(_url())

    assert response.status_code == 200
    chart = _chart(response)
    attributes = dict(chart.attributes)
    assert attributes["role"] == "group"
    assert "Big deal" in attributes["aria-label"]
    series = list(elements(chart, "g", "series"))
    assert len(series) == 2
    assert [len(list(elements(group, "path"))) for group in series] == [1, 1]
    circles = [len(list(elements(group, "circle"))) for group in series]
    assert sorted(circles) == [1, 2]
    # A legend names each line.
    [legend] = elements(parse_html(response.text), "ul", "legend")
    assert "North Korea" in text(legend)
    assert "United States" in text(legend)


def test_it_links_each_point_to_its_position_with_the_quote_in_a_tooltip(
    korea_case, client
):
    later = _reversal(korea_case)

    points = _points(_chart(client.get(_url())))

    assert sorted(points) == sorted(
        [
            (
                _position_url(korea_case.dprk_big_deal),
                "North Korea · 2019-03-15: rejects outright “threatened to pull "
                "out of nuclear negotiations” — The Korea Herald",
            ),
            (
                _position_url(later),
                "North Korea · 2019-04-10: supports / open to “open to a big deal” "
                "— Yonhap",
            ),
            (
                _position_url(korea_case.us_big_deal),
                "United States · 2019-03-28: demands / strongly supports "
                "— The Korea Herald",
            ),
        ]
    )


def test_it_marks_a_disputed_day_in_the_tooltip(korea_case, client):
    PositionFactory(
        actor=korea_case.us,
        proposal=korea_case.big_deal,
        stance=-1,
        stated_on=D("2019-03-28"),
    )

    points = _points(_chart(client.get(_url())))

    [us_point] = [title for _, title in points if title.startswith("United States")]
    assert "opposes / sceptical" in us_point
    assert "disputed" in us_point


def test_it_shows_the_same_data_as_a_table(korea_case, client):
    later = _reversal(korea_case)

    response = client.get(_url())

    [table] = elements(parse_html(response.text), "table", "compact")
    rows = [[text(td) for td in elements(tr, "td")] for tr in elements(table, "tr")]
    assert sorted(row for row in rows if row) == [
        ["North Korea", "April 10, 2019", "supports / open to"],
        ["North Korea", "March 15, 2019", "rejects outright"],
        ["United States", "March 28, 2019", "demands / strongly supports"],
    ]
    links = [dict(a.attributes)["href"] for a in elements(table, "a")]
    assert sorted(links) == sorted(
        _position_url(p)
        for p in (korea_case.dprk_big_deal, korea_case.us_big_deal, later)
    )
    assert RESOLUTION_RULE in response.text


def test_it_lists_the_positions_with_quotes_and_sources_newest_first(
    korea_case, client
):
    later = _reversal(korea_case)

    response = client.get(_url())

    [listing] = elements(parse_html(response.text), "ul", "positions")
    rows = [text(row) for row in elements(listing, "li")]
    assert len(rows) == 3
    assert rows[0].startswith("April 10, 2019 North Korea supports / open to")
    assert "“open to a big deal”" in rows[0]
    assert "Source: Yonhap, April 10, 2019" in rows[0]
    assert rows[1].startswith("March 28, 2019 United States")
    assert "“threatened to pull out of nuclear negotiations”" in rows[2]
    links = [dict(a.attributes)["href"] for a in elements(listing, "a")]
    assert _position_url(later) in links
    assert reverse("positions:article-detail", args=[later.article_id]) in links


def test_it_lists_the_changes_on_the_proposal(korea_case, client):
    later = _reversal(korea_case)

    response = client.get(_url())

    tables = list(elements(parse_html(response.text), "table"))
    [changes] = [t for t in tables if "Stance changes" in text(t)]
    rows = [[text(td) for td in elements(tr, "td")] for tr in elements(changes, "tr")]
    assert [row for row in rows if row] == [
        [
            "April 10, 2019",
            "North Korea",
            "Big deal",
            "reversal",
            "rejects outright → supports / open to",
        ]
    ]
    assert _position_url(later) in [
        dict(a.attributes)["href"] for a in elements(changes, "a")
    ]


def test_it_says_so_when_nobody_has_a_stance_yet(korea_case, client):
    ProposalFactory(negotiation=korea_case.talks, title="Freeze", slug="freeze")

    response = client.get(_url("freeze"))

    assert response.status_code == 200
    assert "No positions on this proposal yet." in response.text
    assert "chart-svg" not in response.text
    assert "No stance changes." in response.text


def test_it_answers_404_for_an_unknown_proposal(db, client):
    assert client.get(_url("nope")).status_code == 404


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_runs_a_fixed_number_of_queries(
    korea_case, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PROPOSAL_PAGE_QUERY_COUNT):
        client.get(_url())


def test_it_runs_as_many_queries_with_40_positions_as_with_4(korea_case, client):
    with_four = _query_count(client, _url())
    article = ArticleFactory(published_on=D("2019-06-30"))
    for index in range(36):
        PositionFactory(
            actor=(korea_case.us, korea_case.dprk, korea_case.rok)[index % 3],
            proposal=korea_case.big_deal,
            article=article,
            stance=index % 5 - 2,
            stated_on=D("2019-04-01") + datetime.timedelta(days=index),
            quote=f"quote {index}",
        )

    with_forty = _query_count(client, _url())

    assert with_forty == with_four
    assert len(_points(_chart(client.get(_url())))) == 38


def test_it_shows_the_lineage_on_both_proposals(korea_case, client):
    ProposalLink.objects.create(
        source=korea_case.phased,
        kind="variant_of",
        target=korea_case.road_map,
        since=datetime.date(2019, 3, 28),
        article=korea_case.herald,
    )

    phased = client.get(reverse("positions:proposal-detail", args=["phased-deal"]))
    road_map = client.get(reverse("positions:proposal-detail", args=["road-map"]))

    [lineage] = elements(html(phased), "ul", "lineage")
    assert text(lineage).startswith("A variant of Road map since")
    assert reverse("positions:article-detail", args=[korea_case.herald.pk]) in [
        dict(a.attributes)["href"] for a in elements(lineage, "a")
    ]
    [inverse] = elements(html(road_map), "ul", "lineage")
    assert text(inverse).startswith("Has a variant: Phased deal since")


def test_it_splits_the_chart_by_speaker_on_request(korea_case, client):
    position_create(
        speaker=korea_case.pompeo,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=1,
        stated_on=datetime.date(2019, 3, 28),
    )
    url = reverse("positions:proposal-detail", args=["big-deal"])

    by_side = client.get(url).content.decode()
    by_speaker = client.get(url + "?by=speaker").content.decode()

    assert "Mike Pompeo" not in _chart_svg(by_side)
    assert "US — Mike Pompeo" in _chart_svg(by_speaker)
    assert "US (no speaker)" in _chart_svg(by_speaker)


def test_it_charts_only_the_chosen_attributions(korea_case, client):
    url = reverse("positions:proposal-detail", args=["big-deal"])

    every = client.get(url).content.decode()
    stated_only = client.get(url + "?attribution=stated").content.decode()

    # The seed's big-deal positions are the outlet's own reading (no speaker).
    assert "No positions on this proposal yet." not in every
    assert "No positions on this proposal yet." in stated_only
    [box] = elements(
        html(client.get(url + "?attribution=stated")), "fieldset", "attribution-option"
    )
    checked = [
        dict(tag.attributes).get("value")
        for tag in elements(box, "input")
        if "checked" in dict(tag.attributes)
    ]
    assert checked == ["stated"]


def _chart_svg(page: str) -> str:
    start = page.index("<svg")
    return page[start : page.index("</svg>", start)]


def test_each_point_of_the_chart_names_itself_and_has_a_finger_sized_target(
    korea_case, client
):
    _reversal(korea_case)

    chart = _chart(client.get(_url()))

    links = [
        link
        for link in elements(chart, "a")
        if list(elements(link, "circle")) and dict(link.attributes).get("href")
    ]
    assert links
    for link in links:
        [circle] = elements(link, "circle")
        [target] = elements(link, "rect", "hit")
        # What the tooltip shows on hover, a keyboard or screen reader gets.
        assert dict(link.attributes)["aria-label"] == text(circle)
        # 52 of the chart's 720 units: 26 px on a phone (test_phone_charts),
        # all of it inside the drawing, which clips what lies outside.
        x, y, width, height = (
            float(dict(target.attributes)[name])
            for name in ("x", "y", "width", "height")
        )
        assert width >= 52 and height >= 52
        assert 0 <= x and x + width <= 720 and 0 <= y and y + height <= 300
