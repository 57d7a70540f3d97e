import datetime

from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from positions.selectors import RESOLUTION_RULE
from tests.factories import ArticleFactory, PositionFactory
from tests.html import elements, text

D = datetime.date.fromisoformat

# The actor, its as-of stances, the start of the charts' period, its resolved
# days, their positions for the tooltips, the events of the proposals'
# negotiations, affiliations, members, the changes (the start of their
# period, then the changes), the flip-o-meter, the positions' count and page.
ACTOR_PAGE_QUERY_COUNT = 12


def _url(slug):
    return reverse("positions:actor-detail", args=[slug])


def _section(response, title_id):
    for section in elements(parse_html(response.text), "section"):
        if dict(section.attributes).get("aria-labelledby") == title_id:
            return section
    return None


def _reversal(case):
    """North Korea turns to supporting the big deal on 2019-04-10."""
    return PositionFactory(
        actor=case.dprk,
        proposal=case.big_deal,
        article=ArticleFactory(published_on=D("2019-04-10")),
        stance=1,
        stated_on=D("2019-04-10"),
    )


def test_it_shows_the_profile(korea_case, client):
    korea_case.dprk.aliases = ["Pyongyang", "DPRK regime"]
    korea_case.dprk.description = "The Democratic People's Republic of Korea."
    korea_case.dprk.save()

    response = client.get(_url("north-korea"))

    assert response.status_code == 200
    [heading] = elements(parse_html(response.text), "h1")
    assert text(heading) == "North Korea (DPRK)"
    assert "State · also written Pyongyang, DPRK regime" in response.text
    assert "The Democratic People&#x27;s Republic of Korea." in response.text


def test_it_shows_a_persons_roles(korea_case, client):
    response = client.get(_url("mike-pompeo"))

    roles = _section(response, "affiliations-title")
    assert roles is not None
    assert text(roles) == (
        "Roles Secretary of State, United States April 26, 2018 – now"
    )
    assert [dict(a.attributes)["href"] for a in elements(roles, "a")] == [_url("us")]


def test_it_shows_the_people_speaking_for_a_state(korea_case, client):
    response = client.get(_url("us"))

    members = _section(response, "members-title")
    assert members is not None
    # (The text of each link stands apart from the comma after it.)
    assert text(members) == (
        "People speaking for US "
        "John Bolton , National Security Advisor April 9, 2018 – Sept. 10, 2019 "
        "Mike Pompeo , Secretary of State April 26, 2018 – now"
    )


def test_it_shows_the_current_stance_per_proposal_with_a_small_chart_each(
    korea_case, client
):
    later = _reversal(korea_case)

    response = client.get(_url("north-korea"))

    stances = _section(response, "stances-title")
    [body] = elements(stances, "tbody")
    rows = list(elements(body, "tr"))
    assert [[text(td) for td in elements(row, "td")][:3] for row in rows] == [
        ["Big deal", "supports / open to", "April 10, 2019"],
        ["Phased deal", "demands / strongly supports", "March 28, 2019"],
    ]
    big_deal_row, phased_row = rows
    assert reverse("positions:position-detail", args=[later.pk]) in [
        dict(a.attributes)["href"] for a in elements(big_deal_row, "a")
    ]
    for row, points in ((big_deal_row, 2), (phased_row, 1)):
        [spark] = elements(row, "svg")
        attributes = dict(spark.attributes)
        # Its points link to positions: a group of links, not an image.
        assert attributes["role"] == "group"
        assert attributes["viewbox"] == "0 0 220 56"
        assert len(list(elements(spark, "path"))) == 1
        assert len(list(elements(spark, "circle"))) == points
    assert RESOLUTION_RULE in text(stances)


def test_it_puts_the_small_charts_on_one_time_axis(korea_case, client):
    response = client.get(_url("north-korea"))

    stances = _section(response, "stances-title")
    # 2019-03-15 and 2019-03-28 on one axis: the later day is further right.
    big_deal_x, phased_x = (
        float(dict(circle.attributes)["cx"]) for circle in elements(stances, "circle")
    )
    assert big_deal_x < phased_x


