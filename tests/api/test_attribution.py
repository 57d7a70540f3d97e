"""Attribution: how each stance is known, derived when left out, and
``attribution=`` choosing which positions every analysis reads."""

import csv
import datetime
import io

import pytest

from positions.models import Position
from positions.services import position_create

D = datetime.date


@pytest.fixture
def reported_shift(korea_case):
    """The US big-deal line: stated +2 by Pompeo on 2019-03-29, then the
    outlet's own reading of −1 on 2019-04-02 (reported, no speaker)."""
    stated = position_create(
        speaker=korea_case.pompeo,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=2,
        stated_on=D(2019, 3, 29),
    )
    later = korea_case.herald.__class__.objects.create(
        url="https://example.org/2019/04/02/reading",
        title="A reading of Washington's line",
        outlet="Example Daily",
        published_on=D(2019, 4, 2),
    )
    reported = position_create(
        actor=korea_case.us,
        proposal=korea_case.big_deal,
        article=later,
        stance=-1,
        stated_on=D(2019, 4, 2),
    )
    return stated, reported


def test_it_derives_stated_from_a_speaker_of_the_side_and_reported_otherwise(
    korea_case, reported_shift
):
    stated, reported = reported_shift

    assert (stated.actor, stated.attribution) == (korea_case.us, "stated")
    assert reported.attribution == "reported"
    # Pompeo speaks for the US, not for North Korea: his account of its
    # stance is the outlet's report until the analyst says otherwise.
    about_the_other_side = position_create(
        actor=korea_case.dprk,
        speaker=korea_case.pompeo,
        proposal=korea_case.road_map,
        article=korea_case.herald,
        stance=-1,
        stated_on=D(2019, 3, 28),
    )
    assert about_the_other_side.attribution == "reported"


def test_it_takes_the_attribution_the_analyst_chose(analyst_api, korea_case):
    response = analyst_api.post(
        "/api/v1/positions/",
        {
            "actor": "north-korea",
            "speaker": "mike-pompeo",
            "proposal": "phased-deal",
            "article": korea_case.herald.pk,
            "stance": -2,
            "stated_on": "2019-03-28",
            "attribution": "other_side",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["attribution"] == "other_side"
    assert Position.objects.get(pk=response.json()["id"]).attribution == "other_side"


def test_it_never_takes_the_side_from_a_speaker_who_does_not_speak_for_it(
    analyst_api, korea_case
):
    before = Position.objects.count()

    response = analyst_api.post(
        "/api/v1/positions/",
        {
            "speaker": "mike-pompeo",
            "proposal": "phased-deal",
            "article": korea_case.herald.pk,
            "stance": -2,
            "stated_on": "2019-03-28",
            "attribution": "analyst",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "does not speak for the side" in response.json()["actor"][0]
    assert Position.objects.count() == before


def test_it_refuses_stated_without_a_speaker(analyst_api, korea_case):
    response = analyst_api.post(
        "/api/v1/positions/",
        {
            "actor": "us",
            "proposal": "road-map",
            "article": korea_case.herald.pk,
            "stance": 1,
            "stated_on": "2019-03-28",
            "attribution": "stated",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["attribution"]


def test_it_refuses_an_unknown_attribution(analyst_api, korea_case):
    response = analyst_api.post(
        "/api/v1/positions/",
        {
            "actor": "us",
            "proposal": "road-map",
            "article": korea_case.herald.pk,
            "stance": 1,
            "stated_on": "2019-03-28",
            "attribution": "rumour",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["attribution"]


def test_it_filters_positions_by_attribution_repeatably(
    api_client, korea_case, reported_shift
):
    stated, reported = reported_shift

    only_stated = api_client.get("/api/v1/positions/?attribution=stated").json()
    both = api_client.get(
        "/api/v1/positions/?attribution=stated&attribution=reported"
    ).json()

    assert [row["id"] for row in only_stated["results"]] == [stated.pk]
    assert {row["id"] for row in both["results"]} == set(
        Position.objects.values_list("id", flat=True)
    )


def test_it_answers_the_as_of_stance_from_the_chosen_attributions(
    api_client, reported_shift
):
    query = "/api/v1/stances/?actor=us&proposal=big-deal&as_of=2019-04-30"

    everything = api_client.get(query).json()["results"]
    own_words = api_client.get(query + "&attribution=stated").json()["results"]

    assert [row["stance"] for row in everything] == [-1]
    assert [(row["stance"], row["stated_on"]) for row in own_words] == [
        (2, "2019-03-29")
    ]


def test_it_lists_changes_only_between_positions_of_the_chosen_attributions(
    api_client, reported_shift
):
    query = "/api/v1/changes/?actor=us&proposal=big-deal"

    everything = api_client.get(query).json()["results"]
    own_words = api_client.get(query + "&attribution=stated").json()["results"]

    assert [(row["kind"], row["changed_on"]) for row in everything] == [
        ("reversal", "2019-04-02")
    ]
    assert own_words == []


def test_it_draws_the_timeline_and_gap_from_the_chosen_attributions(
    api_client, reported_shift
):
    timeline = api_client.get(
        "/api/v1/timeline/?actor=us&proposal=big-deal&attribution=reported"
    ).json()
    gap_all = api_client.get("/api/v1/gap/?a=us&b=north-korea").json()
    gap_stated = api_client.get(
        "/api/v1/gap/?a=us&b=north-korea&attribution=stated"
    ).json()

    assert [point["stance"] for point in timeline["series"][0]["points"]] == [2, -1]
    # Without attribution the US's −1 and the DPRK's −2 on big deal are 1
    # apart; with stated only, the DPRK has no stance of its own (its
    # positions are the outlet's reading), so there is no shared proposal.
    assert (gap_all["points"][-1]["date"], gap_all["points"][-1]["gap"]) == (
        "2019-04-02",
        1.0,
    )
    assert [point["gap"] for point in gap_stated["points"]] == [None]


def test_it_compares_two_dates_from_the_chosen_attributions(api_client, reported_shift):
    query = "/api/v1/diff/?actor=us&proposal=big-deal&from_date=2019-03-30&to_date=2019-04-30"

    everything = api_client.get(query).json()["results"]
    own_words = api_client.get(query + "&attribution=stated").json()["results"]

    assert [
        (row["kind"], row["from_stance"], row["to_stance"]) for row in everything
    ] == [("reversal", 2, -1)]
    assert own_words == []


def test_it_counts_the_flip_o_meter_from_the_chosen_attributions(
    api_client, reported_shift
):
    url = "/api/v1/actors/us/summary/?since=2019-03-29&until=2019-04-30"

    everything = api_client.get(url).json()["proposals"]
    own_words = api_client.get(url + "&attribution=stated").json()["proposals"]

    big_deal = {row["proposal"]: row for row in everything}["big-deal"]
    assert big_deal["verdict"] == "reversal"
    assert {row["proposal"]: row for row in own_words}["big-deal"]["verdict"] == (
        "no_change"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stances/",
        "/api/v1/changes/",
        "/api/v1/timeline/",
        "/api/v1/gap/?a=us&b=north-korea",
        "/api/v1/diff/?from_date=2019-03-01&to_date=2019-04-01",
        "/api/v1/actors/us/summary/",
        "/api/v1/positions/",
    ],
)
def test_it_refuses_an_unknown_attribution_in_every_analysis(
    api_client, korea_case, path
):
    separator = "&" if "?" in path else "?"

    response = api_client.get(f"{path}{separator}attribution=rumour")

    assert response.status_code == 400
    assert list(response.json()) == ["attribution"]


def test_it_splits_a_sides_line_by_speaker(api_client, korea_case, reported_shift):
    position_create(
        speaker=korea_case.bolton,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=1,
        stated_on=D(2019, 3, 28),
    )

    response = api_client.get(
        "/api/v1/timeline/?actor=us&proposal=big-deal&by=speaker"
    ).json()

    assert [
        (line["speaker"], [point["stance"] for point in line["points"]])
        for line in response["series"]
    ] == [(None, [2, -1]), ("john-bolton", [1]), ("mike-pompeo", [2])]
    plain = api_client.get("/api/v1/timeline/?actor=us&proposal=big-deal").json()
    assert "speaker" not in plain["series"][0]
    assert len(plain["series"]) == 1


def test_it_gives_the_speaker_column_in_the_csv_by_speaker(api_client, reported_shift):
    response = api_client.get(
        "/api/v1/timeline/?actor=us&proposal=big-deal&by=speaker&format=csv"
    )

    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["stance"], row["speaker"]) for row in rows] == [
        ("2", ""),
        ("2", "mike-pompeo"),
        ("-1", ""),
    ]


def test_it_refuses_an_unknown_split(api_client, korea_case):
    response = api_client.get("/api/v1/timeline/?by=outlet")

    assert response.status_code == 400
    assert list(response.json()) == ["by"]