def test_it_lists_recent_changes(korea_case, client):
    later = _reversal(korea_case)

    response = client.get(_url("north-korea"))

    changes = _section(response, "changes-title")
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
    assert reverse("positions:position-detail", args=[later.pk]) in [
        dict(a.attributes)["href"] for a in elements(changes, "a")
    ]


def test_it_lists_the_positions_a_person_stated(korea_case, client):
    PositionFactory(
        actor=korea_case.us,
        speaker=korea_case.pompeo,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=2,
        stated_on=D("2019-03-27"),
        quote="a big deal, all at once",
    )

    response = client.get(_url("mike-pompeo"))

    positions = _section(response, "positions-title")
    assert "“a big deal, all at once”" in text(positions)
    assert "Positions stated, newest first" in text(positions)


def test_it_answers_404_for_an_unknown_actor(db, client):
    assert client.get(_url("nobody")).status_code == 404


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_runs_a_fixed_number_of_queries(
    korea_case, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(ACTOR_PAGE_QUERY_COUNT):
        client.get(_url("north-korea"))


def test_it_runs_as_many_queries_with_40_positions_as_with_4(korea_case, client):
    with_four = _query_count(client, _url("north-korea"))
    article = ArticleFactory(published_on=D("2019-06-30"))
    proposals = (korea_case.big_deal, korea_case.phased, korea_case.road_map)
    for index in range(36):
        PositionFactory(
            actor=korea_case.dprk,
            proposal=proposals[index % 3],
            article=article,
            stance=index % 5 - 2,
            stated_on=D("2019-04-01") + datetime.timedelta(days=index),
        )

    with_forty = _query_count(client, _url("north-korea"))

    assert with_forty == with_four
    stances = _section(client.get(_url("north-korea")), "stances-title")
    assert len(list(elements(stances, "svg"))) == 3


def _flips(response) -> list[list[str]]:
    [table] = elements(parse_html(response.text), "table", "flips")
    return [
        [text(td) for td in elements(tr, "td")]
        for tr in elements(table, "tr")
        if list(elements(tr, "td"))
    ]


def test_it_shows_the_flip_o_meter_of_a_side(korea_case, client):
    k = korea_case
    for stance, day in [(1, "2019-04-01"), (2, "2019-04-02")]:
        PositionFactory(
            actor=k.dprk,
            proposal=k.big_deal,
            article=ArticleFactory(published_on=D(day)),
            stance=stance,
            stated_on=D(day),
        )

    response = client.get(_url("north-korea") + "?since=2019-03-20&until=2019-04-30")

    assert "Flip-o-meter" in response.text
    assert _flips(response) == [
        [
            "Big deal",
            "rejects outright",
            "demands / strongly supports",
            "reversal",
            "1",
            "1",
            "0",
        ],
        [
            "Phased deal",
            "none",
            "demands / strongly supports",
            "no change",
            "0",
            "0",
            "0",
        ],
    ]
    [table] = elements(parse_html(response.text), "table", "flips")
    verdicts = [dict(a.attributes)["href"] for a in elements(table, "a", "verdict")]
    assert verdicts[0] == (
        reverse("positions:change-list")
        + "?actor=north-korea&proposal=big-deal&since=2019-03-20&until=2019-04-30"
    )


def test_it_shows_no_flip_o_meter_for_a_person(korea_case, client):
    response = client.get(_url("mike-pompeo"))

    assert "Flip-o-meter" not in response.text


def test_it_shows_an_error_for_a_bad_period_instead_of_failing(korea_case, client):
    response = client.get(_url("north-korea") + "?since=2019-02-30")

    assert response.status_code == 200
    assert "Since: Enter a valid date." in response.text
    assert "over its whole record" in response.text
